import type { Device } from '../../../shared/contract';
import { resolveDataDir } from '../data-dir';
import { openStationRuntime } from '../runtime';
import { writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { openCliCore } from './open-cli-core';

export interface DevicesOptions {
  /** Discover for this many seconds, then print what was found and exit. */
  wait?: string;
  /** Print the list, then every change as it happens, until interrupted. */
  watch?: boolean;
  mdns: boolean;
  /** Probe serial ports (USB serial ports and `$FIELDLINE_SERIAL_GLOBS`); `--no-serial` turns it off. */
  serial: boolean;
  /** Watch the USB bus for DFU devices (default on); `--no-usb` turns it off. */
  usb?: boolean;
  /** Watch for UF2 drives (`$FIELDLINE_DRIVE_FOLDERS`, /media, /run/media; default on); `--no-drives` turns it off. */
  drives?: boolean;
}

/** Lists devices: from the ledger alone, or with live discovery (`--wait`, `--watch`). */
export async function listDevices(output: CliOutput, dataDir: string | undefined, options: DevicesOptions, stop: AbortSignal): Promise<number> {
  if (options.wait === undefined && options.watch !== true) return listRecorded(output, dataDir);
  const waitSeconds = options.wait === undefined ? null : Number(options.wait);
  if (waitSeconds !== null && (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > 3600)) {
    await writeLine(output.stderr, `--wait must be a number of seconds from 0 to 3600, not "${options.wait}"`);
    return EXIT.usage;
  }
  const runtime = await openStationRuntime({
    dataDir: resolveDataDir({ flag: dataDir }),
    host: 'cli',
    enableMdns: options.mdns,
    enableSerialDiscovery: options.serial,
    enableUsbDiscovery: options.usb !== false,
    enableDriveDiscovery: options.drives !== false,
  });
  try {
    if (options.watch === true) {
      await printDevices(output, runtime.core.devices.list());
      const changes = runtime.onEvent((name, payload) => {
        if (name === 'devices:changed') void writeLine(output.stdout, JSON.stringify({ event: name, ...payload }));
      });
      await waitUntil(stop, null);
      changes.dispose();
      return EXIT.ok;
    }
    await waitUntil(stop, (waitSeconds ?? 0) * 1000);
    await printDevices(output, runtime.core.devices.list());
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

async function listRecorded(output: CliOutput, dataDir: string | undefined): Promise<number> {
  const { core, close } = openCliCore(dataDir);
  try {
    await printDevices(output, core.devices.list());
    return EXIT.ok;
  } finally {
    close();
  }
}

async function printDevices(output: CliOutput, devices: Device[]): Promise<void> {
  if (output.isJson) {
    for (const device of devices) await writeLine(output.stdout, JSON.stringify(device));
    return;
  }
  if (devices.length === 0) {
    await writeLine(output.stdout, 'No devices yet. Plug in a device or start the device lab (npm run lab).');
    return;
  }
  for (const device of devices) {
    const seenOn = device.sightings.map((sighting) => `${sighting.transport}:${sighting.address}`).join(',') || '-';
    const columns = [device.id, device.state, device.model ?? '-', device.firmwareVersion ?? '-', seenOn, device.lastAction ?? '-'];
    await writeLine(output.stdout, columns.join('\t'));
  }
}

/** Resolves after `ms` (or never, for null) or as soon as `stop` fires. */
function waitUntil(stop: AbortSignal, ms: number | null): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const timer = ms === null ? null : setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
    function done(): void {
      if (timer !== null) clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
  });
}
