import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInPrivateNetwork } from '../e2e/support/private-network';
import { median, type BenchResult, type Measurement } from './bench-result';
import { measureDriveTrial } from './discovery-drive-trial';
import { measureSerialTrial, SERIAL_BAUD } from './discovery-serial-trial';
import { measureUsbTrial } from './discovery-usb-trial';

const SERIAL_TRIALS = 7;
const USB_TRIALS = 7;
const DRIVE_TRIALS = 7;
const MDNS_TRIALS = 5;
const MDNS_FIXTURE = fileURLToPath(new URL('./discovery-mdns.fixture.ts', import.meta.url));

/**
 * Discovery latency (quality.md: a new serial/USB device listed ≤ 500 ms after it appears, mDNS ≤ 2 s):
 * serial with a lab SMP device on a pty through the real serialport adapter; USB with a lab DFU device
 * plugged into the lab's virtual bus (in memory: discovery's own path, not the kernel's or libusb's);
 * UF2 drives with a lab drive mounting under a watched folder (the real folder watcher); mDNS inside a
 * private network namespace with a real publisher.
 */
export async function runBenchmark(): Promise<BenchResult> {
  const stateRoot = await mkdtemp(join(tmpdir(), 'fieldline-bench-state-'));
  const serialMs: number[] = [];
  const usbMs: number[] = [];
  const driveMs: number[] = [];
  try {
    // The same unit (one state folder) replugged for each trial; the first trial creates it.
    for (let trial = 0; trial < SERIAL_TRIALS; trial += 1)
      serialMs.push(await measureSerialTrial(join(stateRoot, 'unit')));
    for (let trial = 0; trial < USB_TRIALS; trial += 1)
      usbMs.push(await measureUsbTrial(join(stateRoot, 'usb-unit')));
    for (let trial = 0; trial < DRIVE_TRIALS; trial += 1)
      driveMs.push(await measureDriveTrial(join(stateRoot, 'drive-unit')));
  } finally {
    await rm(stateRoot, { recursive: true, force: true });
  }
  const mdns = await measureMdns();
  const figure = (name: string, trialsMs: number[]): Measurement => ({
    name,
    value: round(median(trialsMs)),
    unit: 'ms',
    target: 500,
    higherIsBetter: false,
  });
  return {
    name: 'discovery serial',
    value: round(median(serialMs)),
    unit: 'ms',
    target: 500,
    higherIsBetter: false,
    also: [
      figure('usb', usbMs),
      figure('drive', driveMs),
      ...(mdns.measurement === null ? [] : [mdns.measurement]),
    ],
    conditions: {
      serialTrials: SERIAL_TRIALS,
      serialTrialsMs: serialMs.map(round).join(' '),
      serialMaxMs: round(Math.max(...serialMs)),
      serialBaud: SERIAL_BAUD,
      serialSetup:
        'lab SMP device on a socat pty, 250 ms port polling, probe: echo, identity, params, image state',
      mdnsTrialsMs: mdns.trialsMs.map(round).join(' '),
      mdns: mdns.note,
      usbTrialsMs: usbMs.map(round).join(' '),
      usbMaxMs: round(Math.max(...usbMs)),
      usbSetup:
        'lab DFU device plugged into the in-memory virtual USB bus; hotplug event → registry → ledger → devices:changed (no kernel or libusb in the path)',
      driveTrialsMs: driveMs.map(round).join(' '),
      driveMaxMs: round(Math.max(...driveMs)),
      driveSetup:
        'lab UF2 drive mounted (atomic rename) under a configured folder; fs.watch plus 250 ms rescan',
      statistic: 'median of trials',
    },
    measuredAt: new Date().toISOString(),
  };
}

async function measureMdns(): Promise<{ measurement: Measurement | null; trialsMs: number[]; note: string }> {
  try {
    const result = await runInPrivateNetwork(
      process.execPath,
      ['--import', 'tsx', MDNS_FIXTURE, String(MDNS_TRIALS)],
      60_000,
    );
    const line = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.code !== 0 || line === '')
      throw new Error(`fixture exited ${String(result.code)}: ${result.stderr.slice(0, 300)}`);
    const { latenciesMs } = JSON.parse(line) as { latenciesMs: number[] };
    const measurement = {
      name: 'mdns',
      value: round(median(latenciesMs)),
      unit: 'ms',
      target: 2_000,
      higherIsBetter: false,
    };
    return {
      measurement,
      trialsMs: latenciesMs,
      note: `${MDNS_TRIALS} publishes inside a private network namespace (unshare -rn)`,
    };
  } catch (error: unknown) {
    return {
      measurement: null,
      trialsMs: [],
      note: `not measured: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
