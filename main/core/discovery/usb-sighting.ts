import { findDfuInterface } from '../drivers/dfu/dfu-interface';
import type { UsbDeviceInfo } from '../ports/usb-bus';
import type { SightingReport } from './sighting-report';

export type UsbSighting = { ok: true; report: SightingReport } | { ok: false; reason: string };

/**
 * Turns a device on the USB bus into a sighting (protocols.md §3). Only devices with a DFU interface
 * are ours: `dfu` for the bootloader, `runtime` for an application that offers DFU_DETACH. The serial
 * number (iSerialNumber) is what links both modes to one device, since the PID changes between them.
 */
export function sightingFromUsbDevice(device: UsbDeviceInfo): UsbSighting {
  const target = findDfuInterface(device);
  if (target === undefined)
    return {
      ok: false,
      reason: `USB device ${device.address} (${hex(device.vendorId)}:${hex(device.productId)}) has no DFU interface`,
    };
  const serial = device.serialNumber?.trim();
  const report: SightingReport = {
    transport: 'usb',
    address: device.address,
    identifiers: serial === undefined || serial === '' ? {} : { serial },
    protocol: target.mode,
  };
  if (device.product !== undefined && device.product.trim() !== '') report.model = device.product.trim();
  return { ok: true, report };
}

function hex(value: number): string {
  return value.toString(16).padStart(4, '0');
}
