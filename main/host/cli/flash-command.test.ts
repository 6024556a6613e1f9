import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-support/temp-dir';
import { parseDeviceArgument } from './flash-command';
import { uf2DriveDeviceId, usbDfuDeviceId } from './flash-device-argument';

describe('fieldline flash --device', () => {
  it('reads a UDP address, a serial port path, or else a device id', () => {
    expect(parseDeviceArgument('udp:10.0.0.7:1337', 115_200)).toEqual({
      kind: 'endpoint',
      endpoint: { kind: 'udp', address: '10.0.0.7', port: 1337 },
    });
    expect(parseDeviceArgument('/dev/ttyACM0', 921_600)).toEqual({
      kind: 'endpoint',
      endpoint: { kind: 'serial', path: '/dev/ttyACM0', baudRate: 921_600 },
    });
    expect(parseDeviceArgument('lab/pty/app', 115_200)).toMatchObject({
      endpoint: { path: resolve('lab/pty/app') },
    });
    expect(parseDeviceArgument('COM3', 115_200)).toMatchObject({
      endpoint: { kind: 'serial', path: 'COM3' },
    });
    expect(parseDeviceArgument('hwid:0123ABCD', 115_200)).toEqual({ kind: 'id', deviceId: 'hwid:0123ABCD' });
  });

  it('reads a USB DFU serial number and a UF2 drive folder, named as discovery names them', () => {
    expect(parseDeviceArgument('usb-dfu:FL-LAB-0003', 115_200)).toEqual({
      kind: 'endpoint',
      endpoint: { kind: 'usb-dfu', serialNumber: 'FL-LAB-0003' },
    });
    expect(usbDfuDeviceId('fl-lab 0003')).toBe('serial:FL-LAB0003');
    const temp = makeTempDir('fieldline-flash-arg-');
    try {
      const drive = join(temp.path, 'FLDLAB');
      mkdirSync(drive);
      writeFileSync(
        join(drive, 'INFO_UF2.TXT'),
        'UF2 Bootloader v3.0\r\nModel: Lab\r\nBoard-ID: RP2040-Lab-v1\r\nSerial: E660\r\n',
      );
      const parsed = parseDeviceArgument(drive, 115_200);
      expect(parsed).toEqual({ kind: 'endpoint', endpoint: { kind: 'uf2-drive', folder: drive } });
      expect(uf2DriveDeviceId({ kind: 'uf2-drive', folder: drive })).toBe('serial:E660');
      // A folder without INFO_UF2.TXT is not a drive: it stays a (serial) path.
      expect(parseDeviceArgument(temp.path, 115_200)).toMatchObject({ endpoint: { kind: 'serial' } });
    } finally {
      temp.remove();
    }
  });
});
