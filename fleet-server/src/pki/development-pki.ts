import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadFileCertificateAuthority, type CertificateAuthority } from './certificate-authority';
import { issueCertificate } from './issue-certificate';
import { generateKeyPair, privateKeyToPem } from './x509';

/** The PKI the server runs with: its two CAs and its own TLS identity. */
export interface FleetPki {
  fleetCa: CertificateAuthority;
  deviceCa: CertificateAuthority;
  serverCertificatePem: string;
  serverKeyPem: string;
}

export interface PkiPaths {
  dir: string;
  fleetCa: { certificate: string; key: string };
  deviceCa: { certificate: string; key: string };
  server: { certificate: string; key: string };
}

export function pkiPaths(dataDir: string): PkiPaths {
  const dir = join(dataDir, 'pki');
  const pair = (name: string) => ({ certificate: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) });
  return { dir, fleetCa: pair('fleet-ca'), deviceCa: pair('device-ca'), server: pair('server') };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes through a temporary file so that a crash never leaves half a key behind; keys are owner-only. */
async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  await writeFile(`${path}.tmp`, text, { mode });
  await rename(`${path}.tmp`, path);
}

async function createCa(name: CertificateAuthority['name'], subject: string, paths: { certificate: string; key: string }) {
  const keys = await generateKeyPair();
  const certificate = await issueCertificate({ profile: 'ca', subject, publicKey: keys.publicKey, issuer: null, selfSignKeys: keys });
  await writeAtomically(paths.key, await privateKeyToPem(keys.privateKey), 0o600);
  await writeAtomically(paths.certificate, certificate.toString('pem'), 0o644);
}

/**
 * Loads the development PKI from `<dataDir>/pki`, generating whatever is missing on first start:
 * a fleet CA (server TLS and station certificates), a device CA (EST) and a server certificate for
 * `hostNames`. Production replaces the file-based keys with a PKCS#11 token; see the README.
 */
export async function ensureDevelopmentPki(dataDir: string, hostNames: string[]): Promise<FleetPki> {
  const paths = pkiPaths(dataDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  if (!(await exists(paths.fleetCa.key))) await createCa('fleet', 'CN=Fieldline Fleet Development CA', paths.fleetCa);
  if (!(await exists(paths.deviceCa.key))) await createCa('device', 'CN=Fieldline Device Development CA', paths.deviceCa);
  const fleetCa = await loadFileCertificateAuthority('fleet', paths.fleetCa);
  const deviceCa = await loadFileCertificateAuthority('device', paths.deviceCa);
  if (!(await exists(paths.server.key))) {
    const keys = await generateKeyPair();
    const certificate = await issueCertificate({
      profile: 'server',
      subject: `CN=${hostNames[0] ?? 'localhost'}`,
      publicKey: keys.publicKey,
      issuer: fleetCa,
      dnsNames: hostNames,
    });
    await writeAtomically(paths.server.key, await privateKeyToPem(keys.privateKey), 0o600);
    await writeAtomically(paths.server.certificate, certificate.toString('pem'), 0o644);
  }
  const [serverCertificatePem, serverKeyPem] = await Promise.all([
    readFile(paths.server.certificate, 'utf8'),
    readFile(paths.server.key, 'utf8'),
  ]);
  return { fleetCa, deviceCa, serverCertificatePem, serverKeyPem };
}
