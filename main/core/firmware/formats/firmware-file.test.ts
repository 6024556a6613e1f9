import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test-support/temp-dir';
import { buildMcubootImage } from '../mcuboot/mcuboot-image-builder';
import { deterministicBytes } from '../test-support/bundle-fixture';
import { codeOf, refusalOf } from '../test-support/expect-refusal';
import { buildDfuFile } from '../../drivers/dfu/dfu-suffix';
import { parseDfuSuffix } from './dfu-suffix';
import { inspectFirmwareFile, verifyFirmwareFile } from './firmware-file';
import { buildUf2File } from '../../drivers/uf2/uf2-file-builder';
import { parseUf2File } from './uf2-file';

const temp = makeTempDir();
afterAll(() => temp.remove());
const payload = deterministicBytes(1000, 3);

describe('bare firmware files', () => {
  it('inspects an MCUboot image and verifies it only against the key that signed it', () => {
    const pair = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519');
    const image = buildMcubootImage({ body: payload, securityCounter: 4, signingKey: pair.privateKey });
    expect(inspectFirmwareFile(image)).toMatchObject({ format: 'mcuboot', version: '1.0.0', securityCounter: 4, signatureType: 0x24, bodyBytes: 1000 });
    expect(verifyFirmwareFile(image, pair.publicKey).format).toBe('mcuboot');
    expect(codeOf(() => verifyFirmwareFile(image, other.publicKey))).toBe('IMAGE_KEY_UNKNOWN');
  });

  it('reads UF2 files block by block (protocols.md §4)', () => {
    const uf2 = buildUf2File(payload, { baseAddress: 0x1000_0000, familyId: 0xe48bff56 });
    // The UF2 driver's builder pads the last block to a full 256-byte payload, as uf2conv does.
    expect(parseUf2File(uf2)).toEqual({ blockCount: 4, familyIds: [0xe48bff56], payloadBytes: 1024, addressStart: 0x1000_0000, addressEnd: 0x1000_0000 + 1024 });
    expect(codeOf(() => parseUf2File(uf2.subarray(0, 1024)))).toBe('IMAGE_TRUNCATED');
    expect(codeOf(() => parseUf2File(uf2.subarray(0, 1000)))).toBe('IMAGE_TRUNCATED');
    const swapped = new Uint8Array([...uf2.subarray(512, 1024), ...uf2.subarray(0, 512), ...uf2.subarray(1024)]);
    expect(refusalOf(() => parseUf2File(swapped)).message).toMatch(/expected block 0/);
    expect(codeOf(() => verifyFirmwareFile(uf2, generateKeyPairSync('ed25519').publicKey))).toBe('IMAGE_SIGNATURE_MISSING');
  });

  it('reads DFU files written by dfu-util’s dfu-suffix, and names a bad CRC (protocols.md §3)', () => {
    const theirs = join(temp.path, 'theirs.dfu');
    writeFileSync(theirs, payload);
    execFileSync('dfu-suffix', ['-v', '0x1209', '-p', '0x70d0', '-a', theirs]);
    expect(parseDfuSuffix(new Uint8Array(readFileSync(theirs)))).toMatchObject({ vendorId: 0x1209, productId: 0x70d0, payloadBytes: 1000 });
    const damaged = new Uint8Array(readFileSync(theirs));
    damaged[5]! ^= 0xff;
    expect(refusalOf(() => inspectFirmwareFile(damaged))).toMatchObject({ code: 'IMAGE_CRC_MISMATCH', message: expect.stringMatching(/^DFU suffix: /) as unknown });
    expect(codeOf(() => inspectFirmwareFile(buildDfuFile(payload, { vendorId: 1, productId: 2, bcdDevice: 0xffff, dfuVersion: 0x0200 })))).toBe('IMAGE_INVALID');
  });

  it('names the markers it looked for when it recognises nothing', () => {
    expect(refusalOf(() => inspectFirmwareFile(payload)).message).toMatch(/^file format: not an MCUboot image/);
  });

  it('property: arbitrary bytes, and damaged UF2 and DFU files, give a typed refusal, never a crash', () => {
    const uf2 = buildUf2File(payload, { baseAddress: 0, familyId: 0xe48bff56 });
    const dfu = buildDfuFile(payload, { vendorId: 1, productId: 2, bcdDevice: 0xffff });
    const damage = (file: Uint8Array) => fc.tuple(fc.nat({ max: file.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([offset, xor]) => {
      const copy = file.slice();
      copy[offset]! ^= xor;
      return copy;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2048 }), damage(uf2), damage(dfu)), (bytes) => {
        try {
          inspectFirmwareFile(bytes);
        } catch (error: unknown) {
          expect(refusalOf(() => { throw error; }).code).toMatch(/^IMAGE_/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
