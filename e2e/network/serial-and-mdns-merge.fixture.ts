// Inside a private network namespace (serial-and-mdns-merge.test.ts): one lab unit answers SMP over UDP
// (advertised over mDNS with its serial in TXT) and on a serial pty, and the station runtime, with
// mDNS, the UDP probe and serial discovery as it runs them, must list it once. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bonjour } from 'bonjour-service';
import type { LiveDevice } from '../../main/core/discovery/device-registry';
import { silentLogger } from '../../main/core/ports/logger';
import { openStationRuntime } from '../../main/host/runtime';
import { SMP_DEVICE_DEFAULTS } from '../lab/devices/smp/smp-device-config';
import { startSerialSmpDevice, startUdpSmpDevice } from '../lab/running-smp-device';

const folder = mkdtempSync(join(tmpdir(), 'fieldline-merge-'));
const unit = { ...SMP_DEVICE_DEFAULTS, serialNumber: 'FL-MERGE-1', hardwareId: 'a1b2c3d4' };
const udp = await startUdpSmpDevice(
  { ...unit, name: 'udp', stateDir: join(folder, 'udp') },
  { address: '127.0.0.1' },
);
const serial = await startSerialSmpDevice(
  { ...unit, name: 'serial', stateDir: join(folder, 'serial') },
  join(folder, 'lab', 'unit', 'pty'),
  { baudRate: 115_200 },
);
if (udp.address.kind !== 'udp') throw new Error('expected a UDP lab device');
const publisher = new Bonjour();
publisher.publish({
  name: 'merge-unit',
  type: 'mcumgr',
  protocol: 'udp',
  port: udp.address.port,
  txt: { serial: unit.serialNumber, fw: '1.0.0' },
});
const runtime = await openStationRuntime({
  dataDir: join(folder, 'station'),
  host: 'station',
  logger: silentLogger,
  serialGlobs: [join(folder, 'lab', '*', 'pty', 'app')],
});
const startedAt = Date.now();
/** Identity reads the UDP device answered: the runtime's probe of the mDNS sighting. */
const udpIdentityReads = (): number =>
  udp.device.dispatcher.traffic.filter((entry) => entry.group === 64 && entry.commandId === 0).length;
const isMerged = (devices: LiveDevice[]): boolean =>
  devices.length === 1 &&
  devices[0]!.sightings.map((sighting) => sighting.transport).sort().join() === 'network,serial' &&
  udpIdentityReads() > 0;
while (!isMerged(runtime.core.registry.list()) && Date.now() - startedAt < 15_000) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const devices = runtime.core.registry.list();
const history = devices.map((device) =>
  runtime.core.ledger.deviceHistory(device.id).map((event) => event.type),
);
process.stdout.write(
  `${JSON.stringify({ devices, history, udpIdentityReads: udpIdentityReads(), elapsedMs: Date.now() - startedAt })}\n`,
);
await runtime.close();
await new Promise<void>((resolve) => publisher.destroy(() => resolve()));
await Promise.all([udp.stop(), serial.stop()]);
rmSync(folder, { recursive: true, force: true });
