import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeviceArgument } from './flash-command';

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
});
