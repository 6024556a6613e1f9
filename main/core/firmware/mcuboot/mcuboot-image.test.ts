import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test-support/temp-dir';
import { mcubootKeyHashOf, keyAlgorithmOf } from '../keys/key-identity';
import { deterministicBytes } from '../test-support/bundle-fixture';
import { codeOf, refusalOf } from '../test-support/expect-refusal';
import { checkMcubootImage, type ImageKeyCandidate } from './check-mcuboot-image';
import { assembleMcubootImage, buildMcubootImage } from './mcuboot-image-builder';
import { parseMcubootImage } from './mcuboot-image-parser';
import { McubootTlv } from './mcuboot-layout';

const pairs = {
  ed25519: generateKeyPairSync('ed25519'),
  p256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  rsa2048: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
const candidate = (name: keyof typeof pairs): ImageKeyCandidate => {
  const { publicKey } = pairs[name];
  return { name, publicKey, mcubootKeyHash: mcubootKeyHashOf(publicKey), algorithm: keyAlgorithmOf(publicKey)! };
};
const body = deterministicBytes(3000, 9);
const temp = makeTempDir();
afterAll(() => temp.remove());

describe('MCUboot images (protocols.md §2)', () => {
  it.each(['ed25519', 'p256', 'rsa2048'] as const)('builds, parses and verifies a %s-signed image with a security counter', (name) => {
    const bytes = buildMcubootImage({ body, version: { major: 2, minor: 1, revision: 3, build: 4 }, securityCounter: 9, signingKey: pairs[name].privateKey });
    const image = parseMcubootImage(bytes);
    expect(image).toMatchObject({ headerBytes: 0x200, bodyBytes: 3000, version: { major: 2, minor: 1, revision: 3, build: 4 }, securityCounter: 9 });
    const check = checkMcubootImage(bytes, image, { usable: [candidate('ed25519'), candidate('p256'), candidate('rsa2048')], revoked: [] });
    expect(check.signer.name).toBe(name);
    expect(check.digestHex).toBe(createHash('sha256').update(bytes.subarray(0, 0x200 + 3000 + 12)).digest('hex'));
  });

  it('signs what protocols.md says, checked by OpenSSL: Ed25519 over the digest, ECDSA and RSA-PSS over the region', () => {
    const verifyWithOpenssl = (name: keyof typeof pairs, args: (paths: { key: string; sig: string; data: string }) => string[], data: Uint8Array, sig: Uint8Array): string => {
      const paths = { key: join(temp.path, `${name}.pem`), sig: join(temp.path, `${name}.sig`), data: join(temp.path, `${name}.data`) };
      writeFileSync(paths.key, pairs[name].publicKey.export({ type: 'spki', format: 'pem' }));
      writeFileSync(paths.sig, sig);
      writeFileSync(paths.data, data);
      return execFileSync('openssl', args(paths), { encoding: 'utf8' });
    };
    for (const name of ['ed25519', 'p256', 'rsa2048'] as const) {
      const bytes = buildMcubootImage({ body, signingKey: pairs[name].privateKey });
      const image = parseMcubootImage(bytes);
      const region = bytes.subarray(0, image.hashedRegionEnd);
      const signature = image.tlvs.find((entry) => [McubootTlv.ed25519, McubootTlv.ecdsaP256, McubootTlv.rsa2048Pss].includes(entry.type as 0x24))!.value;
      const output =
        name === 'ed25519'
          ? verifyWithOpenssl(name, (p) => ['pkeyutl', '-verify', '-pubin', '-inkey', p.key, '-rawin', '-in', p.data, '-sigfile', p.sig], createHash('sha256').update(region).digest(), signature)
          : name === 'p256'
            ? verifyWithOpenssl(name, (p) => ['dgst', '-sha256', '-verify', p.key, '-signature', p.sig, p.data], region, signature)
            : verifyWithOpenssl(name, (p) => ['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-verify', p.key, '-signature', p.sig, p.data], region, signature);
      expect(output).toMatch(/Verified OK|Signature Verified Successfully/);
    }
  });

  it('accepts the full public key (PUBKEY TLV) and zero-padded ECDSA signatures of older imgtool', () => {
    const full = buildMcubootImage({ body, signingKey: pairs.rsa2048.privateKey, publicKeyFormat: 'full' });
    expect(checkMcubootImage(full, parseMcubootImage(full), { usable: [candidate('rsa2048')], revoked: [] }).signer.name).toBe('rsa2048');
    const signed = buildMcubootImage({ body, signingKey: pairs.p256.privateKey });
    const tlvs = parseMcubootImage(signed).tlvs.filter((entry) => !entry.isProtected);
    const padded = assembleMcubootImage({
      body,
      protectedTlvs: [],
      unprotectedTlvs: () => tlvs.map((entry) => ({ type: entry.type, value: entry.type === McubootTlv.ecdsaP256 ? new Uint8Array([...entry.value, ...new Uint8Array(72 - entry.value.length)]) : entry.value })),
    });
    expect(checkMcubootImage(padded, parseMcubootImage(padded), { usable: [candidate('p256')], revoked: [] }).signer.name).toBe('p256');
  });

  it('refuses each broken part with its own code and names the check', () => {
    const signed = buildMcubootImage({ body, signingKey: pairs.ed25519.privateKey });
    const keys = { usable: [candidate('ed25519')], revoked: [] };
    const flipped = signed.slice();
    flipped[0x200 + 10]! ^= 1;
    expect(refusalOf(() => checkMcubootImage(flipped, parseMcubootImage(flipped), keys)).message).toMatch(/^MCUboot SHA256 TLV: stores/);
    expect(codeOf(() => checkMcubootImage(flipped, parseMcubootImage(flipped), keys))).toBe('IMAGE_HASH_MISMATCH');
    expect(codeOf(() => checkMcubootImage(signed, parseMcubootImage(signed), { usable: [candidate('p256')], revoked: [] }))).toBe('IMAGE_KEY_UNKNOWN');
    expect(codeOf(() => checkMcubootImage(signed, parseMcubootImage(signed), { usable: [], revoked: [candidate('ed25519')] }))).toBe('IMAGE_KEY_REVOKED');
    const unsigned = buildMcubootImage({ body });
    expect(codeOf(() => checkMcubootImage(unsigned, parseMcubootImage(unsigned), keys))).toBe('IMAGE_SIGNATURE_MISSING');
    expect(codeOf(() => parseMcubootImage(signed.subarray(0, signed.length - 1)))).toBe('IMAGE_TRUNCATED');
    expect(codeOf(() => parseMcubootImage(new Uint8Array([...signed, 0xff])))).toBe('IMAGE_INVALID');
    expect(codeOf(() => parseMcubootImage(new Uint8Array(64)))).toBe('IMAGE_INVALID');
  });

  it('property: arbitrary bytes after a valid magic give a typed refusal, never a crash', () => {
    const magic = [0x3d, 0xb8, 0xf3, 0x96];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), (bytes, withMagic) => {
        const input = withMagic ? new Uint8Array([...magic, ...bytes]) : bytes;
        try {
          const image = parseMcubootImage(input);
          checkMcubootImage(input, image, { usable: [candidate('ed25519')], revoked: [] });
        } catch (error: unknown) {
          expect(refusalOf(() => { throw error; }).code).toMatch(/^IMAGE_/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('property: every single-byte change to a signed image is refused', () => {
    const signed = buildMcubootImage({ body: body.subarray(0, 600), headerBytes: 64, securityCounter: 1, signingKey: pairs.p256.privateKey });
    fc.assert(
      fc.property(fc.nat({ max: signed.length - 1 }), fc.integer({ min: 1, max: 255 }), (offset, xor) => {
        const damaged = signed.slice();
        damaged[offset]! ^= xor;
        expect(codeOf(() => checkMcubootImage(damaged, parseMcubootImage(damaged), { usable: [candidate('p256')], revoked: [] }))).toMatch(/^IMAGE_/);
      }),
      { numRuns: 500 },
    );
  });
});
