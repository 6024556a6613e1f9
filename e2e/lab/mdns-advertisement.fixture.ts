// Runs inside a private network namespace (mdns-advertisement.test.ts): multicast stays in there.
// 1. `npm run lab -- --scenario e2e/lab/scenarios/demo.yaml --advertise`, as README.md documents it:
//    Fieldline's own mDNS discovery finds the UDP device by its TXT record, SMP answers at the advertised
//    port, and SIGTERM withdraws it.
// 2. A lab started in-process with `advertise: true` and an unplug fault: the advertisement goes with the
//    cable and comes back with it, and after a swap the TXT `fw` follows the running firmware.
// Prints one JSON line per milestone.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { BonjourMdnsBrowser } from '../../main/adapters/mdns/bonjour-mdns-browser';
import { DeviceRegistry, type LiveDevice } from '../../main/core/discovery/device-registry';
import { discoverOverMdns } from '../../main/core/discovery/mdns-discovery';
import { markImageForTest, readImageState } from '../../main/core/drivers/smp/image-commands';
import { uploadImage } from '../../main/core/drivers/smp/image-upload';
import { echo, resetDevice } from '../../main/core/drivers/smp/os-commands';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { UdpSmpTransport } from '../../main/core/drivers/smp/udp-smp-transport';
import { systemClock } from '../../main/core/ports/clock';
import type { Logger } from '../../main/core/ports/logger';
import { testImage } from './devices/smp/smp-lab-device-fixture';
import { startLab } from './lab-runner';
import { scenarioSchema } from './scenario';
import { NodeDatagramNetwork } from '../../main/adapters/udp/node-datagram-network';

const repositoryRoot = resolve(import.meta.dirname, '../..');
const folder = await mkdtemp(join(tmpdir(), 'fieldline-lab-mdns-'));
const warnings: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (fields) => warnings.push(String(fields.reason)),
  error: () => undefined,
  child: () => logger,
};
const registry = new DeviceRegistry(systemClock, 0);
const browser = new BonjourMdnsBrowser();
const discovery = discoverOverMdns(browser, registry, logger);
const network = new NodeDatagramNetwork();
const milestone = (name: string, fields: Record<string, unknown> = {}): void =>
  console.log(JSON.stringify({ milestone: name, ...fields }));

async function waitFor<T>(what: string, read: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    registry.expire();
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; warnings: ${warnings.join(' | ')}`);
    await new Promise((wake) => setTimeout(wake, 20));
  }
}
const deviceWithSerial = (serial: string): LiveDevice | undefined =>
  registry.list().find((device) => device.serial === serial && device.sightings.length > 0);
const isGone = (serial: string): true | undefined => (deviceWithSerial(serial) ? undefined : true);

/** An SMP client on UDP to the address discovery found (`127.0.0.1:port`). */
async function clientFor(device: LiveDevice) {
  const [address, port] = device.sightings[0]!.address.split(':') as [string, string];
  const socket = await network.bind({ address: '127.0.0.1' });
  const client = new SmpClient(new UdpSmpTransport(socket, { address, port: Number(port) }), {
    maxInFlight: 3,
    timeoutMs: 200,
  });
  return {
    client,
    close: async () => {
      client.dispose();
      await socket.close();
    },
  };
}

// 1. The documented command.
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'e2e/lab/cli.ts',
    '--scenario',
    'e2e/lab/scenarios/demo.yaml',
    '--advertise',
    '--json',
    '--state-dir',
    join(folder, 'cli'),
  ],
  { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'inherit'] },
);
const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
const ready = await new Promise<{ advertised: boolean }>((done, fail) => {
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (line.startsWith('{')) done(JSON.parse(line) as { advertised: boolean });
  });
  child.once('exit', (code) => fail(new Error(`lab exited with ${code} before it was ready`)));
});
const demoDevice = await waitFor('the demo UDP device', () => deviceWithSerial('FL-LAB-0002'));
milestone('cli-up', { advertised: ready.advertised, device: demoDevice });
const demo = await clientFor(demoDevice);
milestone('cli-echo', { answer: await echo(demo.client, 'found you over mDNS') });
await demo.close();
child.kill('SIGTERM');
const exitCode = await exited;
await waitFor('the demo device to go', () => isGone('FL-LAB-0002'));
milestone('cli-down', { exitCode });

// 2. In process: unplug withdraws the advertisement, replug brings it back, a swap updates `fw`.
const scenario = scenarioSchema.parse({
  name: 'mdns-unplug',
  advertise: true,
  devices: [
    {
      name: 'unplug-udp-1',
      family: 'smp',
      serialNumber: 'FL-LAB-0099',
      model: 'fieldline-lab-gateway',
      firmwareVersion: '1.0.0',
      transport: { kind: 'udp' },
      resetDelayMs: 10,
      bootTimeMs: 10,
      faults: { unplug: { atPercent: 20, downMs: 2_500 } },
    },
  ],
});
const lab = await startLab(scenario, join(folder, 'in-process'));
const before = await waitFor('the unplug device', () => deviceWithSerial('FL-LAB-0099'));
milestone('lab-up', { firmwareVersion: before.firmwareVersion });
const gateway = await clientFor(before);
const image = testImage('1.1.0', 60_000);
const options = { deviceBufSizeBytes: 2048, maxInFlight: 3, maxSilentRetries: 1 };
const interrupted = await uploadImage(gateway.client, image, options).then(
  () => 'completed',
  (error: unknown) => (error as { code?: string }).code,
);
await waitFor('the advertisement to be withdrawn', () => isGone('FL-LAB-0099'));
milestone('unplugged', { upload: interrupted });
await waitFor('the advertisement to come back', () => deviceWithSerial('FL-LAB-0099'));
const resumed = await uploadImage(gateway.client, image, options);
milestone('replugged', { resumedFromBytes: resumed.resumedFromBytes, totalBytes: resumed.totalBytes });
await markImageForTest(gateway.client, (await readImageState(gateway.client))[1]!.hash);
await resetDevice(gateway.client);
const updated = await waitFor('the new firmware in TXT', () => {
  const device = deviceWithSerial('FL-LAB-0099');
  return device?.firmwareVersion === '1.1.0' ? device : undefined;
});
milestone('fw-updated', { firmwareVersion: updated.firmwareVersion });
await gateway.close();
const labDevices = [...lab.devices];
await lab.stop();
await waitFor('the lab device to go', () => isGone('FL-LAB-0099'));
milestone('lab-down', { faults: labDevices.flatMap((running) => running.device.faults) });

discovery.dispose();
await browser.close();
await rm(folder, { recursive: true, force: true });
