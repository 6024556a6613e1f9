import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createBootstrapToken } from '../../fleet-server/src/enrollment/bootstrap-tokens';
import type { TestServer } from '../../fleet-server/tests/helpers/test-server';
import { enrollStationAtFleet } from '../../main/adapters/fleet/station-enrollment';
import type { StationCredentials } from '../../main/adapters/fleet/station-credentials';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { UdpSmpTransport } from '../../main/core/drivers/smp/udp-smp-transport';
import { identityOverSmp, type DeviceIdentity } from '../../main/core/identity/device-identity';
import { toPem } from '../../main/core/identity/certificate-facts';
import { LedgerService } from '../../main/core/ledger/ledger-service';
import { systemClock } from '../../main/core/ports/clock';
import type { DatagramSocket } from '../../main/core/ports/datagram';
import { SMP_DEVICE_DEFAULTS } from '../lab/devices/smp/smp-device-config';
import { startUdpSmpDevice, type RunningSmpDevice } from '../lab/running-smp-device';
import { NodeDatagramNetwork } from '../../main/adapters/udp/node-datagram-network';

const run = promisify(execFile);

/** Runs a command-line tool (openssl, curl) and returns its stdout; a failure carries its stderr. */
export async function tool(
  command: string,
  args: string[],
  options: { input?: Buffer } = {},
): Promise<Buffer> {
  return (await toolOutput(command, args, options)).stdout;
}

/** `openssl req -verify` of a DER CSR: its verdict line ("…self-signature verify OK" or "…failure"), which openssl 3 prints on stderr. */
export async function opensslVerifyCsr(der: Uint8Array): Promise<string> {
  const { stdout, stderr } = await toolOutput(
    'openssl',
    ['req', '-inform', 'DER', '-verify', '-noout', '-subject'],
    { input: Buffer.from(der) },
  );
  return `${stderr.toString()}${stdout.toString()}`.trim();
}

async function toolOutput(
  command: string,
  args: string[],
  options: { input?: Buffer } = {},
): Promise<{ stdout: Buffer; stderr: Buffer }> {
  const child = execFile(command, args, { encoding: 'buffer', maxBuffer: 4 * 1024 * 1024 });
  const chunks: Buffer[] = [];
  const errors: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk));
  child.stdin?.end(options.input);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${code}: ${Buffer.concat(errors).toString()}`);
  return { stdout: Buffer.concat(chunks), stderr: Buffer.concat(errors) };
}

export async function hasTool(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

/** `openssl verify` of a leaf against a root and intermediates (DER); returns openssl's verdict line. */
export async function opensslVerify(
  folder: string,
  chain: readonly Uint8Array[],
  options: { purpose?: string } = {},
): Promise<string> {
  const [leaf, ...authorities] = chain;
  const root = authorities.at(-1);
  if (leaf === undefined || root === undefined) throw new Error('a chain to verify needs a leaf and a root');
  const intermediates = authorities.slice(0, -1);
  const leafFile = join(folder, `leaf-${Math.random().toString(36).slice(2)}.pem`);
  const rootFile = `${leafFile}.root.pem`;
  const untrustedFile = `${leafFile}.untrusted.pem`;
  await writeFile(leafFile, toPem(leaf));
  await writeFile(rootFile, toPem(root));
  await writeFile(untrustedFile, intermediates.map((der) => toPem(der)).join(''));
  const args = ['verify', '-x509_strict', '-CAfile', rootFile];
  if (intermediates.length > 0) args.push('-untrusted', untrustedFile);
  if (options.purpose !== undefined) args.push('-purpose', options.purpose);
  args.push(leafFile);
  return (await tool('openssl', args)).toString().trim();
}

/** A station enrolled at the test fleet server, and its TLS files for curl. */
export interface EnrolledStation extends StationCredentials {
  files: { ca: string; certificate: string; key: string };
}

export async function enrollTestStation(
  server: TestServer,
  folder: string,
  stationId: string,
): Promise<EnrolledStation> {
  const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10, stationId });
  const credentials = await enrollStationAtFleet(
    stationId,
    { serverUrl: server.url, token, caPem: server.caPem },
    new AbortController().signal,
  );
  const files = {
    ca: join(folder, `${stationId}-ca.pem`),
    certificate: join(folder, `${stationId}.pem`),
    key: join(folder, `${stationId}.key`),
  };
  await writeFile(files.ca, credentials.caPem);
  await writeFile(files.certificate, credentials.certificatePem);
  await writeFile(files.key, credentials.keyPem, { mode: 0o600 });
  return { ...credentials, files };
}

/** A lab SMP device on UDP loopback with a client for it, and a station ledger in a temp folder. */
export interface IdentityBench {
  folder: string;
  lab: RunningSmpDevice;
  client: SmpClient;
  device: DeviceIdentity;
  ledger: LedgerService;
  store: SqliteLedgerStore;
  deviceId: string;
  close(): Promise<void>;
}

export async function startIdentityBench(
  options: { serialNumber?: string; hardwareId?: string } = {},
): Promise<IdentityBench> {
  const folder = await mkdtemp(join(tmpdir(), 'fieldline-identity-e2e-'));
  const hardwareId = options.hardwareId ?? '00c0ffee00000001';
  const lab = await startUdpSmpDevice(
    {
      ...SMP_DEVICE_DEFAULTS,
      name: 'identity',
      serialNumber: options.serialNumber ?? 'LAB-ID-0001',
      hardwareId,
      stateDir: join(folder, 'device'),
      resetDelayMs: 10,
      bootTimeMs: 10,
    },
    {},
  );
  if (lab.address.kind !== 'udp') throw new Error('expected a UDP lab device');
  const socket: DatagramSocket = await new NodeDatagramNetwork().bind({ address: '127.0.0.1' });
  const client = new SmpClient(
    new UdpSmpTransport(
      socket,
      { address: lab.address.address, port: lab.address.port },
      { mtuBytes: SMP_DEVICE_DEFAULTS.bufSizeBytes },
    ),
    {
      timeoutMs: 10_000,
    },
  );
  const store = SqliteLedgerStore.open(join(folder, 'ledger.db'));
  const ledger = new LedgerService(store, systemClock);
  return {
    folder,
    lab,
    client,
    device: identityOverSmp(client),
    ledger,
    store,
    deviceId: `hwid:${hardwareId.toUpperCase()}`,
    async close() {
      client.dispose();
      await socket.close();
      await lab.stop();
      store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
