import { readFileSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import { EstCertificateIssuer } from '../adapters/est/est-certificate-issuer';
import type { FileBackedFleetConnection } from '../adapters/fleet/fleet-connection';
import { openPkcs11CaSigningKey } from '../adapters/pkcs11/pkcs11-ca-signing-key';
import type { IdentityLedger } from '../core/identity/identity-ledger';
import { OfflineCaIssuer } from '../core/identity/offline-ca-issuer';
import { openSealedCaSigningKey } from '../core/identity/sealed-ca-signing-key';
import { x509 } from '../core/identity/x509';
import type { CaSigningKey } from '../core/ports/ca-signing-key';
import type { CertificateIssuer } from '../core/ports/certificate-issuer';
import type { Clock } from '../core/ports/clock';
import type { KeyVault } from '../core/ports/key-vault';
import {
  chooseIssuer,
  readIssuerSettings,
  type EstIssuerSettings,
  type IssuerChoice,
  type OfflineIssuerSettings,
} from './certificate-issuer-settings';

export interface OpenedIssuer {
  issuer: CertificateIssuer;
  /** Lets the token session (or the opened sealed key) go. */
  close(): Promise<void>;
}

export interface IssuerContext {
  env?: NodeJS.ProcessEnv;
  /** `--issuer`; else FIELDLINE_ISSUER; else EST when configured, else the offline CA. */
  choice?: IssuerChoice | undefined;
  fleet: Pick<FileBackedFleetConnection, 'serverUrl' | 'tlsIdentity'>;
  vault: KeyVault;
  /** Where the offline CA records each issuance (`certificate.issued-offline`). */
  ledger: IdentityLedger;
  clock: Clock;
  /** Validity of offline-issued certificates (the profile's `offlineValidityDays`). */
  offlineValidityDays: number;
  actor?: string;
}

/**
 * Builds the CertificateIssuer the configuration asks for (README "Configuration"): EST against the
 * enrolled fleet server with the station's client certificate, EST against another server, or the
 * station's offline issuing CA with its key in a PKCS#11 token or sealed by the KeyVault.
 */
export async function openCertificateIssuer(context: IssuerContext): Promise<OpenedIssuer> {
  const settings = readIssuerSettings(context.env ?? process.env, {
    choice: context.choice,
    fleetServerUrl: context.fleet.serverUrl(),
  });
  const chosen = chooseIssuer(settings);
  return chosen.kind === 'est' ? openEstIssuer(chosen, context) : openOfflineIssuer(chosen, context);
}

async function openEstIssuer(settings: EstIssuerSettings, context: IssuerContext): Promise<OpenedIssuer> {
  const fleetUrl = context.fleet.serverUrl();
  // The station's client certificate authenticates it to the fleet server, and to another EST server
  // that trusts the fleet CA; without an enrollment only basic authentication is left.
  const station = fleetUrl === null ? null : await context.fleet.tlsIdentity();
  const serverUrl = settings.url ?? fleetUrl;
  if (serverUrl === null) throw new AppError('ISSUER_NOT_CONFIGURED', 'no EST server: enroll the station or set FIELDLINE_EST_URL');
  const caPem = settings.caFile === null ? station?.caPem : readPemFile(settings.caFile, 'FIELDLINE_EST_CA');
  if (caPem === undefined) throw new AppError('ISSUER_NOT_CONFIGURED', 'set FIELDLINE_EST_CA: the CA the EST server’s certificate chains to');
  const issuer = new EstCertificateIssuer({
    serverUrl,
    tls: { caPem, ...(station === null ? {} : { certificatePem: station.certificatePem, keyPem: station.keyPem }) },
    ...(settings.basicAuth === null ? {} : { basicAuth: settings.basicAuth }),
  });
  return { issuer, close: () => Promise.resolve() };
}

async function openOfflineIssuer(settings: OfflineIssuerSettings, context: IssuerContext): Promise<OpenedIssuer> {
  const caChain = readChain(settings.chainFile);
  const key = await openCaKey(settings, context.vault);
  try {
    const issuer = await OfflineCaIssuer.open({
      caChain,
      signingKey: key,
      ledger: context.ledger,
      clock: context.clock,
      validityDays: context.offlineValidityDays,
      ...(context.actor === undefined ? {} : { actor: context.actor }),
    });
    return { issuer, close: () => key.close() };
  } catch (error: unknown) {
    await key.close();
    throw error;
  }
}

async function openCaKey(settings: OfflineIssuerSettings, vault: KeyVault): Promise<CaSigningKey> {
  const key = settings.key;
  if (key.kind === 'sealed') {
    let sealed: Buffer;
    try {
      sealed = readFileSync(key.sealedKeyFile);
    } catch (error: unknown) {
      throw new AppError('OFFLINE_CA_UNUSABLE', `cannot read the sealed offline CA key ${key.sealedKeyFile} (FIELDLINE_OFFLINE_CA_SEALED_KEY)`, { cause: error });
    }
    return openSealedCaSigningKey(vault, sealed);
  }
  const pin = key.pin ?? readPinFile(key.pinFile!);
  return openPkcs11CaSigningKey({ modulePath: key.modulePath, tokenLabel: key.tokenLabel, keyLabel: key.keyLabel, pin });
}

function readPinFile(path: string): string {
  try {
    // A PIN file keeps the PIN out of the environment of every child process; its trailing newline is not part of it.
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error: unknown) {
    throw new AppError('PKCS11_UNAVAILABLE', `cannot read the PIN file ${path} (FIELDLINE_OFFLINE_CA_PKCS11_PIN_FILE)`, { cause: error });
  }
}

function readPemFile(path: string, variable: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    if (!text.includes('BEGIN CERTIFICATE')) throw new Error('no PEM certificate in it');
    return text;
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', `${variable} ${path} is not a readable PEM certificate file`, { cause: error, details: { field: variable } });
  }
}

/** The offline CA's chain file: PEM certificates, the station's CA first, up to the root. */
function readChain(path: string): Uint8Array[] {
  const text = readPemFile(path, 'FIELDLINE_OFFLINE_CA_CHAIN');
  try {
    return x509.PemConverter.decode(text).map((der) => new Uint8Array(der));
  } catch (error: unknown) {
    throw new AppError('OFFLINE_CA_UNUSABLE', `FIELDLINE_OFFLINE_CA_CHAIN ${path} does not hold PEM certificates`, { cause: error });
  }
}
