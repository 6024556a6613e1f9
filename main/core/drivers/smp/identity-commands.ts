import { z } from 'zod';
import { AppError } from '../../../../shared/errors';
import type { SmpClient } from './smp-client';
import { SmpGroup } from './smp-header';
import { parseSmpResponse, smpBytes } from './smp-response';

/** Fieldline identity group 64 command ids (README.md, "Group 64: device identity"; protocols.md §7). */
export const IdentityCommand = { identity: 0, keyAndCsr: 1, certificate: 2, zeroize: 3 } as const;

/** Key algorithms a device generates its key pair with; P-256 is the one the contract defines. */
export type DeviceKeyAlgorithm = 'p256';

/** Who the device says it is. */
export interface SmpDeviceIdentity {
  /** The chip's unique id. */
  hardwareId: Uint8Array;
  model: string;
  serialNumber: string;
}

/** The certificate the device holds, and the chain installed with it (leaf first). */
export interface InstalledCertificate {
  certificate: Uint8Array;
  chain: Uint8Array[];
}

/** Key generation on a small MCU takes seconds; zeroize erases flash pages. */
const SLOW_COMMAND_TIMEOUT_MS = 30_000;
/** Chains longer than this are not something a device stores (README.md, group 64). */
export const MAX_CERTIFICATE_CHAIN_LENGTH = 4;

const identitySchema = z.object({
  hwid: smpBytes.refine((bytes) => bytes.length > 0 && bytes.length <= 64, 'must be 1 to 64 bytes'),
  model: z.string().max(64),
  serial: z.string().min(1).max(64),
});
const csrSchema = z.object({ csr: smpBytes.refine((bytes) => bytes.length > 0, 'must not be empty') });
const certificatePartSchema = z.object({
  cert: smpBytes.refine((bytes) => bytes.length > 0, 'must not be empty'),
  count: z.number().int().min(1).max(MAX_CERTIFICATE_CHAIN_LENGTH),
});

/** Reads the device's hardware id, model and serial number. */
export async function readDeviceIdentity(
  client: SmpClient,
  signal?: AbortSignal,
): Promise<SmpDeviceIdentity> {
  const body = await client.request(
    { op: 'read', group: SmpGroup.fieldlineIdentity, commandId: IdentityCommand.identity },
    signal,
  );
  const parsed = parseSmpResponse(identitySchema, body, 'identity read');
  return { hardwareId: parsed.hwid, model: parsed.model, serialNumber: parsed.serial };
}

/**
 * Has the device generate a new key pair and answer with a PKCS#10 CSR (DER) for `subject`, e.g.
 * `CN=FL-0042,O=Fieldline`. The private key never leaves the device; a certificate installed for the
 * previous key is dropped by the device, since it no longer matches.
 */
export async function generateDeviceKeyAndCsr(
  client: SmpClient,
  request: { subject: string; algorithm?: DeviceKeyAlgorithm },
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const body = await client.request(
    {
      op: 'write',
      group: SmpGroup.fieldlineIdentity,
      commandId: IdentityCommand.keyAndCsr,
      body: { subject: request.subject, alg: request.algorithm ?? 'p256' },
      timeoutMs: SLOW_COMMAND_TIMEOUT_MS,
    },
    signal,
  );
  return parseSmpResponse(csrSchema, body, 'identity key and CSR').csr;
}

/** Installs the certificate chain for the device's key, leaf first (DER certificates). */
export async function installCertificateChain(
  client: SmpClient,
  chain: readonly Uint8Array[],
  signal?: AbortSignal,
): Promise<void> {
  if (chain.length === 0 || chain.length > MAX_CERTIFICATE_CHAIN_LENGTH) {
    throw new AppError(
      'INVALID_INPUT',
      `A certificate chain holds 1 to ${MAX_CERTIFICATE_CHAIN_LENGTH} certificates, not ${chain.length}`,
    );
  }
  // One certificate per request: a whole chain can outgrow a UDP datagram (1,500 bytes) or a small
  // device's SMP buffer, while a single certificate fits either.
  for (const [index, certificate] of chain.entries()) {
    await client.request(
      {
        op: 'write',
        group: SmpGroup.fieldlineIdentity,
        commandId: IdentityCommand.certificate,
        body: { cert: certificate, index, count: chain.length },
        timeoutMs: SLOW_COMMAND_TIMEOUT_MS,
      },
      signal,
    );
  }
}

/** Reads back the installed certificate and its chain; DEVICE_REJECTED (NO_CERTIFICATE) when none is. */
export async function readInstalledCertificate(
  client: SmpClient,
  signal?: AbortSignal,
): Promise<InstalledCertificate> {
  const readPart = async (index: number) =>
    parseSmpResponse(
      certificatePartSchema,
      await client.request(
        {
          op: 'read',
          group: SmpGroup.fieldlineIdentity,
          commandId: IdentityCommand.certificate,
          body: { index },
        },
        signal,
      ),
      'identity certificate read',
    );
  // Certificate by certificate, as installed (a whole chain may not fit one answer).
  const first = await readPart(0);
  const chain = [first.cert];
  for (let index = 1; index < first.count; index += 1) {
    const part = await readPart(index);
    if (part.count !== first.count)
      throw new AppError(
        'DEVICE_PROTOCOL',
        `the device's chain changed while it was read (${first.count} → ${part.count} certificates)`,
      );
    chain.push(part.cert);
  }
  return { certificate: first.cert, chain };
}

/**
 * Erases the device's key, certificates and settings (runtime and saved). Used by wipe together with
 * storage erase (group 63) and slot erase (protocols.md §7); afterwards reads show nothing left.
 */
export async function zeroizeDevice(client: SmpClient, signal?: AbortSignal): Promise<void> {
  await client.request(
    {
      op: 'write',
      group: SmpGroup.fieldlineIdentity,
      commandId: IdentityCommand.zeroize,
      body: {},
      timeoutMs: SLOW_COMMAND_TIMEOUT_MS,
    },
    signal,
  );
}
