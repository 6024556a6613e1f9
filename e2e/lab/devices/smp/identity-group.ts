import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  IdentityCommand,
  MAX_CERTIFICATE_CHAIN_LENGTH,
} from '../../../../main/core/drivers/smp/identity-commands';
import type { SmpMap } from '../../../../main/core/drivers/smp/smp-cbor';
import { SmpGroup } from '../../../../main/core/drivers/smp/smp-header';
import { IdentityErrorRc, SmpRc } from '../../../../main/core/drivers/smp/smp-status';
import { wipeForgetting } from '../../faults/wipe-leftover';
import { x509 } from './device-x509';
import { InvalidField, optionalText } from './request-fields';
import type { SmpDispatcher, SmpHandlerResult } from './smp-dispatcher';
import type { SmpDeviceContext } from './smp-device-context';

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const MAX_SUBJECT_LENGTH = 256;
/** What one device certificate may weigh; a chain must fit the device's buffer anyway. */
const MAX_CERTIFICATE_BYTES = 2048;

/**
 * Fieldline's identity group 64 (protocols.md §7; the contract is in main/core/drivers/smp/README.md):
 * identity read, key pair + CSR generated inside the device, certificate chain install and read-back,
 * and zeroize. The private key is generated here with WebCrypto and stored only in the device's
 * credential store; answers carry the CSR and certificates, never the key.
 */
export function registerIdentityGroup(dispatcher: SmpDispatcher, device: SmpDeviceContext): void {
  const group = SmpGroup.fieldlineIdentity;
  dispatcher.on(group, IdentityCommand.identity, 'read', async () => {
    const { hardwareId, model, serialNumber } = device.store.identity;
    // `key` and `sanitize` let a wipe be verified (main/core/retirement/README.md, "Device contract").
    const hasKey = (await device.credentials.readPrivateKey()) !== undefined;
    return {
      body: {
        hwid: new Uint8Array(Buffer.from(hardwareId, 'hex')),
        model,
        serial: serialNumber,
        key: hasKey,
        ...(device.config.isCryptoErase === true ? { sanitize: 'crypto-erase' } : {}),
      },
    };
  });
  dispatcher.on(group, IdentityCommand.keyAndCsr, 'write', (body) => generateKeyAndCsr(device, body));
  // A chain arriving one certificate per request (`index`, `count`): held here until the last one.
  let pending: Uint8Array[] = [];
  dispatcher.on(group, IdentityCommand.certificate, 'write', async (body): Promise<SmpHandlerResult> => {
    if (body.index === undefined) return installChain(device, body.chain);
    const part = receiveChainPart(pending, body);
    if ('result' in part) {
      pending = [];
      return part.result;
    }
    pending = part.pending;
    if (pending.length < part.count) return { body: {} };
    const chain = pending;
    pending = [];
    return installChain(device, chain);
  });
  dispatcher.on(group, IdentityCommand.certificate, 'read', async (body): Promise<SmpHandlerResult> => {
    const chain = await device.credentials.readChain();
    if (!chain) return { groupRc: IdentityErrorRc.noCertificate };
    if (body.index === undefined) return { body: { cert: chain[0]!, chain } };
    const index = body.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) throw new InvalidField('index');
    const certificate = chain[index];
    if (certificate === undefined) return { smpRc: SmpRc.invalid, reason: `no certificate ${index}` };
    return { body: { cert: certificate, count: chain.length } };
  });
  dispatcher.on(group, IdentityCommand.zeroize, 'write', async () => {
    await wipeForgetting(device, async () => {
      await device.credentials.zeroize();
      device.settings.clear();
      await device.store.eraseSavedSettings();
    });
    return { body: {} };
  });
  dispatcher.setLegacyTranslation(group, legacyIdentityRc);
}

async function generateKeyAndCsr(device: SmpDeviceContext, body: SmpMap): Promise<SmpHandlerResult> {
  const subject = optionalText(body, 'subject');
  const algorithm = optionalText(body, 'alg') ?? 'p256';
  if (subject === undefined) return { smpRc: SmpRc.invalid, reason: 'subject missing' };
  if (algorithm !== 'p256') return { groupRc: IdentityErrorRc.unsupportedAlgorithm };
  const name = parseSubject(subject);
  if (!name) return { groupRc: IdentityErrorRc.invalidSubject };
  const keys = await globalThis.crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
  });
  const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey);
  await device.credentials.writePrivateKey(x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'));
  return { body: { csr: new Uint8Array(csr.rawData) } };
}

/**
 * One certificate of a chain sent in parts: `{"cert", "index", "count"}`, index 0 first, in order.
 * Answers the chain so far, or the refusal that ends the transfer.
 */
function receiveChainPart(
  pending: readonly Uint8Array[],
  body: SmpMap,
): { pending: Uint8Array[]; count: number } | { result: SmpHandlerResult } {
  const { index, count, cert } = body;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) throw new InvalidField('index');
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new InvalidField('count');
  if (!(cert instanceof Uint8Array)) throw new InvalidField('cert');
  if (count > MAX_CERTIFICATE_CHAIN_LENGTH) return { result: { groupRc: IdentityErrorRc.chainTooLong } };
  if (index >= count || index !== (index === 0 ? 0 : pending.length))
    return { result: { smpRc: SmpRc.invalid, reason: `certificate ${index} of ${count} out of order` } };
  return { pending: [...(index === 0 ? [] : pending), cert], count };
}

async function installChain(device: SmpDeviceContext, chain: unknown): Promise<SmpHandlerResult> {
  if (chain === undefined) return { smpRc: SmpRc.invalid, reason: 'chain missing' };
  if (!Array.isArray(chain) || !chain.every((entry) => entry instanceof Uint8Array))
    throw new InvalidField('chain');
  const ders = chain;
  if (ders.length === 0) return { groupRc: IdentityErrorRc.invalidCertificate };
  if (ders.length > MAX_CERTIFICATE_CHAIN_LENGTH) return { groupRc: IdentityErrorRc.chainTooLong };
  const key = await device.credentials.readPrivateKey();
  if (!key) return { groupRc: IdentityErrorRc.noKey };
  const certificates = ders.map(parseCertificate);
  if (certificates.some((certificate) => certificate === undefined))
    return { groupRc: IdentityErrorRc.invalidCertificate };
  const parsed = certificates as x509.X509Certificate[];
  if (!isOrderedChain(parsed) || !(await isSignedChain(parsed)))
    return { groupRc: IdentityErrorRc.invalidCertificate };
  if (!Buffer.from(parsed[0]!.publicKey.rawData).equals(publicKeyDer(key)))
    return { groupRc: IdentityErrorRc.keyMismatch };
  await device.credentials.writeChain(ders);
  return { body: {} };
}

/** A distinguished name like `CN=FL-0042,O=Fieldline`; undefined when it names nothing or cannot be parsed. */
function parseSubject(subject: string): x509.Name | undefined {
  if (subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) return undefined;
  try {
    const name = new x509.Name(subject);
    const attributes = name.toJSON().flatMap((rdn) => Object.values(rdn).flat());
    return attributes.length > 0 && attributes.every((value) => value.length > 0) ? name : undefined;
  } catch {
    return undefined;
  }
}

function parseCertificate(der: Uint8Array): x509.X509Certificate | undefined {
  if (der.length === 0 || der.length > MAX_CERTIFICATE_BYTES) return undefined;
  try {
    return new x509.X509Certificate(new Uint8Array(der));
  } catch {
    return undefined;
  }
}

/** Leaf first: each certificate is issued by the next one. */
function isOrderedChain(chain: readonly x509.X509Certificate[]): boolean {
  return chain.every((certificate, index) => index === 0 || chain[index - 1]!.issuer === certificate.subject);
}

async function isSignedChain(chain: readonly x509.X509Certificate[]): Promise<boolean> {
  for (let index = 0; index + 1 < chain.length; index += 1) {
    const isSigned = await chain[index]!.verify({
      publicKey: chain[index + 1]!.publicKey,
      signatureOnly: true,
    }).then(
      (result) => result,
      () => false,
    );
    if (!isSigned) return false;
  }
  return true;
}

function publicKeyDer(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
}

/** How an SMP v1 request sees identity errors. */
function legacyIdentityRc(rc: number): number {
  switch (rc) {
    case IdentityErrorRc.noKey:
      return SmpRc.badState;
    case IdentityErrorRc.noCertificate:
      return SmpRc.noEntry;
    case IdentityErrorRc.unsupportedAlgorithm:
      return SmpRc.notSupported;
    case IdentityErrorRc.invalidSubject:
    case IdentityErrorRc.invalidCertificate:
    case IdentityErrorRc.keyMismatch:
    case IdentityErrorRc.chainTooLong:
      return SmpRc.invalid;
    default:
      return SmpRc.unknown;
  }
}
