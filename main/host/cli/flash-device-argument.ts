import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { aliasKeys } from '../../core/discovery/sighting-report';
import type { SmpEndpoint } from '../../core/drivers/smp/smp-flasher-link';
import { parseInfoUf2 } from '../../core/drivers/uf2/info-uf2-parser';
import type { FlashEndpoint, Uf2DriveEndpoint } from '../../core/jobs/flash-endpoint';

export type DeviceArgument = { kind: 'id'; deviceId: string } | { kind: 'endpoint'; endpoint: FlashEndpoint };

/**
 * `udp:host:port`, `usb-dfu:<serial number>`, a UF2 drive's folder (it holds INFO_UF2.TXT), a serial
 * port path (`/dev/ttyACM0`, `COM3`), or else a device id as `devices` lists it.
 */
export function parseDeviceArgument(text: string, baudRate: number): DeviceArgument {
  const udp = /^udp:(.+):(\d{1,5})$/.exec(text);
  if (udp) return { kind: 'endpoint', endpoint: { kind: 'udp', address: udp[1]!, port: Number(udp[2]) } };
  const usb = /^usb-dfu:(.+)$/.exec(text);
  if (usb) return { kind: 'endpoint', endpoint: { kind: 'usb-dfu', serialNumber: usb[1]! } };
  if (text.includes('/') || text.includes('\\') || /^COM\d+$/i.test(text)) {
    const path = resolvePath(text);
    if (isUf2Drive(path)) return { kind: 'endpoint', endpoint: { kind: 'uf2-drive', folder: path } };
    return { kind: 'endpoint', endpoint: { kind: 'serial', path, baudRate } satisfies SmpEndpoint };
  }
  return { kind: 'id', deviceId: text };
}

/**
 * Names a UF2 drive given by folder the way discovery does (drive-sighting.ts): by the `Serial:` line of
 * its INFO_UF2.TXT (`serial:<SERIAL>`); a bootloader without one is named by its folder.
 */
export function uf2DriveDeviceId(endpoint: Uf2DriveEndpoint): string {
  const info = parseInfoUf2(readFileSync(join(endpoint.folder, 'INFO_UF2.TXT')));
  const serial = info.serialNumber;
  return aliasKeys(serial === undefined ? {} : { serial })[0] ?? `uf2-drive:${endpoint.folder}`;
}

/** A DFU device given by serial number is named as USB discovery names it (`serial:<SERIAL>`). */
export function usbDfuDeviceId(serialNumber: string): string {
  return aliasKeys({ serial: serialNumber })[0] ?? `usb-dfu:${serialNumber}`;
}

function isUf2Drive(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, 'INFO_UF2.TXT'));
  } catch {
    return false;
  }
}

function resolvePath(text: string): string {
  return /^COM\d+$/i.test(text) || text.startsWith('\\\\') ? text : resolve(text);
}
