import { AppError } from '../../../shared/errors';

/** libusb's error numbers (libusb.h, `enum libusb_error`), as node-usb reports them in `errno`. */
const LIBUSB = {
  IO: -1,
  INVALID_PARAM: -2,
  ACCESS: -3,
  NO_DEVICE: -4,
  NOT_FOUND: -5,
  BUSY: -6,
  TIMEOUT: -7,
  OVERFLOW: -8,
  PIPE: -9,
  INTERRUPTED: -10,
  NO_MEM: -11,
  NOT_SUPPORTED: -12,
} as const;

/**
 * Converts what node-usb throws or passes to a callback into the AppError the UsbBus port promises:
 * a STALL (LIBUSB_ERROR_PIPE) is DEVICE_REJECTED with `isStall`, a vanished device TRANSPORT_CLOSED,
 * no permission or a busy interface PORT_UNAVAILABLE, a timeout TIMEOUT.
 */
export function toUsbAppError(error: unknown, during: string): AppError {
  if (error instanceof AppError) return error;
  const errno =
    typeof (error as { errno?: unknown } | undefined)?.errno === 'number'
      ? (error as { errno: number }).errno
      : undefined;
  const message = `${during}: ${error instanceof Error ? error.message : String(error)}`;
  const options = { cause: error, details: { libusbErrno: errno } };
  switch (errno) {
    case LIBUSB.PIPE:
      return new AppError('DEVICE_REJECTED', message, {
        cause: error,
        details: { libusbErrno: errno, isStall: true },
      });
    case LIBUSB.TIMEOUT:
      return new AppError('TIMEOUT', message, options);
    case LIBUSB.NO_DEVICE:
    case LIBUSB.IO:
    case LIBUSB.INTERRUPTED:
      return new AppError('TRANSPORT_CLOSED', message, options);
    case LIBUSB.NOT_FOUND:
      return new AppError('NOT_FOUND', message, options);
    case LIBUSB.ACCESS:
    case LIBUSB.BUSY:
      return new AppError('PORT_UNAVAILABLE', message, options);
    case LIBUSB.INVALID_PARAM:
    case LIBUSB.OVERFLOW:
      return new AppError('INVALID_INPUT', message, options);
    case LIBUSB.NOT_SUPPORTED:
      return new AppError('NOT_IMPLEMENTED', message, options);
    default:
      return new AppError('DEVICE_NOT_RESPONDING', message, options);
  }
}
