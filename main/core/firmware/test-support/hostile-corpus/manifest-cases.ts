import { readBundleArchive } from '../../archive/tar-reader';
import { writeBundleArchive } from '../../archive/tar-writer';
import { FIRMWARE_LIMITS } from '../../firmware-limits';
import type { CorpusContext } from './corpus-context';
import { bundleCase, type HostileCase } from './hostile-case';
import { withEnvelope } from './signature-cases';

const text = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, 'utf8'));
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** Malformed, oversized, nested and schema-violating envelopes and manifests (the manifests are validly signed). */
export function manifestCases(context: CorpusContext): HostileCase[] {
  const c = (name: string, code: Parameters<typeof bundleCase>[3], build: () => Uint8Array) => bundleCase(context.keys, 'manifest', name, code, build);
  const base = context.manifest as unknown as Record<string, unknown>;
  const image = context.manifest.images[0] as unknown as Record<string, unknown>;
  const signedManifest = (name: string, code: Parameters<typeof bundleCase>[3], manifest: object | Uint8Array) => c(name, code, () => context.handmade(manifest));
  const envelopeText = (name: string, code: Parameters<typeof bundleCase>[3], envelope: Uint8Array) => c(name, code, () => withEnvelope(context.bundle, () => envelope));
  const cases: HostileCase[] = [
    envelopeText('envelope is not JSON', 'BUNDLE_ENVELOPE_INVALID', text('not json')),
    envelopeText('envelope JSON cut short', 'BUNDLE_ENVELOPE_INVALID', text('{"payloadType":"application/vnd.fieldline.manifest+json","payload":"e30=","signa')),
    envelopeText('envelope is an array', 'BUNDLE_ENVELOPE_INVALID', text('[]')),
    envelopeText('envelope with a byte-order mark', 'BUNDLE_ENVELOPE_INVALID', text('\uFEFF{}')),
    envelopeText('envelope not UTF-8', 'BUNDLE_ENVELOPE_INVALID', new Uint8Array([0x7b, 0xc3, 0x28, 0x7d])),
    envelopeText('envelope without payload', 'BUNDLE_ENVELOPE_INVALID', text('{"payloadType":"application/vnd.fieldline.manifest+json","signatures":[]}')),
    envelopeText('envelope with duplicate payload keys', 'BUNDLE_ENVELOPE_INVALID', text('{"payloadType":"application/vnd.fieldline.manifest+json","payload":"e30=","payload":"e30=","signatures":[]}')),
    envelopeText('envelope nested 100,000 deep', 'BUNDLE_MANIFEST_TOO_LARGE', text(nested(100_000))),
    envelopeText('envelope nested 17 deep', 'BUNDLE_MANIFEST_TOO_LARGE', text(`{"a":${nested(16)}}`)),
    envelopeText('envelope of 300 KB', 'BUNDLE_MANIFEST_TOO_LARGE', text(' '.repeat(300_000))),
    envelopeText('envelope of 10 MB', 'BUNDLE_MANIFEST_TOO_LARGE', text(`{"payload":"${'A'.repeat(10_000_000 - 100)}"}`)),
    c('archive without manifest.dsse.json', 'BUNDLE_ENVELOPE_INVALID', () => writeBundleArchive(readBundleArchive(context.bundle).filter((entry) => entry.name !== 'manifest.dsse.json'))),
    c('envelope stored as manifest.json', 'BUNDLE_ENVELOPE_INVALID', () =>
      writeBundleArchive(readBundleArchive(context.bundle).map((entry) => ({ name: entry.name === 'manifest.dsse.json' ? 'manifest.json' : entry.name, data: entry.data })))),
    signedManifest('payload is not JSON', 'BUNDLE_MANIFEST_INVALID', text('release 1.4.0')),
    signedManifest('payload is not UTF-8', 'BUNDLE_MANIFEST_INVALID', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])),
    signedManifest('payload with a byte-order mark', 'BUNDLE_MANIFEST_INVALID', text(`\uFEFF${JSON.stringify(base)}`)),
    signedManifest('payload nested 17 deep', 'BUNDLE_MANIFEST_TOO_LARGE', text(`{"a":${nested(16)}}`)),
    signedManifest('payload nested 1,000 deep', 'BUNDLE_MANIFEST_TOO_LARGE', text(nested(1000))),
    signedManifest('payload nested 30,000 deep (JSON bomb)', 'BUNDLE_MANIFEST_TOO_LARGE', text(nested(30_000))),
    signedManifest('payload one byte over 64 KiB', 'BUNDLE_MANIFEST_TOO_LARGE', text(' '.repeat(FIRMWARE_LIMITS.manifestBytes + 1))),
    signedManifest('payload of 200 KB', 'BUNDLE_MANIFEST_TOO_LARGE', text(JSON.stringify({ ...base, padding: 'x'.repeat(200_000) }))),
    signedManifest('JSON bomb: 20,000-element array', 'BUNDLE_MANIFEST_INVALID', { ...base, junk: new Array(20_000).fill(0) }),
    signedManifest('JSON bomb: 4,000 keys', 'BUNDLE_MANIFEST_INVALID', { ...base, ...Object.fromEntries(Array.from({ length: 4000 }, (_, index) => [`k${index}`, 0])) }),
    signedManifest('JSON bomb: 60 KB product name', 'BUNDLE_MANIFEST_INVALID', { ...base, product: 'p'.repeat(60_000) }),
    signedManifest('security counter 1e309', 'BUNDLE_MANIFEST_INVALID', text(JSON.stringify(base).replace('"securityCounter":5', '"securityCounter":1e309'))),
    signedManifest('duplicate securityCounter keys', 'BUNDLE_MANIFEST_INVALID', text(JSON.stringify(base).replace('"securityCounter":5', '"securityCounter":1,"securityCounter":99'))),
    signedManifest('__proto__ key', 'BUNDLE_MANIFEST_INVALID', text(JSON.stringify(base).replace('{', '{"__proto__":{"isTrusted":true},'))),
    signedManifest('constructor key', 'BUNDLE_MANIFEST_INVALID', { ...base, constructor: { prototype: {} } }),
    signedManifest('image file "manifest.dsse.json"', 'BUNDLE_MANIFEST_INVALID', { ...base, images: [{ ...image, file: 'manifest.dsse.json' }] }),
  ];
  for (const field of Object.keys(base)) {
    const { [field]: _removed, ...rest } = base;
    cases.push(signedManifest(`missing field ${field}`, 'BUNDLE_MANIFEST_INVALID', rest));
  }
  const wrongValues: [string, Record<string, unknown>][] = [
    ['schemaVersion 0', { schemaVersion: 0 }], ['schemaVersion 2', { schemaVersion: 2 }], ['schemaVersion "1"', { schemaVersion: '1' }],
    ['product empty', { product: '' }], ['product with a slash', { product: 'acme/sensor' }], ['product a number', { product: 7 }],
    ['hardware empty', { hardware: [] }], ['hardware revisions empty', { hardware: [{ id: 'acme-sensor-nrf52840', revisions: [] }] }],
    ['hardware an object', { hardware: { id: 'x' } }], ['33 hardware entries', { hardware: Array.from({ length: 33 }, (_, index) => ({ id: `hw${index}`, revisions: ['A'] })) }],
    ['version "latest"', { version: 'latest' }], ['version 1.4', { version: '1.4' }],
    ['securityCounter -1', { securityCounter: -1 }], ['securityCounter 1.5', { securityCounter: 1.5 }], ['securityCounter 2^32', { securityCounter: 2 ** 32 }], ['securityCounter "5"', { securityCounter: '5' }],
    ['channel with spaces', { channel: 'stable release' }], ['channel null', { channel: null }],
    ['issuedAt not a date', { issuedAt: 'yesterday' }], ['expiresAt without time zone', { expiresAt: '2026-05-01T00:00:00' }], ['expiresAt before issuedAt', { expiresAt: '2025-01-01T00:00:00Z' }],
    ['images empty', { images: [] }], ['17 images', { images: Array.from({ length: 17 }, (_, index) => ({ ...image, file: `images/${index}.bin` })) }],
    ['the same image file twice', { images: [image, image] }],
    ['image size 0', { images: [{ ...image, sizeBytes: 0 }] }], ['image size -1', { images: [{ ...image, sizeBytes: -1 }] }], ['image size 1 TB', { images: [{ ...image, sizeBytes: 1e12 }] }],
    ['image sha256 uppercase', { images: [{ ...image, sha256: String(image.sha256).toUpperCase() }] }], ['image sha256 63 digits', { images: [{ ...image, sha256: String(image.sha256).slice(1) }] }],
    ['image protocol "raw"', { images: [{ ...image, protocol: 'raw' }] }], ['mcuboot image with an address', { images: [{ ...image, address: 0 }] }],
    ['uf2 image with a slot', { images: [{ ...image, protocol: 'uf2' }] }], ['slot 16', { images: [{ ...image, slot: 16 }] }], ['slot -1', { images: [{ ...image, slot: -1 }] }],
    ['dfu address 2^32', { images: [{ file: 'images/app.bin', sizeBytes: 10, sha256: image.sha256, protocol: 'dfu', address: 2 ** 32 }] }],
    ['image entry with an extra field', { images: [{ ...image, run: 'rm -rf /' }] }],
  ];
  for (const [label, change] of wrongValues) cases.push(signedManifest(label, 'BUNDLE_MANIFEST_INVALID', { ...base, ...change }));
  for (const file of ['../app.bin', '/firmware/app.bin', 'images\\app.bin', 'images/../../app.bin', 'C:/app.bin']) {
    cases.push(signedManifest(`manifest image file ${JSON.stringify(file)}`, 'BUNDLE_UNSAFE_PATH', { ...base, images: [{ ...image, file }] }));
  }
  return cases;
}
