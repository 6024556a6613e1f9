import type { JsonValue } from '../../../shared/contract';
import { describeSmpEndpoint, type SmpEndpoint } from '../drivers/smp/smp-flasher-link';

/**
 * A USB DFU device (protocols.md §3), named by its iSerialNumber: the only thing that stays the same
 * when it re-enumerates between run-time and DFU mode (VID stays too, but the PID changes, and the
 * address is per enumeration). A device without a serial number cannot be followed, so it has no endpoint.
 */
export interface UsbDfuEndpoint {
  kind: 'usb-dfu';
  serialNumber: string;
}

/** A UF2 bootloader drive (protocols.md §4), named by the folder it is mounted at. */
export interface Uf2DriveEndpoint {
  kind: 'uf2-drive';
  folder: string;
}

/** Where a flash job reaches its device; the kind decides the protocol (run-flash-task.ts). */
export type FlashEndpoint = SmpEndpoint | UsbDfuEndpoint | Uf2DriveEndpoint;

export type FlashProtocol = 'smp' | 'dfu' | 'uf2';

/** The flashing protocol an endpoint speaks; the bundle's image entry must be of the matching kind. */
export function protocolOfEndpoint(endpoint: FlashEndpoint): FlashProtocol {
  if (endpoint.kind === 'usb-dfu') return 'dfu';
  if (endpoint.kind === 'uf2-drive') return 'uf2';
  return 'smp';
}

export function isSmpEndpoint(endpoint: FlashEndpoint): endpoint is SmpEndpoint {
  return endpoint.kind === 'serial' || endpoint.kind === 'udp';
}

/** `serial:/dev/ttyACM0`, `udp:10.0.0.7:1337`, `usb-dfu:FL-0003`, `uf2-drive:/media/u/RPI-RP2`: job addresses. */
export function describeFlashEndpoint(endpoint: FlashEndpoint): string {
  if (endpoint.kind === 'usb-dfu') return `usb-dfu:${endpoint.serialNumber}`;
  if (endpoint.kind === 'uf2-drive') return `uf2-drive:${endpoint.folder}`;
  return describeSmpEndpoint(endpoint);
}

/** Reads an endpoint back from a ledger payload (`job.started`), or null when it is not one. */
export function readFlashEndpoint(value: JsonValue | undefined): FlashEndpoint | null {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return null;
  switch (value.kind) {
    case 'serial':
      return typeof value.path === 'string' && typeof value.baudRate === 'number'
        ? { kind: 'serial', path: value.path, baudRate: value.baudRate }
        : null;
    case 'udp':
      return typeof value.address === 'string' && typeof value.port === 'number'
        ? { kind: 'udp', address: value.address, port: value.port }
        : null;
    case 'usb-dfu':
      return typeof value.serialNumber === 'string' && value.serialNumber !== ''
        ? { kind: 'usb-dfu', serialNumber: value.serialNumber }
        : null;
    case 'uf2-drive':
      return typeof value.folder === 'string' && value.folder !== ''
        ? { kind: 'uf2-drive', folder: value.folder }
        : null;
    default:
      return null;
  }
}
