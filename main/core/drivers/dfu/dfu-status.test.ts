import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { DfuState, DfuStatus } from './dfu-protocol';
import {
  decodeDfuState,
  decodeDfuStatus,
  describeDfuStatus,
  encodeDfuStatus,
  type DfuStatusReport,
} from './dfu-status';

const reportArbitrary: fc.Arbitrary<DfuStatusReport> = fc.record({
  status: fc.integer({ min: 0, max: 15 }) as fc.Arbitrary<DfuStatusReport['status']>,
  pollTimeoutMs: fc.integer({ min: 0, max: 0xff_ffff }),
  state: fc.integer({ min: 0, max: 10 }) as fc.Arbitrary<DfuStatusReport['state']>,
  stringIndex: fc.integer({ min: 0, max: 255 }),
});

describe('DFU GETSTATUS reply (protocols.md §3)', () => {
  it('reads bStatus, a 24-bit little-endian bwPollTimeout, bState and iString', () => {
    const report = decodeDfuStatus(Uint8Array.of(0, 0x34, 0x12, 0x01, 4, 7));
    expect(report).toEqual({
      status: DfuStatus.OK,
      pollTimeoutMs: 0x011234,
      state: DfuState.dfuDNBUSY,
      stringIndex: 7,
    });
    expect(describeDfuStatus({ status: DfuStatus.errWRITE, state: DfuState.dfuERROR })).toBe(
      'errWRITE in dfuERROR',
    );
  });

  it('round-trips every valid report', () => {
    fc.assert(
      fc.property(reportArbitrary, (report) => {
        expect(decodeDfuStatus(encodeDfuStatus(report))).toEqual(report);
      }),
    );
  });

  it('answers arbitrary bytes with a report or a DEVICE_PROTOCOL AppError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (bytes) => {
        try {
          const report = decodeDfuStatus(bytes);
          expect(bytes.length).toBe(6);
          expect(encodeDfuStatus(report)).toEqual(bytes);
        } catch (error: unknown) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('DEVICE_PROTOCOL');
        }
      }),
    );
  });

  it.each([
    ['short', Uint8Array.of(0, 0, 0, 0, 2)],
    ['long', Uint8Array.of(0, 0, 0, 0, 2, 0, 0)],
    ['undefined bStatus', Uint8Array.of(16, 0, 0, 0, 2, 0)],
    ['undefined bState', Uint8Array.of(0, 0, 0, 0, 11, 0)],
  ])('refuses a %s reply as DEVICE_PROTOCOL', (_name, bytes) => {
    expect(() => decodeDfuStatus(bytes)).toThrow(expect.objectContaining({ code: 'DEVICE_PROTOCOL' }));
  });

  it('refuses a bwPollTimeout that does not fit 24 bits when encoding', () => {
    expect(() => encodeDfuStatus({ status: 0, pollTimeoutMs: 0x100_0000, state: 2, stringIndex: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('reads GETSTATE as exactly one known state byte', () => {
    expect(decodeDfuState(Uint8Array.of(10))).toBe(DfuState.dfuERROR);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4 }), (bytes) => {
        try {
          expect(decodeDfuState(bytes)).toBe(bytes[0]);
        } catch (error: unknown) {
          expect((error as AppError).code).toBe('DEVICE_PROTOCOL');
        }
      }),
    );
  });
});
