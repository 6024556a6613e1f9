import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { ConsoleFrameDecoder, decodeConsoleStream, type ConsoleDecodeEvent } from './console-frame-decoder';
import { encodeConsoleFrames, encodeConsoleStream } from './console-frame-encoder';

const GOLDEN_PACKET = new Uint8Array(Buffer.from('0a00000900002a00a161646568656c6c6f', 'hex'));
const GOLDEN_WIRE = Buffer.concat([
  Buffer.from([0x06, 0x09]),
  Buffer.from('ABMKAAAJAAAqAKFhZGVoZWxsbwo4'),
  Buffer.from([0x0a]),
]);

const packetsOf = (events: ConsoleDecodeEvent[]): string[] =>
  events.flatMap((event) => (event.kind === 'packet' ? [Buffer.from(event.packet).toString('hex')] : []));
const errorsOf = (events: ConsoleDecodeEvent[]): AppError[] =>
  events.flatMap((event) => (event.kind === 'error' ? [event.error] : []));

describe('SMP console framing (protocols.md §1, "Serial transport")', () => {
  it('encodes the golden echo frame byte for byte', () => {
    expect(Buffer.from(encodeConsoleStream(GOLDEN_PACKET)).equals(GOLDEN_WIRE)).toBe(true);
  });

  it('decodes the golden echo frame', () => {
    expect(Buffer.from(decodeConsoleStream(GOLDEN_WIRE)).equals(Buffer.from(GOLDEN_PACKET))).toBe(true);
  });

  it('cuts long packets into ≤127-byte frames of whole base64 groups, continuation markers after the first', () => {
    const packet = new Uint8Array(500).map((_, index) => index);
    const frames = encodeConsoleFrames(packet);
    expect(frames.length).toBeGreaterThan(1);
    frames.forEach((frame, index) => {
      expect(frame.length).toBeLessThanOrEqual(127);
      expect([...frame.subarray(0, 2)]).toEqual(index === 0 ? [0x06, 0x09] : [0x04, 0x14]);
      expect(frame[frame.length - 1]).toBe(0x0a);
      const text = Buffer.from(frame.subarray(2, -1)).toString('latin1');
      expect(text.length % 4).toBe(0);
      if (index < frames.length - 1) expect(text).not.toContain('=');
    });
    expect(frames[0]!.length).toBe(127);
  });

  it('finds packets between console noise, split at any byte', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 3 }),
        fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        (packets, noise, cuts) => {
          const stream = Buffer.concat(
            packets.flatMap((packet) => [Buffer.from(`${noise}\r\n`), encodeConsoleStream(packet)]),
          );
          const decoder = new ConsoleFrameDecoder();
          const events: ConsoleDecodeEvent[] = [];
          for (let offset = 0, turn = 0; offset < stream.length; turn += 1) {
            const size = cuts[turn % cuts.length]!;
            events.push(...decoder.push(stream.subarray(offset, offset + size)));
            offset += size;
          }
          expect(errorsOf(events)).toEqual([]);
          expect(packetsOf(events)).toEqual(packets.map((packet) => Buffer.from(packet).toString('hex')));
        },
      ),
    );
  });

  it('drops a packet whose CRC is wrong and still decodes the next one', () => {
    const broken = new Uint8Array(encodeConsoleStream(GOLDEN_PACKET));
    broken[10] = broken[10] === 0x41 ? 0x42 : 0x41;
    const events = new ConsoleFrameDecoder().push(Buffer.concat([broken, GOLDEN_WIRE]));
    expect(errorsOf(events).map((error) => error.message)).toEqual(['console packet CRC16 mismatch']);
    expect(packetsOf(events)).toHaveLength(1);
  });

  it.each([
    ['a frame broken by a stray byte', Buffer.concat([Buffer.from([6, 9]), Buffer.from('ABMK\x01AAAJ\n')])],
    [
      'a frame longer than 127 bytes',
      Buffer.concat([Buffer.from([6, 9]), Buffer.from('A'.repeat(128)), Buffer.from('\n')]),
    ],
    ['padding in the middle', Buffer.concat([Buffer.from([6, 9]), Buffer.from('AB==AAAA\n')])],
    ['a frame that is not whole groups', Buffer.concat([Buffer.from([6, 9]), Buffer.from('ABMKA\n')])],
    ['a continuation with no first frame', Buffer.concat([Buffer.from([4, 20]), Buffer.from('AAAA\n')])],
    [
      'more data than the length field',
      Buffer.concat([
        Buffer.from([6, 9]),
        Buffer.from(Buffer.from([0, 3, 1, 2, 3, 4, 5, 6]).toString('base64')),
        Buffer.from('\n'),
      ]),
    ],
  ])('reports %s as DEVICE_PROTOCOL and recovers', (_name, bad) => {
    const events = new ConsoleFrameDecoder().push(Buffer.concat([bad, GOLDEN_WIRE]));
    expect(errorsOf(events).length).toBeGreaterThan(0);
    expect(errorsOf(events).every((error) => error.code === 'DEVICE_PROTOCOL')).toBe(true);
    expect(packetsOf(events)).toEqual([Buffer.from(GOLDEN_PACKET).toString('hex')]);
  });

  it('drops packets above maxPacketBytes as soon as the length is known', () => {
    const decoder = new ConsoleFrameDecoder({ maxPacketBytes: 100 });
    const events = decoder.push(Buffer.concat([encodeConsoleStream(new Uint8Array(400)), GOLDEN_WIRE]));
    expect(errorsOf(events)).toHaveLength(1);
    expect(packetsOf(events)).toHaveLength(1);
  });

  it('never throws on arbitrary bytes and only reports AppErrors', () => {
    const markers = fc.constantFrom(
      Uint8Array.from([6, 9]),
      Uint8Array.from([4, 20]),
      Uint8Array.from([10]),
      Buffer.from('QUFB'),
    );
    const chunk = fc.oneof(fc.uint8Array({ maxLength: 40 }), markers);
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 30 }), (chunks) => {
        const decoder = new ConsoleFrameDecoder();
        for (const bytes of chunks) {
          for (const event of decoder.push(bytes))
            if (event.kind === 'error') expect(event.error).toBeInstanceOf(AppError);
        }
        // Whatever came before, a whole packet afterwards is still found.
        expect(packetsOf(decoder.push(Buffer.concat([Buffer.from('\n'), GOLDEN_WIRE])))).toHaveLength(1);
      }),
      { numRuns: 2000 },
    );
  });
});
