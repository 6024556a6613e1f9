import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadFileCertificateAuthority, loadPkcs11CertificateAuthority, type CertificateAuthority, type Pkcs11CaConfig } from './certificate-authority';
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

export interface PkiOptions {
  /** The device CA's key in a PKCS#11 token; the development key file `pki/device-ca.key` otherwise. */
  deviceCaPkcs11?: Pkcs11CaConfig | undefined;
}

/**
 * Loads the development PKI from `<dataDir>/pki`, generating whatever is missing on first start:
 * a fleet CA (server TLS and station certificates), a device CA (EST) and a server certificate for
 * `hostNames`. With `deviceCaPkcs11` the device CA signs in a PKCS#11 token instead (nothing is
 * generated for it); the caller closes the PKI (`closePki`) to release the token.
 */
export async function ensureDevelopmentPki(dataDir: string, hostNames: string[], options: PkiOptions = {}): Promise<FleetPki> {
  const paths = pkiPaths(dataDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  if (!(await exists(paths.fleetCa.key))) await createCa('fleet', 'CN=Fieldline Fleet Development CA', paths.fleetCa);
  const fleetCa = await loadFileCertificateAuthority('fleet', paths.fleetCa);
  let deviceCa: CertificateAuthority;
  if (options.deviceCaPkcs11 === undefined) {
    if (!(await exists(paths.deviceCa.key))) await createCa('device', 'CN=Fieldline Device Development CA', paths.deviceCa);
    deviceCa = await loadFileCertificateAuthority('device', paths.deviceCa);
  } else {
    deviceCa = await loadPkcs11CertificateAuthority('device', options.deviceCaPkcs11);
  }
  try {
    return { fleetCa, deviceCa, ...(await ensureServerIdentity(paths, fleetCa, hostNames)) };
  } catch (error: unknown) {
    await deviceCa.close?.();
    throw error;
  }
}

/** Releases keys held in tokens. */
export async function closePki(pki: FleetPki): Promise<void> {
  await pki.deviceCa.close?.();
  await pki.fleetCa.close?.();
}

async function ensureServerIdentity(paths: PkiPaths, fleetCa: CertificateAuthority, hostNames: string[]) {
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
  return { serverCertificatePem, serverKeyPem };
}
