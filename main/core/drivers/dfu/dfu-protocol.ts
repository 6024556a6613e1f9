/**
 * Numbers of USB DFU 1.1 (protocols.md §3): interface class codes, class requests, states and statuses.
 * Names follow the specification so that logs read like dfu-util's.
 */

/** Interface class 0xFE (application specific), subclass 0x01 (DFU). */
export const DFU_INTERFACE_CLASS = 0xfe;
export const DFU_INTERFACE_SUBCLASS = 0x01;
/** bInterfaceProtocol: 0x01 while the application runs, 0x02 in the DFU bootloader. */
export const DFU_PROTOCOL_RUNTIME = 0x01;
export const DFU_PROTOCOL_DFU_MODE = 0x02;

/** bcdDFUVersion of ST's DfuSe extension, whose block numbering differs from DFU 1.1. */
export const DFUSE_VERSION = 0x011a;

/** bmRequestType of class requests to the interface: OUT 0x21, IN 0xA1. */
export const DFU_REQUEST_TYPE_OUT = 0x21;
export const DFU_REQUEST_TYPE_IN = 0xa1;

/** bRequest values. */
export const DfuRequestCode = {
  DETACH: 0,
  DNLOAD: 1,
  UPLOAD: 2,
  GETSTATUS: 3,
  CLRSTATUS: 4,
  GETSTATE: 5,
  ABORT: 6,
} as const;

/** bState values. */
export const DfuState = {
  appIDLE: 0,
  appDETACH: 1,
  dfuIDLE: 2,
  dfuDNLOAD_SYNC: 3,
  dfuDNBUSY: 4,
  dfuDNLOAD_IDLE: 5,
  dfuMANIFEST_SYNC: 6,
  dfuMANIFEST: 7,
  dfuMANIFEST_WAIT_RESET: 8,
  dfuUPLOAD_IDLE: 9,
  dfuERROR: 10,
} as const;
export type DfuStateValue = (typeof DfuState)[keyof typeof DfuState];

export const DFU_STATE_NAMES = [
  'appIDLE',
  'appDETACH',
  'dfuIDLE',
  'dfuDNLOAD-SYNC',
  'dfuDNBUSY',
  'dfuDNLOAD-IDLE',
  'dfuMANIFEST-SYNC',
  'dfuMANIFEST',
  'dfuMANIFEST-WAIT-RESET',
  'dfuUPLOAD-IDLE',
  'dfuERROR',
] as const;

/** bStatus values; 0 is OK, everything else an error the device reports in dfuERROR. */
export const DfuStatus = {
  OK: 0,
  errTARGET: 1,
  errFILE: 2,
  errWRITE: 3,
  errERASE: 4,
  errCHECK_ERASED: 5,
  errPROG: 6,
  errVERIFY: 7,
  errADDRESS: 8,
  errNOTDONE: 9,
  errFIRMWARE: 10,
  errVENDOR: 11,
  errUSBR: 12,
  errPOR: 13,
  errUNKNOWN: 14,
  errSTALLEDPKT: 15,
} as const;
export type DfuStatusValue = (typeof DfuStatus)[keyof typeof DfuStatus];

export const DFU_STATUS_NAMES = [
  'OK',
  'errTARGET',
  'errFILE',
  'errWRITE',
  'errERASE',
  'errCHECK_ERASED',
  'errPROG',
  'errVERIFY',
  'errADDRESS',
  'errNOTDONE',
  'errFIRMWARE',
  'errVENDOR',
  'errUSBR',
  'errPOR',
  'errUNKNOWN',
  'errSTALLEDPKT',
] as const;

export function dfuStateName(state: number): string {
  return DFU_STATE_NAMES[state] ?? `state ${state}`;
}

export function dfuStatusName(status: number): string {
  return DFU_STATUS_NAMES[status] ?? `status ${status}`;
}

export function isDfuState(value: number): value is DfuStateValue {
  return Number.isInteger(value) && value >= 0 && value < DFU_STATE_NAMES.length;
}

export function isDfuStatus(value: number): value is DfuStatusValue {
  return Number.isInteger(value) && value >= 0 && value < DFU_STATUS_NAMES.length;
}
