import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test-support/temp-dir';
import { FIRMWARE_LIMITS } from '../firmware-limits';
import { codeOf, refusalOf } from '../test-support/expect-refusal';
import { readBundleArchive } from './tar-reader';
import { encodeTarHeader, writeBundleArchive } from './tar-writer';

const data = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));
const entries = [
  { name: 'manifest.dsse.json', data: data('{}') },
  { name: 'images/app.bin', data: new Uint8Array(1000).fill(7) },
];

let temp: ReturnType<typeof makeTempDir> | undefined;
afterEach(() => temp?.remove());

describe('bundle archive (POSIX ustar)', () => {
  it('reads back what it writes, as views with the exact bytes', () => {
    const read = readBundleArchive(writeBundleArchive(entries));
    expect(read.map((entry) => [entry.name, Buffer.from(entry.data).toString('hex')])).toEqual(entries.map((entry) => [entry.name, Buffer.from(entry.data).toString('hex')]));
  });

  it('interoperates with GNU tar in both directions', () => {
    temp = makeTempDir();
    const ours = join(temp.path, 'ours.tar');
    writeFileSync(ours, writeBundleArchive(entries));
    expect(execFileSync('tar', ['-tf', ours], { encoding: 'utf8' }).trim().split('\n')).toEqual(['manifest.dsse.json', 'images/app.bin']);
    const source = join(temp.path, 'src');
    mkdirSync(join(source, 'images'), { recursive: true });
    writeFileSync(join(source, 'manifest.dsse.json'), '{}');
    writeFileSync(join(source, 'images', 'app.bin'), Buffer.alloc(1000, 7));
    const theirs = join(temp.path, 'theirs.tar');
    execFileSync('tar', ['--format=ustar', '-C', source, '-cf', theirs, 'manifest.dsse.json', 'images']);
    const read = readBundleArchive(new Uint8Array(readFileSync(theirs)));
    expect(read.map((entry) => [entry.name, entry.data.length])).toEqual([['manifest.dsse.json', 2], ['images/app.bin', 1000]]);
  });

  it.each([
    ['../escape', 'BUNDLE_UNSAFE_PATH'],
    ['/etc/passwd', 'BUNDLE_UNSAFE_PATH'],
    ['images/../../x', 'BUNDLE_UNSAFE_PATH'],
    ['images\\app.bin', 'BUNDLE_UNSAFE_PATH'],
    ['C:evil', 'BUNDLE_UNSAFE_PATH'],
    ['a//b', 'BUNDLE_UNSAFE_PATH'],
    ['./a', 'BUNDLE_UNSAFE_PATH'],
  ] as const)('refuses the entry name %j', (name, code) => {
    const error = refusalOf(() => readBundleArchive(writeBundleArchive([{ name, data: data('x') }])));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^archive entry 1 \(offset 0\): /);
  });

  it('refuses links and devices, and extended headers that could rename entries', () => {
    expect(codeOf(() => readBundleArchive(writeBundleArchive([{ name: 'a', typeflag: '2', linkname: '/etc/passwd' }])))).toBe('BUNDLE_UNSAFE_PATH');
    expect(codeOf(() => readBundleArchive(writeBundleArchive([{ name: 'a', typeflag: '1', linkname: 'b' }])))).toBe('BUNDLE_UNSAFE_PATH');
    expect(codeOf(() => readBundleArchive(writeBundleArchive([{ name: 'a', typeflag: '3' }])))).toBe('BUNDLE_UNSAFE_PATH');
    expect(codeOf(() => readBundleArchive(writeBundleArchive([{ name: 'a', typeflag: 'x', data: data('path=../x\n') }])))).toBe('BUNDLE_ARCHIVE_INVALID');
    expect(codeOf(() => readBundleArchive(writeBundleArchive([{ name: 'x', prefix: '..' }])))).toBe('BUNDLE_UNSAFE_PATH');
  });

  it('refuses duplicates (also differing only in case), truncation, trailing data and broken checksums', () => {
    expect(codeOf(() => readBundleArchive(writeBundleArchive([...entries, { name: 'Images/App.bin', data: data('x') }])))).toBe('BUNDLE_DUPLICATE_ENTRY');
    const archive = writeBundleArchive(entries);
    expect(codeOf(() => readBundleArchive(archive.subarray(0, archive.length - 512)))).toBe('BUNDLE_TRUNCATED');
    expect(codeOf(() => readBundleArchive(archive.subarray(0, 1500)))).toBe('BUNDLE_TRUNCATED');
    expect(codeOf(() => readBundleArchive(new Uint8Array(0)))).toBe('BUNDLE_TRUNCATED');
    expect(codeOf(() => readBundleArchive(new Uint8Array(Buffer.concat([archive, Buffer.from('junk')]))))).toBe('BUNDLE_PADDED');
    expect(readBundleArchive(new Uint8Array(Buffer.concat([archive, Buffer.alloc(8192)])))).toHaveLength(2);
    const tampered = archive.slice();
    tampered[10] = 0x41;
    expect(refusalOf(() => readBundleArchive(tampered)).message).toMatch(/header checksum/);
  });

  it('refuses over-limit archives before reading them', () => {
    const many = Array.from({ length: FIRMWARE_LIMITS.archiveEntries + 1 }, (_, index) => ({ name: `f${index}` }));
    expect(codeOf(() => readBundleArchive(writeBundleArchive(many)))).toBe('BUNDLE_ARCHIVE_TOO_LARGE');
    const liar = new Uint8Array(Buffer.concat([encodeTarHeader({ name: 'big' }, 0o77777777777), Buffer.alloc(1024)]));
    expect(codeOf(() => readBundleArchive(liar))).toBe('BUNDLE_TRUNCATED');
  });

  it('property: arbitrary bytes give a typed refusal, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        try {
          readBundleArchive(bytes);
        } catch (error: unknown) {
          expect(refusalOf(() => { throw error; }).code).toMatch(/^BUNDLE_/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: damage to any byte outside file data is refused; inside file data it is left to the hashes', () => {
    const archive = writeBundleArchive(entries);
    const dataRanges = readBundleArchive(archive).map((entry) => [entry.data.byteOffset, entry.data.byteOffset + entry.data.length]);
    fc.assert(
      fc.property(fc.nat({ max: archive.length - 1 }), fc.integer({ min: 1, max: 255 }), (offset, xor) => {
        const damaged = archive.slice();
        damaged[offset]! ^= xor;
        if (dataRanges.some(([start, end]) => offset >= start! && offset < end!)) {
          expect(readBundleArchive(damaged).map((entry) => entry.name)).toEqual(entries.map((entry) => entry.name));
        } else {
          expect(codeOf(() => readBundleArchive(damaged))).toMatch(/^BUNDLE_/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
