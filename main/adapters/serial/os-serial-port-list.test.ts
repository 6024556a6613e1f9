import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SerialPortInfo } from '../../core/ports/serial-port';
import { makeTempDir } from '../../test-support/temp-dir';
import { OsSerialPortList } from './os-serial-port-list';

let dir: ReturnType<typeof makeTempDir>;
let now: number;
let calls: number;
let result: SerialPortInfo[];
const list = (): Promise<SerialPortInfo[]> => {
  calls += 1;
  return Promise.resolve(result);
};
beforeEach(() => {
  dir = makeTempDir();
  now = 0;
  calls = 0;
  result = [];
});
afterEach(() => dir.remove());

const linuxList = () =>
  new OsSerialPortList(list, { platform: 'linux', devDir: dir.path, settleMs: 1_000, nowMs: () => now });

describe('OsSerialPortList', () => {
  it('on Linux runs the expensive list only when serial device nodes change, and for a settle time after', async () => {
    const ports = linuxList();
    await ports.list();
    now = 2_000;
    await ports.list();
    writeFileSync(join(dir.path, 'unrelated'), '');
    await ports.list();
    expect(calls).toBe(1);

    writeFileSync(join(dir.path, 'ttyACM0'), '');
    result = [{ path: '/dev/ttyACM0' }];
    expect(await ports.list()).toEqual(result);
    // udev fills in USB metadata a moment later: still listing during the settle time…
    now = 2_900;
    result = [{ path: '/dev/ttyACM0', vendorId: '2fe3' }];
    expect(await ports.list()).toEqual(result);
    // …then the cached list serves until the next change.
    now = 3_100;
    await ports.list();
    expect(calls).toBe(3);
    rmSync(join(dir.path, 'ttyACM0'));
    result = [];
    expect(await ports.list()).toEqual([]);
    expect(calls).toBe(4);
  });

  it('tries again on the next call after a failed list', async () => {
    let isFailing = true;
    const ports = new OsSerialPortList(
      () =>
        isFailing ? Promise.reject(new Error('no udevadm')) : Promise.resolve([{ path: '/dev/ttyUSB0' }]),
      { platform: 'linux', devDir: dir.path, nowMs: () => 5_000 },
    );
    await expect(ports.list()).rejects.toThrow('no udevadm');
    isFailing = false;
    await expect(ports.list()).resolves.toEqual([{ path: '/dev/ttyUSB0' }]);
  });

  it('lists every time where the OS list is native', async () => {
    const ports = new OsSerialPortList(list, { platform: 'darwin' });
    await ports.list();
    await ports.list();
    expect(calls).toBe(2);
  });
});
