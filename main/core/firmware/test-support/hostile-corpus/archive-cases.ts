import { gzipSync } from 'node:zlib';
import { readBundleArchive } from '../../archive/tar-reader';
import { encodeTarHeader, writeBundleArchive, type TarEntrySpec } from '../../archive/tar-writer';
import { tarHeaderChecksum, TarField } from '../../archive/tar-format';
import { FIRMWARE_LIMITS } from '../../firmware-limits';
import { deterministicBytes } from '../bundle-fixture';
import type { CorpusContext } from './corpus-context';
import { bundleCase, type HostileCase } from './hostile-case';

const UNSAFE_NAMES = [
  '../x', '../../etc/passwd', '/etc/passwd', '/abs', 'images/../../x', 'images/../manifest.dsse.json', './images/app.bin',
  'images/./app.bin', 'images//app.bin', 'images\\app.bin', '..\\..\\windows\\system32\\x', 'C:\\x', 'C:x', 'images/app.bin/..',
  '..', '.', 'a/..', 'images/app bin', 'images/app\u00e9.bin', 'name\u0001ctl', '~/.ssh/authorized_keys', `images/${'a'.repeat(70)}`,
  '$HOME/x', '%2e%2e/x',
];

/** Archive structure: paths, links, special entries, headers, truncation, trailing data, duplicates, limits. */
export function archiveCases(context: CorpusContext): HostileCase[] {
  const entries: TarEntrySpec[] = readBundleArchive(context.bundle).map((entry) => ({ name: entry.name, data: entry.data }));
  const archive = (extra: TarEntrySpec[], where: 'before' | 'after' = 'after') => () => writeBundleArchive(where === 'before' ? [...extra, ...entries] : [...entries, ...extra]);
  const c = (name: string, code: Parameters<typeof bundleCase>[3], build: () => Uint8Array) => bundleCase(context.keys, 'archive', name, code, build);
  const cases: HostileCase[] = [];
  for (const unsafe of UNSAFE_NAMES) {
    for (const where of ['before', 'after'] as const) cases.push(c(`entry named ${JSON.stringify(unsafe)} ${where} the manifest`, 'BUNDLE_UNSAFE_PATH', archive([{ name: unsafe, data: new Uint8Array([1]) }], where)));
  }
  for (const prefix of ['..', '/etc', 'images/..']) cases.push(c(`ustar prefix ${JSON.stringify(prefix)}`, 'BUNDLE_UNSAFE_PATH', archive([{ name: 'x', prefix }])));
  cases.push(c('name field with bytes hidden after its NUL', 'BUNDLE_UNSAFE_PATH', archive([{ name: 'a\u0000../x' }])));
  const links: [string, TarEntrySpec][] = [
    ['symlink to /etc/passwd', { name: 'images/passwd', typeflag: '2', linkname: '/etc/passwd' }],
    ['symlink to ../x', { name: 'images/up', typeflag: '2', linkname: '../x' }],
    ['hard link to the manifest', { name: 'images/copy', typeflag: '1', linkname: 'manifest.dsse.json' }],
    ['character device', { name: 'images/tty', typeflag: '3' }],
    ['block device', { name: 'images/sda', typeflag: '4' }],
    ['FIFO', { name: 'images/pipe', typeflag: '6' }],
  ];
  for (const [name, entry] of links) cases.push(c(name, 'BUNDLE_UNSAFE_PATH', archive([entry])));
  cases.push(c('image replaced by a symlink to /dev/zero', 'BUNDLE_UNSAFE_PATH', () => writeBundleArchive([entries[0]!, { name: 'images/app.bin', typeflag: '2', linkname: '/dev/zero' }])));
  for (const [flag, label] of [['x', 'pax header renaming to ../x'], ['g', 'pax global header'], ['L', 'GNU long name'], ['K', 'GNU long link'], ['S', 'GNU sparse file'], ['V', 'volume label'], ['7', 'contiguous file']] as const) {
    cases.push(c(label, 'BUNDLE_ARCHIVE_INVALID', archive([{ name: 'ext', typeflag: flag, data: new Uint8Array(Buffer.from('30 path=../../x\n')) }], 'before')));
  }
  cases.push(...headerDamageCases(context, entries));
  const whole = context.bundle;
  for (const cut of [100, 511, 512, 700, whole.length - 1536, whole.length - 1024, whole.length - 512, whole.length - 1]) {
    cases.push(c(`archive cut at byte ${cut} of ${whole.length}`, 'BUNDLE_TRUNCATED', () => whole.slice(0, cut)));
  }
  cases.push(c('empty file', 'BUNDLE_TRUNCATED', () => new Uint8Array(0)));
  cases.push(c('header declaring 8 GiB of data', 'BUNDLE_TRUNCATED', () => new Uint8Array(Buffer.concat([encodeTarHeader({ name: 'big' }, 0o77777777777), Buffer.alloc(2048)]))));
  cases.push(c('one byte after the end-of-archive marker', 'BUNDLE_PADDED', () => new Uint8Array([...whole, 0x78])));
  cases.push(c('512 random bytes after the end-of-archive marker', 'BUNDLE_PADDED', () => new Uint8Array([...whole, ...deterministicBytes(512, 7)])));
  cases.push(c('a second archive appended', 'BUNDLE_PADDED', () => new Uint8Array([...whole, ...whole])));
  cases.push(c('manifest twice, same bytes', 'BUNDLE_DUPLICATE_ENTRY', archive([entries[0]!])));
  cases.push(c('manifest twice, second one different', 'BUNDLE_DUPLICATE_ENTRY', archive([{ name: 'manifest.dsse.json', data: new Uint8Array(Buffer.from('{}')) }])));
  cases.push(c('image twice', 'BUNDLE_DUPLICATE_ENTRY', archive([{ name: 'images/app.bin', data: deterministicBytes(100, 1) }])));
  cases.push(c('image twice, differing only in case', 'BUNDLE_DUPLICATE_ENTRY', archive([{ name: 'IMAGES/APP.BIN', data: deterministicBytes(100, 1) }])));
  const manyFiles = (count: number) => archive(Array.from({ length: count }, (_, index) => ({ name: `f/${index}` })));
  cases.push(c(`${FIRMWARE_LIMITS.archiveEntries + 1} entries`, 'BUNDLE_ARCHIVE_TOO_LARGE', manyFiles(FIRMWARE_LIMITS.archiveEntries - 1)));
  cases.push(c('10,000 entries', 'BUNDLE_ARCHIVE_TOO_LARGE', manyFiles(10_000)));
  cases.push(c('a bundle one byte over 64 MiB', 'BUNDLE_ARCHIVE_TOO_LARGE', () => new Uint8Array(FIRMWARE_LIMITS.bundleBytes + 1)));
  cases.push(c('4 KiB of random bytes', 'BUNDLE_ARCHIVE_INVALID', () => deterministicBytes(4096, 11)));
  cases.push(c('a ZIP file', 'BUNDLE_ARCHIVE_INVALID', () => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...deterministicBytes(2000, 12)])));
  cases.push(c('a gzip-compressed bundle', 'BUNDLE_ARCHIVE_INVALID', () => new Uint8Array(gzipSync(whole))));
  cases.push(c('a bare MCUboot image instead of a bundle', 'BUNDLE_ARCHIVE_INVALID', () => context.image));
  cases.push(c('the manifest JSON instead of a bundle', 'BUNDLE_ARCHIVE_INVALID', () => new Uint8Array(Buffer.from(JSON.stringify(context.manifest).padEnd(2048)))));
  return cases;
}

function headerDamageCases(context: CorpusContext, entries: TarEntrySpec[]): HostileCase[] {
  const c = (name: string, build: () => Uint8Array) => bundleCase(context.keys, 'archive', name, 'BUNDLE_ARCHIVE_INVALID', build);
  const patch = (edit: (block: Uint8Array) => void, fixChecksum: boolean) => () => {
    const bytes = context.bundle.slice();
    edit(bytes);
    if (fixChecksum) bytes.set(Buffer.from(`${tarHeaderChecksum(bytes.subarray(0, 512)).toString(8).padStart(6, '0')}\0 `, 'latin1'), TarField.checksum.offset);
    return bytes;
  };
  const text = (offset: number, value: string) => (bytes: Uint8Array) => bytes.set(Buffer.from(value, 'latin1'), offset);
  return [
    c('header name changed without fixing the checksum', patch(text(0, 'x'), false)),
    c('header size changed without fixing the checksum', patch(text(TarField.size.offset + 10, '7'), false)),
    c('header mtime changed without fixing the checksum', patch(text(TarField.mtime.offset, '1'), false)),
    c('header checksum field not octal', patch(text(TarField.checksum.offset, '99999\0 '), false)),
    c('GNU magic "ustar  \\0"', patch(text(TarField.magic.offset, 'ustar  \0'), true)),
    c('old V7 header without magic', patch(text(TarField.magic.offset, '\0\0\0\0\0\0\0\0'), true)),
    c('size field with a non-octal digit', patch(text(TarField.size.offset, '0000000009\0'), true)),
    c('base-256 size field', patch((bytes) => bytes.set([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0], TarField.size.offset), true)),
    c('directory entry with data', () => writeBundleArchive([...entries, { name: 'images/dir', typeflag: '5', data: new Uint8Array(10) }])),
    c('non-zero padding after the manifest data', () => {
      const bytes = context.bundle.slice();
      const manifestSize = entries[0]!.data!.length;
      bytes[512 + manifestSize] = 0x41;
      return bytes;
    }),
    c('a lone zero block followed by a header', () => new Uint8Array([...context.bundle.subarray(0, context.bundle.length - 1024), ...new Uint8Array(512), ...encodeTarHeader({ name: 'late' }, 0), ...new Uint8Array(1024)])),
  ];
}
