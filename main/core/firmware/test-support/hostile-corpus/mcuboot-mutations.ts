import { constants, sign, type KeyObject } from 'node:crypto';
import type { ErrorCode } from '../../../../../shared/errors';
import { keyAlgorithmOf, mcubootKeyHashOf } from '../../keys/key-identity';
import { assembleMcubootImage, type McubootAssembly, type McubootTlvSpec } from '../../mcuboot/mcuboot-image-builder';
import { McubootTlv } from '../../mcuboot/mcuboot-layout';
import { signatureTlvType, signMcubootImage } from '../../mcuboot/mcuboot-signature';
import { buildUf2File } from '../../../drivers/uf2/uf2-file-builder';
import { deterministicBytes } from '../bundle-fixture';
import type { TestKey, TestKeyring } from '../test-keyring';

/** A broken MCUboot image, the code a bundle check gives it, and the code `image verify --key` gives it. */
export interface McubootMutation {
  name: string;
  build: () => Uint8Array;
  bundleCode: ErrorCode;
  bareCode: ErrorCode;
  /** The key `image verify` is run with (the image key the mutation started from). */
  bareKey: KeyObject;
}

const u32 = (value: number): Uint8Array => new Uint8Array(new Uint32Array([value]).buffer);
const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const counterTlv = (value: number): McubootTlvSpec => ({ type: McubootTlv.securityCounter, value: u32(value) });

/** Signs like imgtool, then lets `edit` change the TLV list and `assembly` any header field. */
export function mutatedImage(signer: TestKey, edit: (tlvs: McubootTlvSpec[], region: Uint8Array, digest: Uint8Array) => McubootTlvSpec[] = (tlvs) => tlvs, assembly: Partial<McubootAssembly> = {}, keyHashOf: TestKey = signer): Uint8Array {
  const algorithm = keyAlgorithmOf(signer.privateKey)!;
  return assembleMcubootImage({
    body: deterministicBytes(2048, 21),
    version: { major: 1, minor: 4, revision: 0, build: 0 },
    protectedTlvs: [counterTlv(5)],
    unprotectedTlvs: (region, digest) =>
      edit(
        [
          { type: McubootTlv.sha256, value: digest },
          { type: McubootTlv.keyHash, value: hex(mcubootKeyHashOf(keyHashOf.publicKey)) },
          { type: signatureTlvType(algorithm), value: signMcubootImage(signer.privateKey, algorithm, region, digest) },
        ],
        region,
        digest,
      ),
    ...assembly,
  });
}

const patched = (bytes: Uint8Array, offset: number, value: number): Uint8Array => {
  const copy = bytes.slice();
  copy[offset < 0 ? copy.length + offset : offset]! ^= value;
  return copy;
};
const replaceType = (type: number, value: (old: Uint8Array) => Uint8Array) => (tlvs: McubootTlvSpec[]) => tlvs.map((tlv) => (tlv.type === type ? { type, value: value(tlv.value) } : tlv));
const without = (type: number) => (tlvs: McubootTlvSpec[]) => tlvs.filter((tlv) => tlv.type !== type);

export function mcubootMutations(keys: TestKeyring): McubootMutation[] {
  const ed = keys.imageEd25519;
  const m = (name: string, bundleCode: ErrorCode, build: () => Uint8Array, bareCode: ErrorCode = bundleCode, bareKey: KeyObject = ed.publicKey): McubootMutation => ({ name, build, bundleCode, bareCode, bareKey });
  const mutations: McubootMutation[] = [];
  for (const signer of [keys.imageEd25519, keys.imageP256, keys.imageRsa2048]) {
    const sigType = signatureTlvType(keyAlgorithmOf(signer.privateKey)!);
    const k = (name: string, code: ErrorCode, build: () => Uint8Array) => m(`${name} (${signer.name})`, code, build, code, signer.publicKey);
    mutations.push(
      k('body byte flipped after signing', 'IMAGE_HASH_MISMATCH', () => patched(mutatedImage(signer), 0x200 + 100, 0x01)),
      k('header version changed after signing', 'IMAGE_HASH_MISMATCH', () => patched(mutatedImage(signer), 21, 0x01)),
      k('header padding byte changed after signing', 'IMAGE_HASH_MISMATCH', () => patched(mutatedImage(signer), 40, 0xff)),
      k('protected security counter changed after signing', 'IMAGE_HASH_MISMATCH', () => patched(mutatedImage(signer), 0x200 + 2048 + 8, 0x01)),
      k('signature byte flipped', 'IMAGE_SIGNATURE_INVALID', () => mutatedImage(signer, replaceType(sigType, (old) => patched(old, 10, 0x01)))),
      k('signature truncated by one byte', 'IMAGE_SIGNATURE_INVALID', () => mutatedImage(signer, replaceType(sigType, (old) => old.subarray(0, -1)))),
      k('last TLV byte missing', 'IMAGE_TRUNCATED', () => mutatedImage(signer).subarray(0, -1)),
      k('padded with 0xff to a sector', 'IMAGE_INVALID', () => new Uint8Array([...mutatedImage(signer), ...new Uint8Array(4096).fill(0xff)])),
    );
  }
  const p256 = keys.imageP256;
  const rsa = keys.imageRsa2048;
  mutations.push(
    m('bad magic', 'IMAGE_INVALID', () => patched(mutatedImage(ed), 0, 0xff)),
    m('header size field 16', 'IMAGE_INVALID', () => mutatedImage(ed, undefined, { headerBytes: 0x200 }).map((byte, index) => (index === 8 ? 16 : index === 9 ? 0 : byte))),
    m('image size field beyond the file', 'IMAGE_TRUNCATED', () => mutatedImage(ed, undefined, { bodyBytesField: 1 << 20 })),
    m('image size field 100 bytes short', 'IMAGE_INVALID', () => mutatedImage(ed, undefined, { bodyBytesField: 2048 - 100 })),
    m('protected TLV size field without a protected area', 'IMAGE_INVALID', () => mutatedImage(ed, undefined, { protectedTlvs: [], protectedTlvBytesField: 12 })),
    m('protected TLV size field 2', 'IMAGE_INVALID', () => mutatedImage(ed, undefined, { protectedTlvBytesField: 2 })),
    m('TLV info magic 0x6906', 'IMAGE_INVALID', () => patched(mutatedImage(ed), 0x200 + 2048 + 12, 0x01)),
    m('TLV info total 2', 'IMAGE_INVALID', () => { const bytes = mutatedImage(ed); bytes.set([2, 0], 0x200 + 2048 + 12 + 2); return bytes; }),
    m('TLV entry length past the area', 'IMAGE_INVALID', () => { const bytes = mutatedImage(ed); bytes.set([0xff, 0x00], 0x200 + 2048 + 12 + 4 + 2); return bytes; }),
    m('no SHA256 TLV', 'IMAGE_INVALID', () => mutatedImage(ed, without(McubootTlv.sha256))),
    m('two SHA256 TLVs', 'IMAGE_INVALID', () => mutatedImage(ed, (tlvs) => [tlvs[0]!, ...tlvs])),
    m('SHA256 TLV of 31 bytes', 'IMAGE_INVALID', () => mutatedImage(ed, replaceType(McubootTlv.sha256, (old) => old.subarray(1)))),
    m('SHA256 TLV of all zeros', 'IMAGE_HASH_MISMATCH', () => mutatedImage(ed, replaceType(McubootTlv.sha256, () => new Uint8Array(32)))),
    m('unsigned (SHA256 only)', 'IMAGE_SIGNATURE_MISSING', () => mutatedImage(ed, (tlvs) => tlvs.slice(0, 1))),
    m('no KEYHASH TLV', 'IMAGE_INVALID', () => mutatedImage(ed, without(McubootTlv.keyHash))),
    m('KEYHASH of 31 bytes', 'IMAGE_INVALID', () => mutatedImage(ed, replaceType(McubootTlv.keyHash, (old) => old.subarray(1)))),
    m('both KEYHASH and PUBKEY', 'IMAGE_INVALID', () => mutatedImage(ed, (tlvs) => [...tlvs, { type: McubootTlv.publicKey, value: new Uint8Array(ed.publicKey.export({ type: 'spki', format: 'der' })) }])),
    m('two signature TLVs', 'IMAGE_INVALID', () => mutatedImage(ed, (tlvs) => [...tlvs, tlvs[2]!])),
    m('signed by an unknown image key', 'IMAGE_KEY_UNKNOWN', () => mutatedImage(keys.imageUnknown)),
    m('signed by a revoked image key', 'IMAGE_KEY_REVOKED', () => mutatedImage(keys.imageRevoked), 'IMAGE_KEY_UNKNOWN'),
    m('signed by a release key', 'IMAGE_KEY_UNKNOWN', () => mutatedImage(keys.releaseEd25519)),
    m('Ed25519 signature under the P-256 key’s KEYHASH', 'IMAGE_SIGNATURE_INVALID', () => mutatedImage(ed, undefined, {}, p256), 'IMAGE_SIGNATURE_INVALID', p256.publicKey),
    m('ECDSA signature by an unknown key under a trusted KEYHASH', 'IMAGE_SIGNATURE_INVALID', () => mutatedImage(keys.imageUnknown, undefined, {}, p256), 'IMAGE_SIGNATURE_INVALID', p256.publicKey),
    m('Ed25519 signature over the region instead of the digest', 'IMAGE_SIGNATURE_INVALID', () => mutatedImage(ed, (tlvs, region) => replaceType(McubootTlv.ed25519, () => new Uint8Array(sign(null, region, ed.privateKey)))(tlvs))),
    m('ECDSA signature with non-zero bytes after the DER', 'IMAGE_SIGNATURE_INVALID', () => mutatedImage(p256, replaceType(McubootTlv.ecdsaP256, (old) => new Uint8Array([...old, 1]))), 'IMAGE_SIGNATURE_INVALID', p256.publicKey),
    m('ECDSA signature as raw r‖s instead of DER', 'IMAGE_SIGNATURE_INVALID', () =>
      mutatedImage(p256, (tlvs, region) => replaceType(McubootTlv.ecdsaP256, () => new Uint8Array(sign('sha256', region, { key: p256.privateKey, dsaEncoding: 'ieee-p1363' })))(tlvs)), 'IMAGE_SIGNATURE_INVALID', p256.publicKey),
    m('RSA signature with PKCS#1 v1.5 padding', 'IMAGE_SIGNATURE_INVALID', () =>
      mutatedImage(rsa, (tlvs, region) => replaceType(McubootTlv.rsa2048Pss, () => new Uint8Array(sign('sha256', region, rsa.privateKey)))(tlvs)), 'IMAGE_SIGNATURE_INVALID', rsa.publicKey),
    m('RSA-PSS signature with salt length 0', 'IMAGE_SIGNATURE_INVALID', () =>
      mutatedImage(rsa, (tlvs, region) => replaceType(McubootTlv.rsa2048Pss, () => new Uint8Array(sign('sha256', region, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 0 })))(tlvs)), 'IMAGE_SIGNATURE_INVALID', rsa.publicKey),
    m('security counter TLV in the unprotected area', 'IMAGE_INVALID', () => mutatedImage(ed, (tlvs) => [...tlvs, counterTlv(9)], { protectedTlvs: [] })),
    m('security counter TLV of 2 bytes', 'IMAGE_INVALID', () => mutatedImage(ed, undefined, { protectedTlvs: [{ type: McubootTlv.securityCounter, value: new Uint8Array(2) }] })),
    m('SHA256 TLV in the protected area', 'IMAGE_INVALID', () => mutatedImage(ed, undefined, { protectedTlvs: [counterTlv(5), { type: McubootTlv.sha256, value: new Uint8Array(32) }] })),
    m('encrypted-image flag', 'IMAGE_INVALID', () => mutatedImage(ed, undefined, { flags: 0x04 })),
    m('65 TLVs', 'IMAGE_INVALID', () => mutatedImage(ed, (tlvs) => [...tlvs, ...Array.from({ length: 62 }, () => ({ type: 0x7f, value: new Uint8Array(1) }))])),
    m('31 bytes starting with the magic', 'IMAGE_TRUNCATED', () => mutatedImage(ed).subarray(0, 31)),
    m('header alone', 'IMAGE_TRUNCATED', () => mutatedImage(ed).subarray(0, 0x200)),
    m('a UF2 file where an MCUboot image belongs', 'IMAGE_INVALID', () => buildUf2File(deterministicBytes(600, 2), { baseAddress: 0, familyId: 0xe48bff56 }), 'IMAGE_SIGNATURE_MISSING'),
  );
  return mutations;
}
