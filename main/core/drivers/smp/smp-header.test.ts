import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { decodeSmpHeader, encodeSmpHeader, SmpOp, type SmpHeader } from './smp-header';

describe('SMP header (protocols.md §1, "Header: 8 bytes")', () => {
  it('encodes the golden v2 echo header byte for byte', () => {
    const header: SmpHeader = {
      op: SmpOp.write,
      version: 1,
      flags: 0,
      bodyLength: 9,
      group: 0,
      seq: 0x2a,
      commandId: 0,
    };
    expect(Buffer.from(encodeSmpHeader(header)).toString('hex')).toBe('0a0000090000' + '2a00');
    expect(decodeSmpHeader(encodeSmpHeader(header))).toEqual(header);
  });

  it('puts multi-byte fields big-endian', () => {
    const bytes = encodeSmpHeader({
      op: SmpOp.read,
      version: 0,
      flags: 0,
      bodyLength: 0x1234,
      group: 0xabcd,
      seq: 255,
      commandId: 7,
    });
    expect([...bytes]).toEqual([0x00, 0x00, 0x12, 0x34, 0xab, 0xcd, 0xff, 0x07]);
  });

  it.each([
    ['a reserved bit', [0x20, 0, 0, 0, 0, 0, 0, 0]],
    ['version 2', [0x10, 0, 0, 0, 0, 0, 0, 0]],
    ['op 4', [0x04, 0, 0, 0, 0, 0, 0, 0]],
    ['7 bytes', [0, 0, 0, 0, 0, 0, 0]],
  ])('rejects %s with DEVICE_PROTOCOL', (_name, bytes) => {
    expect(() => decodeSmpHeader(Uint8Array.from(bytes))).toThrow(
      expect.objectContaining({ code: 'DEVICE_PROTOCOL' }),
    );
  });

  it('refuses out-of-range fields on encode with INVALID_INPUT', () => {
    expect(() =>
      encodeSmpHeader({
        op: SmpOp.read,
        version: 0,
        flags: 0,
        bodyLength: 0,
        group: 0,
        seq: 256,
        commandId: 0,
      }),
    ).toThrow(AppError);
  });

  it('round-trips every valid header', () => {
    fc.assert(
      fc.property(
        fc.record({
          op: fc.constantFrom(SmpOp.read, SmpOp.readResponse, SmpOp.write, SmpOp.writeResponse),
          version: fc.constantFrom(0 as const, 1 as const),
          flags: fc.integer({ min: 0, max: 255 }),
          bodyLength: fc.integer({ min: 0, max: 0xffff }),
          group: fc.integer({ min: 0, max: 0xffff }),
          seq: fc.integer({ min: 0, max: 255 }),
          commandId: fc.integer({ min: 0, max: 255 }),
        }),
        (header) => {
          expect(decodeSmpHeader(encodeSmpHeader(header))).toEqual(header);
        },
      ),
    );
  });
});
