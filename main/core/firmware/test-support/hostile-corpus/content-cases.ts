import { createHash } from 'node:crypto';
import { readBundleArchive } from '../../archive/tar-reader';
import { writeBundleArchive } from '../../archive/tar-writer';
import { buildDfuFile } from '../../../drivers/dfu/dfu-suffix';
import { buildUf2File } from '../../../drivers/uf2/uf2-file-builder';
import { deterministicBytes, mcubootSource, testMcubootImage, testRelease } from '../bundle-fixture';
import { manifestFor, type CorpusContext } from './corpus-context';
import { bundleCase, type HostileCase } from './hostile-case';

/** The "10 MB" cases size their images a few KiB under 10 MiB, so the whole bundle stays within quality.md's 10 MB. */
const TEN_MB = 10 * 1024 * 1024;
/** A device whose slot and flash take a 10 MB image, so the size checks do not refuse first. */
const BIG_DEVICE = { device: { slotSizes: { 1: 16 * 1024 * 1024 } } };

const flipped = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = bytes.slice();
  copy[at]! ^= 0xff;
  return copy;
};

/** The archive against the signed manifest: missing, extra, truncated, padded, altered and swapped images. */
export function contentCases(context: CorpusContext): HostileCase[] {
  const { keys, image } = context;
  const c = (name: string, code: Parameters<typeof bundleCase>[3], build: () => Uint8Array, device = {}) => bundleCase(keys, 'contents', name, code, build, device);
  const withImage = (data: Uint8Array, extra: { name: string; data: Uint8Array }[] = []) => () => context.handmade(manifestFor(context, image), [{ name: 'images/app.bin', data }, ...extra]);
  const other = testMcubootImage(keys.imageEd25519, { seed: 99 });
  const cases: HostileCase[] = [
    c('listed image absent from the archive', 'BUNDLE_IMAGE_MISSING', () => context.handmade(manifestFor(context, image), [])),
    c('image stored under another name', 'BUNDLE_IMAGE_MISSING', () => context.handmade(manifestFor(context, image), [{ name: 'images/app2.bin', data: image }])),
    c('second listed image absent', 'BUNDLE_IMAGE_MISSING', () =>
      context.handmade({ ...manifestFor(context, image), images: [...manifestFor(context, image).images, { ...manifestFor(context, image).images[0]!, file: 'images/b.bin' }] })),
    c('an unlisted extra image', 'BUNDLE_EXTRA_ENTRY', withImage(image, [{ name: 'images/extra.bin', data: other }])),
    c('an unlisted README', 'BUNDLE_EXTRA_ENTRY', withImage(image, [{ name: 'README.txt', data: new Uint8Array(Buffer.from('hi')) }])),
    c('an unlisted detached signature file', 'BUNDLE_EXTRA_ENTRY', withImage(image, [{ name: 'images/app.bin.sig', data: new Uint8Array(64) }])),
    c('an unlisted hidden file', 'BUNDLE_EXTRA_ENTRY', withImage(image, [{ name: '.hidden', data: new Uint8Array(1) }])),
    c('image truncated by one byte', 'BUNDLE_TRUNCATED', withImage(image.subarray(0, -1))),
    c('image truncated to half', 'BUNDLE_TRUNCATED', withImage(image.subarray(0, image.length >> 1))),
    c('image truncated to nothing', 'BUNDLE_TRUNCATED', withImage(new Uint8Array(0))),
    c('image padded by one byte', 'BUNDLE_PADDED', withImage(new Uint8Array([...image, 0]))),
    c('image padded by 512 bytes of 0xff', 'BUNDLE_PADDED', withImage(new Uint8Array([...image, ...new Uint8Array(512).fill(0xff)]))),
    c('image padded by 1 MiB', 'BUNDLE_PADDED', withImage(new Uint8Array([...image, ...new Uint8Array(1 << 20)]))),
    c('image first byte flipped', 'BUNDLE_HASH_MISMATCH', withImage(flipped(image, 0))),
    c('image middle byte flipped', 'BUNDLE_HASH_MISMATCH', withImage(flipped(image, image.length >> 1))),
    c('image last byte flipped', 'BUNDLE_HASH_MISMATCH', withImage(flipped(image, image.length - 1))),
    c('mix-and-match: same-size image from another build', 'BUNDLE_HASH_MISMATCH', withImage(other)),
    c('mix-and-match: image from another release, other size', 'BUNDLE_TRUNCATED', withImage(testMcubootImage(keys.imageEd25519, { bodyBytes: 1024 }))),
    c('mix-and-match: the same body signed by the RSA image key (longer)', 'BUNDLE_PADDED', withImage(testMcubootImage(keys.imageRsa2048))),
    c('mix-and-match: an image of another product’s release, same size', 'BUNDLE_HASH_MISMATCH', withImage(testMcubootImage(keys.imageEd25519, { seed: 42, securityCounter: 1 }))),
    c('mix-and-match: another bundle’s envelope with this image', 'BUNDLE_HASH_MISMATCH', () => {
      const donor = envelopeOf(context.sign(testRelease(), [mcubootSource(other)]));
      return writeBundleArchive([{ name: 'manifest.dsse.json', data: donor }, { name: 'images/app.bin', data: image }]);
    }),
    c('mix-and-match: this envelope with another bundle’s image', 'BUNDLE_HASH_MISMATCH', () => {
      const donor = readBundleArchive(context.sign(testRelease({ version: '2.0.0' }), [mcubootSource(other)])).find((entry) => entry.name === 'images/app.bin')!.data;
      return writeBundleArchive([{ name: 'manifest.dsse.json', data: envelopeOf(context.bundle) }, { name: 'images/app.bin', data: donor }]);
    }),
    c('mix-and-match: two same-size images swapped', 'BUNDLE_HASH_MISMATCH', () => {
      const bundle = context.sign(testRelease(), [mcubootSource(image, 'images/a.bin', 0), mcubootSource(other, 'images/b.bin', 1)]);
      return withSwappedData(bundle, 'images/a.bin', 'images/b.bin');
    }),
  ];
  const bigImage = () => testMcubootImage(keys.imageEd25519, { bodyBytes: TEN_MB - 0x2000, seed: 5 });
  for (const [label, at] of [['first body byte', 0x200], ['middle byte', TEN_MB >> 1], ['last TLV byte', -1]] as const) {
    cases.push(c(`10 MB MCUboot image, ${label} flipped`, 'BUNDLE_HASH_MISMATCH', () => {
      const big = bigImage();
      return context.handmade(manifestFor(context, big), [{ name: 'images/app.bin', data: flipped(big, at < 0 ? big.length + at : at) }]);
    }, BIG_DEVICE));
  }
  cases.push(c('10 MB UF2 file, one payload byte flipped', 'BUNDLE_HASH_MISMATCH', () => {
    const uf2 = buildUf2File(deterministicBytes(TEN_MB / 2 - 0x1000, 6), { baseAddress: 0x1000_0000, familyId: 0xe48bff56 });
    const manifest = { ...context.manifest, images: [{ file: 'images/app.uf2', protocol: 'uf2', address: 0x1000_0000, sizeBytes: uf2.length, sha256: sha256Hex(uf2) }] };
    return context.handmade(manifest, [{ name: 'images/app.uf2', data: flipped(uf2, 5 * 512 + 40) }]);
  }));
  cases.push(c('10 MB DFU file, one byte flipped', 'BUNDLE_HASH_MISMATCH', () => {
    const dfu = buildDfuFile(deterministicBytes(TEN_MB - 0x2000, 8), { vendorId: 0x0483, productId: 0xdf11, bcdDevice: 0xffff });
    const manifest = { ...context.manifest, images: [{ file: 'images/app.dfu', protocol: 'dfu', address: 0x1000_0000, sizeBytes: dfu.length, sha256: sha256Hex(dfu) }] };
    return context.handmade(manifest, [{ name: 'images/app.dfu', data: flipped(dfu, 12345) }]);
  }));
  return cases;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function envelopeOf(bundle: Uint8Array): Uint8Array {
  return readBundleArchive(bundle).find((entry) => entry.name === 'manifest.dsse.json')!.data;
}

/** The same bundle with the data of two entries exchanged (names, envelope and signature untouched). */
function withSwappedData(bundle: Uint8Array, first: string, second: string): Uint8Array {
  const entries = readBundleArchive(bundle);
  const lookup = (name: string) => entries.find((entry) => entry.name === name)!.data;
  return writeBundleArchive(entries.map((entry) => ({ name: entry.name, data: entry.name === first ? lookup(second) : entry.name === second ? lookup(first) : entry.data })));
}
