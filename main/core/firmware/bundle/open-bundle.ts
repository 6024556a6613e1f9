import { readBundleArchive } from '../archive/tar-reader';
import { parseDsseEnvelope, type DsseEnvelope } from '../envelope/dsse-envelope';
import { refusal } from '../firmware-refusal';
import type { Manifest } from '../manifest/manifest-schema';
import { parseManifest } from '../manifest/parse-manifest';
import type { TrustedKey, TrustStore } from '../trust/trust-store';
import { BUNDLE_ENVELOPE_ENTRY } from './bundle-layout';
import { checkProductSigners, checkReleaseSignatures } from './release-signatures';

/** A bundle whose archive is sound and whose manifest is signed by enough of its product's release keys. */
export interface AuthenticBundle {
  manifest: Manifest;
  signers: TrustedKey[];
  /** Archive entries other than the envelope, by name (views into the bundle bytes). */
  files: ReadonlyMap<string, Uint8Array>;
}

/**
 * Opens a bundle in the order that reads as little untrusted data as possible: archive structure,
 * envelope shape, signatures over the raw payload bytes, and only then the manifest JSON and the
 * product's signing policy (README.md, "Order of checks").
 */
export function openAuthenticBundle(bytes: Uint8Array, store: TrustStore): AuthenticBundle {
  const { envelope, files } = readEnvelopeAndFiles(bytes);
  const findings = checkReleaseSignatures(envelope, store);
  const manifest = parseManifest(envelope.payload);
  const signers = checkProductSigners(manifest.product, findings, store);
  return { manifest, signers, files };
}

/** The archive and the envelope, parsed and size-checked but not authenticated (also used by inspect and sign). */
export function readEnvelopeAndFiles(bytes: Uint8Array): { envelope: DsseEnvelope; files: Map<string, Uint8Array>; order: string[] } {
  const entries = readBundleArchive(bytes);
  const envelopeEntry = entries.find((entry) => entry.name === BUNDLE_ENVELOPE_ENTRY);
  if (!envelopeEntry) throw refusal('BUNDLE_ENVELOPE_INVALID', 'envelope', `the archive has no ${BUNDLE_ENVELOPE_ENTRY}`);
  const envelope = parseDsseEnvelope(envelopeEntry.data);
  const others = entries.filter((entry) => entry !== envelopeEntry);
  return { envelope, files: new Map(others.map((entry) => [entry.name, entry.data])), order: others.map((entry) => entry.name) };
}
