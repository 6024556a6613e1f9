import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { decodeDfuRequest, encodeDfuRequest, type DfuControlTransfer, type DfuRequest } from './dfu-requests';

const u16 = fc.integer({ min: 0, max: 0xffff });
const requestArbitrary: fc.Arbitrary<DfuRequest> = fc.oneof(
  fc.record({ kind: fc.constant('detach' as const), detachTimeoutMs: u16 }),
  fc.record({
    kind: fc.constant('download' as const),
    blockNumber: u16,
    data: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.record({ kind: fc.constant('upload' as const), blockNumber: u16, lengthBytes: u16 }),
  fc.constant({ kind: 'get-status' as const }),
  fc.constant({ kind: 'clear-status' as const }),
  fc.constant({ kind: 'get-state' as const }),
  fc.constant({ kind: 'abort' as const }),
);

describe('DFU class requests (protocols.md §3)', () => {
  it('encodes the request types, codes and lengths the specification names', () => {
    expect(encodeDfuRequest({ kind: 'download', blockNumber: 7, data: new Uint8Array(3) }, 2)).toMatchObject({
      direction: 'out',
      setup: { requestType: 0x21, request: 1, value: 7, index: 2 },
    });
    expect(encodeDfuRequest({ kind: 'get-status' }, 0)).toEqual({
      direction: 'in',
      setup: { requestType: 0xa1, request: 3, value: 0, index: 0 },
      lengthBytes: 6,
    });
    expect(encodeDfuRequest({ kind: 'get-state' }, 0)).toMatchObject({
      setup: { request: 5 },
      lengthBytes: 1,
    });
    expect(encodeDfuRequest({ kind: 'detach', detachTimeoutMs: 1000 }, 0)).toMatchObject({
      setup: { requestType: 0x21, request: 0, value: 1000 },
    });
    expect(encodeDfuRequest({ kind: 'abort' }, 0).setup.request).toBe(6);
    expect(encodeDfuRequest({ kind: 'clear-status' }, 0).setup.request).toBe(4);
    expect(encodeDfuRequest({ kind: 'upload', blockNumber: 1, lengthBytes: 512 }, 0)).toMatchObject({
      setup: { requestType: 0xa1, request: 2 },
      lengthBytes: 512,
    });
  });

  it('round-trips every request through its control transfer', () => {
    fc.assert(
      fc.property(requestArbitrary, fc.integer({ min: 0, max: 255 }), (request, interfaceNumber) => {
        expect(decodeDfuRequest(encodeDfuRequest(request, interfaceNumber))).toEqual({
          request,
          interfaceNumber,
        });
      }),
    );
  });

  it('refuses fields that do not fit 16 bits with INVALID_INPUT', () => {
    expect(() =>
      encodeDfuRequest({ kind: 'download', blockNumber: 0x1_0000, data: new Uint8Array(1) }, 0),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => encodeDfuRequest({ kind: 'upload', blockNumber: 0, lengthBytes: -1 }, 0)).toThrow(AppError);
  });

  it('decodes arbitrary control transfers to a request or a DEVICE_PROTOCOL error', () => {
    const transferArbitrary: fc.Arbitrary<DfuControlTransfer> = fc.oneof(
      fc.record({
        direction: fc.constant('out' as const),
        setup: fc.record({
          requestType: fc.integer({ min: 0, max: 255 }),
          request: fc.integer({ min: 0, max: 255 }),
          value: u16,
          index: u16,
        }),
        data: fc.uint8Array({ maxLength: 8 }),
      }),
      fc.record({
        direction: fc.constant('in' as const),
        setup: fc.record({
          requestType: fc.integer({ min: 0, max: 255 }),
          request: fc.integer({ min: 0, max: 255 }),
          value: u16,
          index: u16,
        }),
        lengthBytes: u16,
      }),
    );
    fc.assert(
      fc.property(transferArbitrary, (transfer) => {
        try {
          const { request, interfaceNumber } = decodeDfuRequest(transfer);
          expect(encodeDfuRequest(request, interfaceNumber)).toEqual(transfer);
        } catch (error: unknown) {
          expect((error as AppError).code).toBe('DEVICE_PROTOCOL');
        }
      }),
    );
  });
});
