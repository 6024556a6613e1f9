import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../shared/contract';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { isProcessAlive } from '../lab/process-liveness';
import { startLabStationProcess, type LabStationProcess } from './lab-station-process';
import { runFieldline } from './station-process';

const DFU_SCENARIO = 'name: lab-station\ndevices:\n  - { name: dfu-1, family: dfu, serialNumber: LAB-STATION-DFU-1 }\n';
/** Nothing but the injected USB bus: no serial ports, multicast or drive folders of this machine. */
const QUIET = ['--no-mdns', '--no-serial', '--no-drives'];

/**
 * The lab station (lab-station-main.ts) as the browser journeys use it: the real station host in a
 * child process with the lab's virtual USB bus injected, its DFU cables in the test's hand.
 */
describe('lab station process', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let station: LabStationProcess | undefined;
  afterEach(async () => {
    await station?.stop();
    const pid = station?.pid;
    station = undefined;
    dir?.remove();
    if (pid !== undefined) expect(isProcessAlive(pid)).toBe(false);
  });

  it('discovers the lab DFU device on the injected bus and records it in its own ledger', async () => {
    dir = makeTempDir('fieldline-lab-station-');
    const dataDir = join(dir.path, 'station');
    station = await startLabStationProcess(dataDir, { scenarioYaml: DFU_SCENARIO, labStateRoot: join(dir.path, 'lab'), args: QUIET });
    expect(station.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const discovered = await waitFor(async () => {
      const events = await ledgerOf(dataDir);
      return events.find((event) => event.type === 'device.discovered' && event.deviceId === 'serial:LAB-STATION-DFU-1');
    });
    expect(JSON.stringify(discovered.payload)).toContain('"transport":"usb"');

    // The cable requests reach the bus: a known device unplugs and plugs back, twice in a row is refused.
    await station.unplugUsb('dfu-1');
    await station.plugUsb('dfu-1');
    await expect(station.plugUsb('dfu-1')).rejects.toThrow(/plug-usb dfu-1: .*already plugged into 1-1/);
    await expect(station.unplugUsb('no-such-device')).rejects.toThrow(/no lab DFU device named "no-such-device"/);
  }, 60_000);

  it('refuses a scenario with devices other than DFU, naming them (they belong in the test process)', async () => {
    dir = makeTempDir('fieldline-lab-station-');
    const scenario = 'name: lab-station\ndevices:\n  - { name: smp-1, family: smp, serialNumber: LAB-STATION-SMP-1, transport: { kind: serial } }\n';
    await expect(
      startLabStationProcess(join(dir.path, 'station'), { scenarioYaml: scenario, labStateRoot: join(dir.path, 'lab'), args: QUIET }),
    ).rejects.toThrow(/only DFU devices run inside the station process; start smp-1 \(smp\) in the test instead/);
  }, 60_000);
});

async function ledgerOf(dataDir: string): Promise<LedgerEvent[]> {
  const lines = (await runFieldline(['--data-dir', dataDir, 'ledger', 'export', '--json'])).split('\n');
  return lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LedgerEvent);
}

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('not seen within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
