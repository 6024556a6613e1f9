import { AppError } from '../../../../shared/errors';
import { checkU16 } from './u16-field';
import type { UsbControlSetup } from '../../ports/usb-bus';
import { DFU_REQUEST_TYPE_IN, DFU_REQUEST_TYPE_OUT, DfuRequestCode } from './dfu-protocol';
import { DFU_STATUS_LENGTH } from './dfu-status';

/** One DFU class request (protocols.md §3), before it becomes a control transfer. */
export type DfuRequest =
  | { kind: 'detach'; detachTimeoutMs: number }
  | { kind: 'download'; blockNumber: number; data: Uint8Array }
  | { kind: 'upload'; blockNumber: number; lengthBytes: number }
  | { kind: 'get-status' }
  | { kind: 'clear-status' }
  | { kind: 'get-state' }
  | { kind: 'abort' };

/** A control transfer ready for a UsbDeviceHandle: OUT carries data, IN asks for a length. */
export type DfuControlTransfer =
  | { direction: 'out'; setup: UsbControlSetup; data: Uint8Array }
  | { direction: 'in'; setup: UsbControlSetup; lengthBytes: number };

/** Encodes a request to the DFU interface `interfaceNumber` (wIndex). */
export function encodeDfuRequest(request: DfuRequest, interfaceNumber: number): DfuControlTransfer {
  checkU16(interfaceNumber, 'interface number');
  const out = (code: number, value: number, data: Uint8Array = new Uint8Array(0)): DfuControlTransfer => ({
    direction: 'out',
    setup: {
      requestType: DFU_REQUEST_TYPE_OUT,
      request: code,
      value: checkU16(value, 'wValue'),
      index: interfaceNumber,
    },
    data,
  });
  const into = (code: number, value: number, lengthBytes: number): DfuControlTransfer => ({
    direction: 'in',
    setup: {
      requestType: DFU_REQUEST_TYPE_IN,
      request: code,
      value: checkU16(value, 'wValue'),
      index: interfaceNumber,
    },
    lengthBytes: checkU16(lengthBytes, 'wLength'),
  });
  switch (request.kind) {
    case 'detach':
      return out(DfuRequestCode.DETACH, request.detachTimeoutMs);
    case 'download':
      checkU16(request.data.length, 'wLength');
      return out(DfuRequestCode.DNLOAD, request.blockNumber, request.data);
    case 'upload':
      return into(DfuRequestCode.UPLOAD, request.blockNumber, request.lengthBytes);
    case 'get-status':
      return into(DfuRequestCode.GETSTATUS, 0, DFU_STATUS_LENGTH);
    case 'clear-status':
      return out(DfuRequestCode.CLRSTATUS, 0);
    case 'get-state':
      return into(DfuRequestCode.GETSTATE, 0, 1);
    case 'abort':
      return out(DfuRequestCode.ABORT, 0);
  }
}

/**
 * Reads a control transfer back as a DFU request: what a traffic recorder or a simulated device does.
 * A request type, request code or length that DFU does not define is DEVICE_PROTOCOL.
 */
export function decodeDfuRequest(transfer: DfuControlTransfer): {
  request: DfuRequest;
  interfaceNumber: number;
} {
  const { setup } = transfer;
  const expectedType = transfer.direction === 'out' ? DFU_REQUEST_TYPE_OUT : DFU_REQUEST_TYPE_IN;
  if (setup.requestType !== expectedType)
    throw protocolError(
      `bmRequestType 0x${setup.requestType.toString(16)} is not a DFU ${transfer.direction} request`,
    );
  const interfaceNumber = setup.index;
  const request =
    transfer.direction === 'out' ? decodeOut(setup, transfer.data) : decodeIn(setup, transfer.lengthBytes);
  return { request, interfaceNumber };
}

function decodeOut(setup: UsbControlSetup, data: Uint8Array): DfuRequest {
  if (setup.request === DfuRequestCode.DNLOAD) return { kind: 'download', blockNumber: setup.value, data };
  if (data.length !== 0)
    throw protocolError(`DFU request ${setup.request} carries ${data.length} unexpected bytes`);
  if (setup.request === DfuRequestCode.DETACH) return { kind: 'detach', detachTimeoutMs: setup.value };
  if (setup.request === DfuRequestCode.CLRSTATUS) return { kind: 'clear-status' };
  if (setup.request === DfuRequestCode.ABORT) return { kind: 'abort' };
  throw protocolError(`bRequest ${setup.request} is not a DFU OUT request`);
}

function decodeIn(setup: UsbControlSetup, lengthBytes: number): DfuRequest {
  if (setup.request === DfuRequestCode.UPLOAD)
    return { kind: 'upload', blockNumber: setup.value, lengthBytes };
  if (setup.request === DfuRequestCode.GETSTATUS && lengthBytes === DFU_STATUS_LENGTH)
    return { kind: 'get-status' };
  if (setup.request === DfuRequestCode.GETSTATE && lengthBytes === 1) return { kind: 'get-state' };
  throw protocolError(`bRequest ${setup.request} with wLength ${lengthBytes} is not a DFU IN request`);
}

function protocolError(message: string): AppError {
  return new AppError('DEVICE_PROTOCOL', message);
}
