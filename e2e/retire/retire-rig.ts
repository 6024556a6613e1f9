import { PassThrough } from 'node:stream';
import { runCli } from '../../main/host/cli/run-cli';
import { x509 } from '../lab/devices/smp/device-x509';
import { testImage } from '../lab/devices/smp/smp-lab-device-fixture';
import type { SmpLabDevice } from '../lab/devices/smp/smp-lab-device';

export interface CliRun {
  code: number;
  lines: Record<string, unknown>[];
  stdout: string;
  stderr: string;
}

/** One `fieldline` command line, in-process as run-cli.test.ts runs it. */
export async function cli(args: string[]): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(args, { stdout, stderr }, new AbortController().signal);
  const lines = out
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, lines, stdout: out, stderr: err };
}

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** What a device in the field holds before it is retired. */
export const FIELD_CONTENT = {
  settings: { 'wifi/ssid': 'site-7', 'wifi/psk': 'correct horse battery staple', 'app/interval': '60' },
  files: { '/lfs1/site.json': '{"site":7}', '/lfs1/calibration.bin': 'calibration' },
  certificateSerial: '5a17',
} as const;

/**
 * Puts a service life on a lab device: a device key with its certificate installed (as enrollment
 * leaves it), settings written and saved, files, and the previous firmware in the secondary slot.
 * Returns the certificate (DER).
 */
export async function fillDevice(device: SmpLabDevice): Promise<Uint8Array> {
  const keys = await globalThis.crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: FIELD_CONTENT.certificateSerial,
    name: `CN=${device.store.identity.serialNumber}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey);
  await device.credentials.writePrivateKey(x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'));
  await device.credentials.writeChain([new Uint8Array(certificate.rawData)]);
  for (const [name, value] of Object.entries(FIELD_CONTENT.settings)) device.settings.set(name, new TextEncoder().encode(value));
  await device.store.saveSettings(device.settings);
  for (const [path, content] of Object.entries(FIELD_CONTENT.files)) {
    await device.fileSystem.truncate(path);
    await device.fileSystem.append(path, new TextEncoder().encode(content));
  }
  await device.store.writeSlot(1, 0, testImage('0.9.0'));
  return new Uint8Array(certificate.rawData);
}

/** The ledger's record of what was configured on the device (what `config.applied` names). */
export function configAppliedPayload(): string {
  return JSON.stringify({
    settings: Object.fromEntries(Object.keys(FIELD_CONTENT.settings).map((name) => [name, 'sha256:…'])),
    files: Object.keys(FIELD_CONTENT.files),
  });
}
