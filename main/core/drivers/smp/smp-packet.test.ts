import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { SmpOp } from './smp-header';
import { decodeSmpPacket, encodeSmpPacket } from './smp-packet';
import { arbitrarySmpPacket } from './smp-test-arbitraries';

const GOLDEN_ECHO = '0a00000900002a00a161646568656c6c6f';

describe('SMP packets (protocols.md §1)', () => {
  it('encodes the golden v2 echo packet byte for byte', () => {
    const bytes = encodeSmpPacket({
      op: SmpOp.write,
      version: 1,
      flags: 0,
      group: 0,
      seq: 0x2a,
      commandId: 0,
      body: { d: 'hello' },
    });
    expect(Buffer.from(bytes).toString('hex')).toBe(GOLDEN_ECHO);
  });

  it('decodes the golden packet', () => {
    expect(decodeSmpPacket(new Uint8Array(Buffer.from(GOLDEN_ECHO, 'hex')))).toEqual({
      op: SmpOp.write,
      version: 1,
      flags: 0,
      group: 0,
      seq: 0x2a,
      commandId: 0,
      body: { d: 'hello' },
    });
  });

  it('rejects a length field that disagrees with the bytes that follow', () => {
    const bytes = new Uint8Array(Buffer.from(GOLDEN_ECHO + '00', 'hex'));
    expect(() => decodeSmpPacket(bytes)).toThrow(expect.objectContaining({ code: 'DEVICE_PROTOCOL' }));
    expect(() => decodeSmpPacket(bytes.subarray(0, 12))).toThrow(
      expect.objectContaining({ code: 'DEVICE_PROTOCOL' }),
    );
  });

  it('round-trips arbitrary packets', () => {
    fc.assert(
      fc.property(arbitrarySmpPacket, (packet) => {
        expect(decodeSmpPacket(encodeSmpPacket(packet))).toEqual(packet);
      }),
    );
  });

  it('turns arbitrary bytes into a packet or a DEVICE_PROTOCOL AppError', () => {
    const headerThenBody = fc
      .tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ maxLength: 100 }))
      .map(([header, body]) => {
        const bytes = Uint8Array.from([...header, ...body]);
        // Half the time make the length field honest so the CBOR decoder is reached.
        if (header[0]! % 2 === 0) new DataView(bytes.buffer).setUint16(2, body.length);
        bytes[0] = bytes[0]! & 0x0f;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), headerThenBody), (bytes) => {
        try {
          decodeSmpPacket(bytes);
        } catch (error: unknown) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('DEVICE_PROTOCOL');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
