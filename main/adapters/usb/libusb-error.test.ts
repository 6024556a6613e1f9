import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { toUsbAppError } from './libusb-error';

const libusbError = (errno: number) => Object.assign(new Error(`LIBUSB_ERROR ${errno}`), { errno });

describe('libusb errors as the UsbBus port promises them', () => {
  it.each([
    [-9, 'DEVICE_REJECTED'],
    [-7, 'TIMEOUT'],
    [-4, 'TRANSPORT_CLOSED'],
    [-1, 'TRANSPORT_CLOSED'],
    [-5, 'NOT_FOUND'],
    [-3, 'PORT_UNAVAILABLE'],
    [-6, 'PORT_UNAVAILABLE'],
    [-2, 'INVALID_INPUT'],
    [-12, 'NOT_IMPLEMENTED'],
    [-99, 'DEVICE_NOT_RESPONDING'],
  ])('errno %i becomes %s', (errno, code) => {
    const error = toUsbAppError(libusbError(errno), 'control IN');
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^control IN: /);
  });

  it('marks a STALL so drivers can tell a refusal from a lost device', () => {
    expect(toUsbAppError(libusbError(-9), 'x').details).toMatchObject({ isStall: true });
    expect(toUsbAppError(libusbError(-4), 'x').details?.isStall).toBeUndefined();
  });

  it('passes AppErrors through and handles non-errors', () => {
    const original = new AppError('CANCELLED', 'Cancelled');
    expect(toUsbAppError(original, 'x')).toBe(original);
    expect(toUsbAppError('weird', 'x').code).toBe('DEVICE_NOT_RESPONDING');
  });
});
