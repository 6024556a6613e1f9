import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AppError, describeZodError } from '../../../shared/errors';
import { canonicalJson } from '../../../shared/ledger/canonical-event';

/** Version tag of the signed form; a verifier refuses any other. */
export const SANITIZATION_CERTIFICATE_FORMAT = 'fieldline-sanitization-certificate-v1';

/** NIST SP 800-88 Rev. 1 levels Fieldline can reach over SMP (README.md, "Method"). */
export const SANITIZATION_METHODS = ['clear', 'purge'] as const;
export type SanitizationMethod = (typeof SANITIZATION_METHODS)[number];

const hex = z.string().regex(/^[0-9a-f]+$/, 'must be lower-case hex');
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');

const verificationSchema = z
  .object({
    /** What was read back, e.g. `identity key and certificate`. */
    checked: z.string(),
    /** How: the SMP request and the answer that counts as clean. */
    how: z.string(),
    /** `clean`, or what was still there. */
    result: z.string(),
  })
  .strict();

const actionSchema = z
  .object({
    name: z.string(),
    /** The SMP command that did it, e.g. `identity (64) zeroize (3)`. */
    command: z.string(),
    /** What it covered: setting names, file paths, a slot. */
    targets: z.array(z.string()),
    result: z.string(),
    verification: verificationSchema,
  })
  .strict();

const revocationSchema = z
  .object({ certificateSerial: hex, fingerprintSha256: hex, reason: z.literal('cessationOfOperation') })
  .strict();

/** What the station attests: the signed part of the certificate. */
export const sanitizationBodySchema = z
  .object({
    device: z
      .object({ id: z.string().min(1), hardwareId: hex, serial: z.string(), model: z.string() })
      .strict(),
    method: z
      .object({
        standard: z.literal('NIST SP 800-88 Rev. 1'),
        level: z.enum(SANITIZATION_METHODS),
        /** How the level was reached on this device, in words. */
        technique: z.string(),
      })
      .strict(),
    actions: z.array(actionSchema).min(1),
    /** Anything the read-back still found; a certificate is only ever issued with this empty. */
    remaining: z.array(z.string()).max(0, 'a certificate of sanitization lists nothing remaining'),
    revocations: z.array(revocationSchema),
    operator: z.string().min(1),
    station: z.object({ id: z.string().min(1) }).strict(),
    operationId: z.string().min(1),
    /** When the read-back verification ended, ISO 8601 UTC. */
    completedAt: z.string().datetime(),
    /** The ledger event (this device's latest) the certificate follows, so it sits in the hash chain. */
    followsEventId: z.string().min(1),
  })
  .strict();
export type SanitizationBody = z.infer<typeof sanitizationBodySchema>;

const signatureSchema = z
  .object({
    algorithm: z.literal('Ed25519'),
    /** SHA-256 of the public key's SubjectPublicKeyInfo DER, hex: names the station key. */
    keyId: hex.length(64),
    /** The station's public key, SubjectPublicKeyInfo DER in base64. */
    publicKey: base64,
    /** Ed25519 signature over `signedText(document)`, base64. */
    value: base64,
  })
  .strict();

export const sanitizationCertificateSchema = z
  .object({
    format: z.literal(SANITIZATION_CERTIFICATE_FORMAT),
    body: sanitizationBodySchema,
    signature: signatureSchema,
  })
  .strict();
export type SanitizationCertificate = z.infer<typeof sanitizationCertificateSchema>;

/** Signs bytes with the station key (Ed25519); see station-signing-key.ts. */
export interface CertificateSigner {
  /** SubjectPublicKeyInfo DER of the Ed25519 public key. */
  readonly publicKeySpki: Uint8Array;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * The exact text the signature covers: the whole document in canonical JSON (keys sorted at every
 * depth, no whitespace; shared/ledger/canonical-event.ts), with the signature's value left out. So the
 * format, every word of the body, and which key signs are all covered.
 */
export function signedText(document: Omit<SanitizationCertificate, 'signature'> & {
  signature: Omit<SanitizationCertificate['signature'], 'value'> & { value?: string };
}): string {
  const { value: _value, ...signer } = document.signature;
  return canonicalJson({ format: document.format, body: document.body, signature: signer });
}

export function keyIdOf(publicKeySpki: Uint8Array): string {
  return createHash('sha256').update(publicKeySpki).digest('hex');
}

/** Builds and signs the certificate; refuses a body that lists anything remaining. */
export async function signSanitizationCertificate(
  body: SanitizationBody,
  signer: CertificateSigner,
): Promise<SanitizationCertificate> {
  const checked = sanitizationBodySchema.safeParse(body);
  if (!checked.success)
    throw new AppError('INVALID_INPUT', `the sanitization record is incomplete: ${describeZodError(checked.error)}`);
  const unsigned = {
    format: SANITIZATION_CERTIFICATE_FORMAT as typeof SANITIZATION_CERTIFICATE_FORMAT,
    body: checked.data,
    signature: {
      algorithm: 'Ed25519' as const,
      keyId: keyIdOf(signer.publicKeySpki),
      publicKey: Buffer.from(signer.publicKeySpki).toString('base64'),
    },
  };
  const value = await signer.sign(Buffer.from(signedText(unsigned), 'utf8'));
  return { ...unsigned, signature: { ...unsigned.signature, value: Buffer.from(value).toString('base64') } };
}

/** A station public key as PEM text, SubjectPublicKeyInfo DER bytes, or a KeyObject. */
export type StationPublicKey = string | Uint8Array | KeyObject;

/**
 * Checks a certificate of sanitization against the station public key the reader trusts: the shape
 * (nothing added, nothing missing, nothing remaining), that it names that key, and the Ed25519
 * signature over its canonical text. Returns the certificate; anything else is
 * SANITIZATION_CERTIFICATE_INVALID saying what did not match.
 */
export function verifySanitizationCertificate(
  document: unknown,
  publicKey: StationPublicKey,
): SanitizationCertificate {
  const parsed = sanitizationCertificateSchema.safeParse(document);
  if (!parsed.success)
    throw invalid(`it is not a Fieldline certificate of sanitization: ${describeZodError(parsed.error)}`);
  const certificate = parsed.data;
  const trusted = toPublicKey(publicKey);
  if (trusted.asymmetricKeyType !== 'ed25519') throw invalid('the given station key is not an Ed25519 key');
  const trustedSpki = trusted.export({ type: 'spki', format: 'der' });
  if (!Buffer.from(certificate.signature.publicKey, 'base64').equals(trustedSpki))
    throw invalid(
      `it was signed by station key ${certificate.signature.keyId}, not by the given key ${keyIdOf(trustedSpki)}`,
    );
  if (certificate.signature.keyId !== keyIdOf(trustedSpki)) throw invalid('its key id does not match its public key');
  const isSigned = verify(
    null,
    Buffer.from(signedText(certificate), 'utf8'),
    trusted,
    Buffer.from(certificate.signature.value, 'base64'),
  );
  if (!isSigned) throw invalid('the signature does not match its content: the certificate was altered');
  return certificate;
}

function toPublicKey(key: StationPublicKey): KeyObject {
  try {
    if (typeof key === 'string') return createPublicKey(key);
    if (key instanceof Uint8Array) return createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
    return key.type === 'public' ? key : createPublicKey(key);
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', 'the station public key is not a PEM or SubjectPublicKeyInfo public key', {
      cause: error,
    });
  }
}

function invalid(reason: string): AppError {
  return new AppError('SANITIZATION_CERTIFICATE_INVALID', `Certificate of sanitization refused: ${reason}`);
}
