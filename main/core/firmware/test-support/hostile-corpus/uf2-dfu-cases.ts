import { createHash } from 'node:crypto';
import type { ErrorCode } from '../../../../../shared/errors';
import { buildDfuFile, dfuFileCrc } from '../../../drivers/dfu/dfu-suffix';
import { buildUf2File } from '../../../drivers/uf2/uf2-file-builder';
import { deterministicBytes } from '../bundle-fixture';
import type { CorpusContext } from './corpus-context';
import { bareFileCase, bundleCase, type HostileCase } from './hostile-case';

const UF2_ADDRESS = 0x1000_0000;
interface FileMutation {
  name: string;
  code: ErrorCode;
  build: () => Uint8Array;
}

const setWord = (file: Uint8Array, offset: number, value: number): Uint8Array => {
  const copy = file.slice();
  new DataView(copy.buffer).setUint32(offset, value >>> 0, true);
  return copy;
};

function uf2Mutations(): FileMutation[] {
  const uf2 = () => buildUf2File(deterministicBytes(2000, 31), { baseAddress: UF2_ADDRESS, familyId: 0xada52840 });
  const m = (name: string, code: ErrorCode, build: () => Uint8Array): FileMutation => ({ name, code, build });
  return [
    m('first start magic wrong', 'IMAGE_INVALID', () => setWord(uf2(), 512, 0x0a324654)),
    m('second start magic wrong', 'IMAGE_INVALID', () => setWord(uf2(), 4, 0)),
    m('end magic wrong', 'IMAGE_INVALID', () => setWord(uf2(), 1024 + 508, 0x0ab16f31)),
    m('payload size 0', 'IMAGE_INVALID', () => setWord(uf2(), 16, 0)),
    m('payload size 477', 'IMAGE_INVALID', () => setWord(uf2(), 16, 477)),
    m('blocks out of order', 'IMAGE_INVALID', () => { const file = uf2(); return new Uint8Array([...file.subarray(512, 1024), ...file.subarray(0, 512), ...file.subarray(1024)]); }),
    m('a block repeated', 'IMAGE_INVALID', () => { const file = uf2(); return new Uint8Array([...file.subarray(0, 1024), ...file.subarray(512)]); }),
    m('block count changing mid-file', 'IMAGE_INVALID', () => setWord(uf2(), 2 * 512 + 24, 99)),
    m('block number beyond the count', 'IMAGE_INVALID', () => setWord(uf2(), 24, 0)),
    m('last block missing', 'IMAGE_TRUNCATED', () => uf2().subarray(0, -512)),
    m('size not a multiple of 512', 'IMAGE_TRUNCATED', () => uf2().subarray(0, -100)),
    m('file-container block', 'IMAGE_INVALID', () => setWord(uf2(), 8, 0x1000)),
    m('block writing past 4 GiB', 'IMAGE_INVALID', () => setWord(uf2(), 3 * 512 + 12, 0xffff_ff80)),
  ];
}

function dfuMutations(): FileMutation[] {
  const dfu = () => buildDfuFile(deterministicBytes(3000, 32), { vendorId: 0x0483, productId: 0xdf11, bcdDevice: 0xffff });
  /** Changes one suffix byte (counted from the end), then optionally writes a CRC that fits again. */
  const patch = (offsetFromEnd: number, value: number, fixCrc: boolean) => () => {
    const file = dfu();
    file[file.length - offsetFromEnd]! ^= value;
    if (fixCrc) new DataView(file.buffer).setUint32(file.length - 4, dfuFileCrc(file.subarray(0, file.length - 4)), true);
    return file;
  };
  const m = (name: string, code: ErrorCode, build: () => Uint8Array): FileMutation => ({ name, code, build });
  return [
    m('payload byte flipped (CRC mismatch)', 'IMAGE_CRC_MISMATCH', () => { const file = dfu(); file[100]! ^= 0x01; return file; }),
    m('stored CRC changed', 'IMAGE_CRC_MISMATCH', patch(1, 0x80, false)),
    m('product id changed after the CRC', 'IMAGE_CRC_MISMATCH', patch(14, 0x01, false)),
    m('bLength changed after the CRC', 'IMAGE_CRC_MISMATCH', patch(5, 16 ^ 255, false)),
    m('bLength 15 with a fitting CRC', 'IMAGE_INVALID', patch(5, 16 ^ 15, true)),
    m('bcdDFU 0x0200 with a fitting CRC', 'IMAGE_INVALID', patch(9, 0x03, true)),
    m('signature "UFE" with a fitting CRC', 'IMAGE_INVALID', patch(6, 0x44 ^ 0x45, true)),
    m('suffix alone, no firmware', 'IMAGE_INVALID', () => buildDfuFile(new Uint8Array(0), { vendorId: 1, productId: 2, bcdDevice: 0xffff })),
  ];
}

/** UF2 blocks (protocols.md §4) and DFU suffixes (§3), each broken file inside a bundle and bare. */
export function uf2DfuCases(context: CorpusContext): HostileCase[] {
  const inBundle = (mutation: FileMutation, protocol: 'uf2' | 'dfu'): HostileCase =>
    bundleCase(context.keys, 'uf2-dfu', `${protocol.toUpperCase()} in bundle: ${mutation.name}`, mutation.code, () => {
      const bytes = mutation.build();
      const file = `images/app.${protocol}`;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      return context.handmade({ ...context.manifest, images: [{ file, protocol, address: UF2_ADDRESS, sizeBytes: bytes.length, sha256 }] }, [{ name: file, data: bytes }]);
    });
  const cases: HostileCase[] = [];
  for (const mutation of uf2Mutations()) cases.push(inBundle(mutation, 'uf2'), bareFileCase(`bare UF2: ${mutation.name}`, mutation.code, mutation.build));
  for (const mutation of dfuMutations()) cases.push(inBundle(mutation, 'dfu'), bareFileCase(`bare DFU: ${mutation.name}`, mutation.code, mutation.build));
  cases.push(
    inBundle({ name: 'blocks start elsewhere than the manifest says', code: 'IMAGE_INVALID', build: () => buildUf2File(deterministicBytes(600, 3), { baseAddress: UF2_ADDRESS + 0x1000, familyId: 0xe48bff56 }) }, 'uf2'),
    inBundle({ name: 'only blocks marked "not main flash"', code: 'IMAGE_INVALID', build: () => setWord(buildUf2File(deterministicBytes(200, 3), { baseAddress: UF2_ADDRESS, familyId: 0xe48bff56 }), 8, 0x1) }, 'uf2'),
    inBundle({ name: 'an MCUboot image where a DFU file belongs', code: 'IMAGE_INVALID', build: () => context.image }, 'dfu'),
    bareFileCase('bare file: empty', 'IMAGE_INVALID', () => new Uint8Array(0)),
    bareFileCase('bare file: 4 KiB of random bytes', 'IMAGE_INVALID', () => deterministicBytes(4096, 33)),
    bareFileCase('bare file: 15 bytes ending in "UFD…"', 'IMAGE_INVALID', () => new Uint8Array([...new Uint8Array(7), 0x55, 0x46, 0x44, 16, 0, 0, 0, 0])),
    bareFileCase('bare file: 10 MB MCUboot-looking file with a broken layout', 'IMAGE_TRUNCATED', () => {
      const file = deterministicBytes(10 * 1024 * 1024, 34);
      file.set([0x3d, 0xb8, 0xf3, 0x96, 0, 0, 0, 0, 0x00, 0x02, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]);
      return file;
    }),
  );
  return cases;
}
