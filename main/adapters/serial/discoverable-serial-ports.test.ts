import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SerialPortInfo, SerialPorts } from '../../core/ports/serial-port';
import { makeTempDir } from '../../test-support/temp-dir';
import { DiscoverableSerialPorts } from './discoverable-serial-ports';

let dir: ReturnType<typeof makeTempDir>;
let osPorts: SerialPortInfo[] | Error;
const inner: SerialPorts = {
  list: () => (osPorts instanceof Error ? Promise.reject(osPorts) : Promise.resolve(osPorts)),
  open: () => Promise.reject(new Error('not in this test')),
};
beforeEach(() => {
  dir = makeTempDir();
  osPorts = [
    { path: '/dev/ttyS0' },
    { path: '/dev/ttyACM0', vendorId: '2fe3', productId: '0100', serialNumber: 'SN1' },
  ];
});
afterEach(() => dir.remove());
// A non-Linux platform so the OS list runs on every call (the Linux trigger has its own test).
const osList = { platform: 'darwin' as const };

describe('DiscoverableSerialPorts', () => {
  it('offers USB ports the OS lists plus whatever the patterns match, without built-in UARTs', async () => {
    mkdirSync(join(dir.path, 'lab', 'd1', 'pty'), { recursive: true });
    symlinkSync('/dev/null', join(dir.path, 'lab', 'd1', 'pty', 'app'));
    const ports = new DiscoverableSerialPorts(inner, {
      extraGlobs: [join(dir.path, 'lab', '*', 'pty', 'app')],
      osList,
    });
    expect(await ports.list()).toEqual([
      { path: join(dir.path, 'lab', 'd1', 'pty', 'app') },
      { path: '/dev/ttyACM0', vendorId: '2fe3', productId: '0100', serialNumber: 'SN1' },
    ]);
  });

  it('offers non-USB ports when asked', async () => {
    const ports = new DiscoverableSerialPorts(inner, { includeNonUsbPorts: true, osList });
    expect((await ports.list()).map((port) => port.path)).toEqual(['/dev/ttyS0', '/dev/ttyACM0']);
  });

  it('lists a path both name once, with the OS metadata', async () => {
    const path = join(dir.path, 'ttyACM9');
    symlinkSync('/dev/null', path);
    osPorts = [{ path, vendorId: '1915', serialNumber: 'SN9' }];
    const ports = new DiscoverableSerialPorts(inner, { extraGlobs: [join(dir.path, 'tty*')], osList });
    expect(await ports.list()).toEqual([{ path, vendorId: '1915', serialNumber: 'SN9' }]);
  });

  it('reports a failing OS list once per distinct failure and falls back to the last good list', async () => {
    const failures: unknown[] = [];
    const ports = new DiscoverableSerialPorts(inner, {
      onListError: (error) => failures.push(error),
      osList,
    });
    await ports.list();
    osPorts = new Error('udevadm: not found');
    expect(await ports.list()).toHaveLength(1);
    expect(await ports.list()).toHaveLength(1);
    expect(failures).toHaveLength(1);
  });

  it('refuses a relative pattern at construction', () => {
    expect(() => new DiscoverableSerialPorts(inner, { extraGlobs: ['tmp/*'] })).toThrow(/absolute/);
  });
});
