import { sign } from 'node:crypto';
import { readBundleArchive } from '../../archive/tar-reader';
import { writeBundleArchive } from '../../archive/tar-writer';
import { BUNDLE_ENVELOPE_ENTRY } from '../../bundle/bundle-layout';
import { encodeDsseEnvelope, MANIFEST_PAYLOAD_TYPE, parseDsseEnvelope, preAuthenticationEncoding, type DsseEnvelope } from '../../envelope/dsse-envelope';
import { keyIdOf } from '../../keys/key-identity';
import { mcubootSource, testRelease } from '../bundle-fixture';
import { TWO_SIGNATURE_PRODUCT, type TestKey } from '../test-keyring';
import { manifestFor, type CorpusContext } from './corpus-context';
import { bundleCase, type HostileCase } from './hostile-case';

/** Rebuilds a bundle with its envelope changed by `edit` (the images stay as they are). */
export function withEnvelope(bundle: Uint8Array, edit: (envelope: DsseEnvelope) => DsseEnvelope | Uint8Array): Uint8Array {
  const entries = readBundleArchive(bundle);
  const envelope = parseDsseEnvelope(entries.find((entry) => entry.name === BUNDLE_ENVELOPE_ENTRY)!.data);
  const edited = edit(envelope);
  const data = edited instanceof Uint8Array ? edited : encodeDsseEnvelope(edited);
  return writeBundleArchive(entries.map((entry) => (entry.name === BUNDLE_ENVELOPE_ENTRY ? { name: entry.name, data } : { name: entry.name, data: entry.data })));
}

const flip = (bytes: Uint8Array, index: number): Uint8Array => {
  const copy = bytes.slice();
  const at = index < 0 ? copy.length + index : index;
  copy[at]! ^= 0x01;
  return copy;
};

/** Missing, wrong, moved, revoked, unknown and insufficient release signatures, for both release key types. */
export function signatureCases(context: CorpusContext): HostileCase[] {
  const { keys } = context;
  const c = (name: string, code: Parameters<typeof bundleCase>[3], build: () => Uint8Array) => bundleCase(keys, 'signature', name, code, build);
  const release = testRelease();
  const image = [mcubootSource(context.image)];
  const cases: HostileCase[] = [
    c('no signature at all', 'BUNDLE_SIGNATURE_MISSING', () => context.sign(release, image, [])),
    c('signed by an unknown Ed25519 key', 'BUNDLE_KEY_UNKNOWN', () => context.sign(release, image, [keys.releaseUnknown])),
    c('signed by an unknown P-256 key', 'BUNDLE_KEY_UNKNOWN', () => context.sign(release, image, [keys.imageUnknown])),
    c('signed by a revoked Ed25519 release key', 'BUNDLE_KEY_REVOKED', () => context.sign(release, image, [keys.releaseRevokedEd25519])),
    c('signed by a revoked P-256 release key', 'BUNDLE_KEY_REVOKED', () => context.sign(release, image, [keys.releaseRevokedP256])),
    c('signed by a revoked key and an unknown key', 'BUNDLE_KEY_REVOKED', () => context.sign(release, image, [keys.releaseUnknown, keys.releaseRevokedEd25519])),
    c('signed by a revoked product key and another product’s key', 'BUNDLE_KEY_REVOKED', () => context.sign(release, image, [keys.releaseRevokedP256, keys.releaseOtherProduct])),
    c('signed by another product’s release key', 'BUNDLE_KEY_UNKNOWN', () => context.sign(release, image, [keys.releaseOtherProduct])),
    c('signed by the product’s Ed25519 image key (not a release key)', 'BUNDLE_KEY_UNKNOWN', () => context.sign(release, image, [keys.imageEd25519])),
    c('signed by the product’s P-256 image key (not a release key)', 'BUNDLE_KEY_UNKNOWN', () => context.sign(release, image, [keys.imageP256])),
    c('product with no entry in the trust store', 'BUNDLE_KEY_UNKNOWN', () => context.sign(testRelease({ product: 'acme-unlisted' }), image)),
    c('two-signature product signed once', 'BUNDLE_SIGNATURE_MISSING', () => context.sign(testRelease({ product: TWO_SIGNATURE_PRODUCT }), image, [keys.releaseEd25519])),
    c('two-signature product signed twice by the same key', 'BUNDLE_SIGNATURE_MISSING', () =>
      withEnvelope(context.sign(testRelease({ product: TWO_SIGNATURE_PRODUCT }), image, [keys.releaseEd25519]), (envelope) => ({ ...envelope, signatures: [...envelope.signatures, ...envelope.signatures] }))),
    c('a valid signature beside a forged one naming a trusted key', 'BUNDLE_SIGNATURE_INVALID', () =>
      withEnvelope(context.bundle, (envelope) => ({ ...envelope, signatures: [...envelope.signatures, { keyId: keyIdOf(keys.releaseP256.publicKey), signature: new Uint8Array(70) }] }))),
    c('Ed25519 signature labelled with the P-256 key id', 'BUNDLE_SIGNATURE_INVALID', () =>
      withEnvelope(context.bundle, (envelope) => ({ ...envelope, signatures: envelope.signatures.map((entry) => ({ ...entry, keyId: keyIdOf(keys.releaseP256.publicKey) })) }))),
    c('17 signatures', 'BUNDLE_ENVELOPE_INVALID', () => withEnvelope(context.bundle, (envelope) => ({ ...envelope, signatures: Array.from({ length: 17 }, () => envelope.signatures[0]!) }))),
  ];
  for (const signer of [keys.releaseEd25519, keys.releaseP256]) cases.push(...perAlgorithmCases(context, signer));
  return cases;
}

function perAlgorithmCases(context: CorpusContext, signer: TestKey): HostileCase[] {
  const c = (name: string, code: Parameters<typeof bundleCase>[3], build: () => Uint8Array) => bundleCase(context.keys, 'signature', `${name} (${signer.name})`, code, build);
  const bundle = context.sign(testRelease(), [mcubootSource(context.image)], [signer]);
  const resign = (edit: (signature: Uint8Array, envelope: DsseEnvelope) => Uint8Array) => () =>
    withEnvelope(bundle, (envelope) => ({ ...envelope, signatures: envelope.signatures.map((entry) => ({ ...entry, signature: edit(entry.signature, envelope) })) }));
  const signOver = (data: Uint8Array): Uint8Array => new Uint8Array(signer.name.includes('p256') ? sign('sha256', data, signer.privateKey) : sign(null, data, signer.privateKey));
  const tamperedManifest = (label: string, change: Record<string, unknown>) =>
    c(`manifest edited after signing: ${label}`, 'BUNDLE_SIGNATURE_INVALID', () =>
      withEnvelope(bundle, (envelope) => ({ ...envelope, payload: new Uint8Array(Buffer.from(JSON.stringify({ ...manifestFor(context, context.image), ...change }))) })));
  return [
    c('signature first byte flipped', 'BUNDLE_SIGNATURE_INVALID', resign((signature) => flip(signature, 0))),
    c('signature middle byte flipped', 'BUNDLE_SIGNATURE_INVALID', resign((signature) => flip(signature, 20))),
    c('signature last byte flipped', 'BUNDLE_SIGNATURE_INVALID', resign((signature) => flip(signature, -1))),
    c('signature truncated by one byte', 'BUNDLE_SIGNATURE_INVALID', resign((signature) => signature.subarray(0, -1))),
    c('signature empty', 'BUNDLE_SIGNATURE_INVALID', resign(() => new Uint8Array(0))),
    c('signature of 1.5 KiB of zeros', 'BUNDLE_SIGNATURE_INVALID', resign(() => new Uint8Array(1536))),
    c('signature over the raw payload instead of PAE', 'BUNDLE_SIGNATURE_INVALID', resign((_signature, envelope) => signOver(envelope.payload))),
    c('signature over PAE with another payload type', 'BUNDLE_SIGNATURE_INVALID', resign((_signature, envelope) => signOver(preAuthenticationEncoding('application/vnd.in-toto+json', envelope.payload)))),
    c('signature taken from a bundle with another manifest', 'BUNDLE_SIGNATURE_INVALID', () => {
      const other = context.sign(testRelease({ version: '9.9.9' }), [mcubootSource(context.image)], [signer]);
      const moved = readEnvelope(other);
      return withEnvelope(bundle, (envelope) => ({ ...envelope, signatures: moved.signatures }));
    }),
    c('envelope payload type changed after signing', 'BUNDLE_ENVELOPE_INVALID', () => withEnvelope(bundle, (envelope) => ({ ...envelope, payloadType: 'application/vnd.in-toto+json' }))),
    c('envelope payload type with different case', 'BUNDLE_ENVELOPE_INVALID', () => withEnvelope(bundle, (envelope) => ({ ...envelope, payloadType: MANIFEST_PAYLOAD_TYPE.toUpperCase() }))),
    tamperedManifest('security counter raised', { securityCounter: 99 }),
    tamperedManifest('hardware revision added', { hardware: [{ id: 'acme-sensor-nrf52840', revisions: ['A', 'B', 'C'] }] }),
    tamperedManifest('expiry extended', { expiresAt: '2099-01-01T00:00:00Z' }),
    tamperedManifest('channel changed', { channel: 'beta' }),
    tamperedManifest('product changed', { product: 'acme-gateway' }),
    c('manifest edited after signing: whitespace added', 'BUNDLE_SIGNATURE_INVALID', () =>
      withEnvelope(bundle, (envelope) => ({ ...envelope, payload: new Uint8Array(Buffer.from(`${Buffer.from(envelope.payload).toString()} `)) }))),
  ];
}

function readEnvelope(bundle: Uint8Array): DsseEnvelope {
  return parseDsseEnvelope(readBundleArchive(bundle).find((entry) => entry.name === BUNDLE_ENVELOPE_ENTRY)!.data);
}
