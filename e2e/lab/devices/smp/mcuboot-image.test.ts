import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { markImageForTest, readImageState } from '../../../../main/core/drivers/smp/image-commands';
import { uploadImage } from '../../../../main/core/drivers/smp/image-upload';
import { resetDevice } from '../../../../main/core/drivers/smp/os-commands';
import { buildMcubootImage } from './mcuboot-image-builder';
import { readMcubootImage } from './mcuboot-image-reader';
import { isSignedByTrustedKey } from './mcuboot-signature';
import { startSmpDeviceFixture, type SmpDeviceFixture } from './smp-lab-device-fixture';

const version = { major: 1, minor: 2, revision: 3, build: 4 };
const body = new Uint8Array(3000).map((_, index) => index & 0xff);
const ed25519 = generateKeyPairSync('ed25519');
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function readOk(image: Uint8Array) {
  const read = readMcubootImage(image);
  if (!read.ok) throw new Error(read.defect);
  return {
    info: read.image,
    region: image.subarray(0, read.image.headerBytes + read.image.bodyBytes + read.image.protectedTlvBytes),
  };
}

describe('MCUboot images in the lab (protocols.md §2)', () => {
  it('builds images whose SHA-256 TLV is the digest of header, body and protected TLVs', () => {
    const { info } = readOk(buildMcubootImage({ version, body, securityCounter: 7 }));
    expect(info.versionText).toBe('1.2.3.4');
    expect(info.hash).toEqual(info.digest);
    expect(info.protectedTlvBytes).toBe(4 + 8);
  });

  it('finds a flipped body byte, a wrong magic and a truncated TLV area', () => {
    const image = buildMcubootImage({ version, body });
    const flipped = new Uint8Array(image);
    flipped[0x200 + 10] = flipped[0x200 + 10]! ^ 1;
    expect(readMcubootImage(flipped)).toEqual({ ok: false, defect: 'hash-mismatch' });
    expect(readMcubootImage(new Uint8Array(64))).toEqual({ ok: false, defect: 'bad-magic' });
    expect(readMcubootImage(image.subarray(0, image.length - 10))).toMatchObject({ ok: false });
  });

  it.each([
    ['Ed25519 over the digest', ed25519],
    ['ECDSA P-256 over the hashed region', p256],
  ])('verifies %s signatures against the trusted key only', (_name, pair) => {
    const { info, region } = readOk(buildMcubootImage({ version, body, signingKey: pair.privateKey }));
    expect(isSignedByTrustedKey(info, region, [pair.publicKey])).toBe(true);
    const other = pair === ed25519 ? p256 : ed25519;
    expect(isSignedByTrustedKey(info, region, [other.publicKey])).toBe(false);
    const unsigned = readOk(buildMcubootImage({ version, body }));
    expect(isSignedByTrustedKey(unsigned.info, unsigned.region, [pair.publicKey])).toBe(false);
  });
});

describe('a lab device with trusted keys', () => {
  let fixture: SmpDeviceFixture;
  afterEach(async () => {
    await fixture.dispose();
  });

  it('boots a signed image and refuses (and erases) an unsigned one at reset', async () => {
    fixture = await startSmpDeviceFixture({
      trustedKeysPem: [ed25519.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
    });
    const tryImage = async (image: Uint8Array): Promise<string> => {
      await uploadImage(fixture.client, image, { deviceBufSizeBytes: 2048 });
      await markImageForTest(fixture.client, readOk(image).info.hash);
      const boot = fixture.nextBoot();
      await resetDevice(fixture.client);
      await boot;
      return (await readImageState(fixture.client))[0]!.version;
    };
    await expect(tryImage(buildMcubootImage({ version: { ...version, major: 3 }, body }))).resolves.toBe(
      '1.0.0',
    );
    expect(await fixture.device.store.readSlot(1)).toBeUndefined();
    await expect(
      tryImage(
        buildMcubootImage({ version: { ...version, major: 4 }, body, signingKey: ed25519.privateKey }),
      ),
    ).resolves.toBe('4.2.3.4');
  });
});
