import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDfuFile } from '../../drivers/dfu/dfu-suffix';
import { buildUf2File } from '../../drivers/uf2/uf2-file-builder';
import { mcubootSource, signedBundle, testDevice, testMcubootImage, TEST_NOW, testRelease, deterministicBytes } from '../test-support/bundle-fixture';
import { codeOf, refusalOf } from '../test-support/expect-refusal';
import { createTestKeyring, TWO_SIGNATURE_PRODUCT, type TestKeyring } from '../test-support/test-keyring';
import { createBundle, signBundle } from './create-bundle';
import { inspectBundle } from './inspect-bundle';
import { verifyBundle, verifyBundleForDevice } from './verify-bundle';

let keys: TestKeyring;
beforeAll(() => {
  keys = createTestKeyring();
});
const forDevice = (bundle: Uint8Array, ledgerSecurityCounter: number | null = null) =>
  verifyBundleForDevice(bundle, { trustStore: keys.trustStore, device: testDevice(), ledgerSecurityCounter, now: TEST_NOW });

describe('verifyBundleForDevice', () => {
  it.each([
    ['releaseEd25519', 'imageEd25519'],
    ['releaseP256', 'imageP256'],
    ['releaseEd25519', 'imageRsa2048'],
  ] as const)('accepts a bundle signed by %s holding an image signed by %s, and returns the exact bytes to write', (releaseKey, imageKey) => {
    const image = testMcubootImage(keys[imageKey]);
    const bundle = signedBundle(testRelease(), [mcubootSource(image)], [keys[releaseKey]]);
    const verified = forDevice(bundle, 4);
    expect(verified.signedBy).toEqual([expect.objectContaining({ name: keys[releaseKey].name, isDevelopment: true })]);
    expect(Buffer.from(verified.images[0]!.bytes).equals(Buffer.from(image))).toBe(true);
    expect(verified.images[0]!.facts).toMatchObject({ format: 'mcuboot', version: '1.4.0', securityCounter: 5, signedBy: keys[imageKey].name });
    expect(verified.bundleSha256).toBe(createHash('sha256').update(bundle).digest('hex'));
    bundle.fill(0);
    expect(Buffer.from(verified.images[0]!.bytes).equals(Buffer.from(image))).toBe(true);
  });

  it('accepts UF2 and DFU images placed in the device flash regions', () => {
    const uf2 = buildUf2File(deterministicBytes(5000, 2), { baseAddress: 0x1000_0000, familyId: 0xe48bff56 });
    const dfu = buildDfuFile(deterministicBytes(3000, 3), { vendorId: 0x0483, productId: 0xdf11, bcdDevice: 0xffff });
    const bundle = signedBundle(testRelease(), [{ file: 'images/app.uf2', protocol: 'uf2', address: 0x1000_0000, bytes: uf2 }, { file: 'images/boot.dfu', protocol: 'dfu', address: 0x8000, bytes: dfu }], [keys.releaseP256]);
    expect(forDevice(bundle).images.map((image) => image.facts.format)).toEqual(['uf2', 'dfu']);
    const noRegions = () => verifyBundleForDevice(bundle, { trustStore: keys.trustStore, device: testDevice({ flashRegions: [] }), ledgerSecurityCounter: null, now: TEST_NOW });
    expect(codeOf(noRegions)).toBe('BUNDLE_TOO_LARGE_FOR_SLOT');
  });

  it('counts distinct release keys toward the product threshold', () => {
    const release = testRelease({ product: TWO_SIGNATURE_PRODUCT });
    const image = mcubootSource(testMcubootImage(keys.imageEd25519));
    const once = signedBundle(release, [image], [keys.releaseEd25519]);
    expect(refusalOf(() => forDevice(once)).message).toMatch(/needs 2 signatures/);
    expect(codeOf(() => forDevice(signBundle(once, keys.releaseEd25519.privateKey)))).toBe('BUNDLE_SIGNATURE_MISSING');
    expect(forDevice(signBundle(once, keys.releaseP256.privateKey)).signedBy).toHaveLength(2);
  });

  it('runs the device checks in order, each naming its check', () => {
    const bundle = signedBundle(testRelease(), [mcubootSource(testMcubootImage(keys.imageEd25519))], [keys.releaseEd25519]);
    const check = (device: Parameters<typeof testDevice>[0], ledger: number | null = null) =>
      refusalOf(() => verifyBundleForDevice(bundle, { trustStore: keys.trustStore, device: testDevice(device), ledgerSecurityCounter: ledger, now: TEST_NOW }));
    expect(check({ hardwareId: 'other-board' })).toMatchObject({ code: 'BUNDLE_WRONG_HARDWARE', message: expect.stringMatching(/^hardware id: /) as unknown });
    expect(check({ hardwareRevision: 'C' })).toMatchObject({ code: 'BUNDLE_WRONG_HARDWARE', message: expect.stringMatching(/^hardware revision: /) as unknown });
    expect(check({ securityCounter: 6 })).toMatchObject({ code: 'BUNDLE_ROLLBACK', message: expect.stringMatching(/device's 6/) as unknown });
    expect(check({}, 7)).toMatchObject({ code: 'BUNDLE_ROLLBACK', message: expect.stringMatching(/ledger recorded/) as unknown });
    expect(check({ slotSizes: { 1: 1024 } }).code).toBe('BUNDLE_TOO_LARGE_FOR_SLOT');
    expect(check({ slotSizes: { 0: 1 << 20 } }).code).toBe('BUNDLE_WRONG_HARDWARE');
    const late = () => verifyBundleForDevice(bundle, { trustStore: keys.trustStore, device: testDevice(), ledgerSecurityCounter: null, now: new Date('2026-05-01T00:00:00Z') });
    expect(codeOf(late)).toBe('BUNDLE_EXPIRED');
  });

  it('verifyBundle checks authenticity, expiry and contents without a device', () => {
    const bundle = signedBundle(testRelease({ securityCounter: 0 }), [mcubootSource(testMcubootImage(keys.imageP256))], [keys.releaseP256]);
    expect(verifyBundle(bundle, { trustStore: keys.trustStore, now: TEST_NOW }).manifest.securityCounter).toBe(0);
    expect(codeOf(() => verifyBundle(createBundle(testRelease(), [mcubootSource(testMcubootImage(keys.imageP256))]), { trustStore: keys.trustStore, now: TEST_NOW }))).toBe('BUNDLE_SIGNATURE_MISSING');
  });

  it('inspect reports every signature with its status without requiring any', () => {
    const bundle = signedBundle(testRelease(), [mcubootSource(testMcubootImage(keys.imageP256))], [keys.releaseUnknown, keys.releaseRevokedP256, keys.releaseEd25519]);
    const inspection = inspectBundle(bundle, keys.trustStore);
    expect(inspection.signatures.map((signature) => signature.status)).toEqual(['unknown-key', 'revoked', 'valid']);
    expect(inspection.files).toEqual([{ name: 'images/app.bin', sizeBytes: expect.any(Number) as unknown }]);
  });

  it('property: every single-byte change anywhere in a signed bundle is refused with a bundle or image code', () => {
    const bundle = signedBundle(testRelease(), [mcubootSource(testMcubootImage(keys.imageEd25519, { bodyBytes: 700, headerBytes: 64 }))], [keys.releaseEd25519]);
    fc.assert(
      fc.property(fc.nat({ max: bundle.length - 1 }), fc.integer({ min: 1, max: 255 }), (offset, xor) => {
        const damaged = bundle.slice();
        damaged[offset]! ^= xor;
        expect(codeOf(() => forDevice(damaged))).toMatch(/^(BUNDLE|IMAGE)_/);
      }),
      { numRuns: 1500 },
    );
  });
});
