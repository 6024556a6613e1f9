import { z } from 'zod';
import { describeZodError } from '../../../../shared/errors';
import { FIRMWARE_LIMITS } from '../firmware-limits';
import { refusal } from '../firmware-refusal';
import { decodeCanonicalBase64 } from './canonical-base64';
import { findDuplicateJsonKey } from './json-duplicate-keys';
import { jsonNestingDepth } from './json-nesting';

/** The DSSE payload type of a Fieldline release manifest (JSON). */
export const MANIFEST_PAYLOAD_TYPE = 'application/vnd.fieldline.manifest+json';

/**
 * DSSE pre-authentication encoding (secure-systems-lab/dsse, protocol.md):
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, LEN the decimal byte length. Signatures cover
 * these bytes, so the payload type is signed too and a signature cannot be moved to another type.
 */
export function preAuthenticationEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, 'utf8');
  return new Uint8Array(Buffer.concat([head, payload]));
}

const envelopeSchema = z.strictObject({
  payloadType: z.string().max(200),
  payload: z.string().max(Math.ceil(FIRMWARE_LIMITS.manifestBytes / 3) * 4 + 4),
  signatures: z
    .array(z.strictObject({ keyid: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (SHA-256 of the public key)'), sig: z.string().max(2048) }))
    .max(FIRMWARE_LIMITS.signatures),
});

export interface EnvelopeSignature {
  keyId: string;
  signature: Uint8Array;
}

/** A parsed envelope: the exact payload bytes the signatures cover, not yet trusted. */
export interface DsseEnvelope {
  payloadType: string;
  payload: Uint8Array;
  signatures: EnvelopeSignature[];
}

/** Parses `manifest.dsse.json` with size, nesting, schema, payload type and canonical base64 checks. */
export function parseDsseEnvelope(bytes: Uint8Array): DsseEnvelope {
  if (bytes.length > FIRMWARE_LIMITS.envelopeBytes) {
    throw refusal('BUNDLE_MANIFEST_TOO_LARGE', 'envelope size', `${bytes.length} bytes exceeds the ${FIRMWARE_LIMITS.envelopeBytes}-byte limit`);
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) throw refusal('BUNDLE_ENVELOPE_INVALID', 'envelope encoding', 'not valid UTF-8');
  if (jsonNestingDepth(text, FIRMWARE_LIMITS.jsonDepth) > FIRMWARE_LIMITS.jsonDepth) {
    throw refusal('BUNDLE_MANIFEST_TOO_LARGE', 'envelope nesting', `nested deeper than ${FIRMWARE_LIMITS.jsonDepth} levels`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error: unknown) {
    throw refusal('BUNDLE_ENVELOPE_INVALID', 'envelope JSON', error instanceof Error ? error.message : String(error));
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate !== undefined) throw refusal('BUNDLE_ENVELOPE_INVALID', 'envelope JSON', `key ${JSON.stringify(duplicate)} appears twice in one object`);
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw refusal('BUNDLE_ENVELOPE_INVALID', 'envelope fields', describeZodError(parsed.error));
  const { payloadType, payload, signatures } = parsed.data;
  if (payloadType !== MANIFEST_PAYLOAD_TYPE) {
    throw refusal('BUNDLE_ENVELOPE_INVALID', 'envelope payloadType', `${JSON.stringify(payloadType)} is not ${MANIFEST_PAYLOAD_TYPE}`);
  }
  const payloadBytes = decodeCanonicalBase64(payload);
  if (payloadBytes === undefined) throw refusal('BUNDLE_ENVELOPE_INVALID', 'envelope payload', 'not canonical base64');
  if (payloadBytes.length > FIRMWARE_LIMITS.manifestBytes) {
    throw refusal('BUNDLE_MANIFEST_TOO_LARGE', 'manifest size', `${payloadBytes.length} bytes exceeds the ${FIRMWARE_LIMITS.manifestBytes}-byte limit`);
  }
  return {
    payloadType,
    payload: payloadBytes,
    signatures: signatures.map((entry, index) => {
      const signature = decodeCanonicalBase64(entry.sig);
      if (signature === undefined) throw refusal('BUNDLE_ENVELOPE_INVALID', `envelope signature ${index + 1}`, 'sig is not canonical base64');
      return { keyId: entry.keyid, signature };
    }),
  };
}

/** The stored form: compact JSON, keys in the DSSE order. */
export function encodeDsseEnvelope(envelope: DsseEnvelope): Uint8Array {
  const json = {
    payloadType: envelope.payloadType,
    payload: Buffer.from(envelope.payload).toString('base64'),
    signatures: envelope.signatures.map((entry) => ({ keyid: entry.keyId, sig: Buffer.from(entry.signature).toString('base64') })),
  };
  return new Uint8Array(Buffer.from(JSON.stringify(json), 'utf8'));
}

/** Strict UTF-8 (no replacement characters) and no byte-order mark. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return text.startsWith('\uFEFF') ? undefined : text;
  } catch {
    return undefined;
  }
}
