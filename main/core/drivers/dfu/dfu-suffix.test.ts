import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { makeTempDir } from '../../../test-support/temp-dir';
import {
  buildDfuFile,
  dfuSuffixMatchesDevice,
  hasDfuSuffix,
  parseDfuFile,
  type DfuSuffix,
} from './dfu-suffix';

const ids = { vendorId: 0x1209, productId: 0x0002, bcdDevice: 0x0100 };

describe('DFU file suffix (protocols.md §3)', () => {
  it('builds the 16-byte little-endian suffix with "UFD" and the inverted CRC-32', () => {
    const file = buildDfuFile(Uint8Array.of(1, 2, 3), ids);
    expect(file.length).toBe(19);
    expect([...file.subarray(3, 15)]).toEqual([
      0x00, 0x01, 0x02, 0x00, 0x09, 0x12, 0x00, 0x01, 0x55, 0x46, 0x44, 16,
    ]);
    const { payload, suffix } = parseDfuFile(file);
    expect([...payload]).toEqual([1, 2, 3]);
    expect(suffix).toMatchObject({ ...ids, dfuVersion: 0x0100, lengthBytes: 16 });
  });

  it('round-trips any payload and ids', () => {
    const u16 = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        u16,
        u16,
        u16,
        (payload, vendorId, productId, bcdDevice) => {
          const parsed = parseDfuFile(buildDfuFile(payload, { vendorId, productId, bcdDevice }));
          expect(parsed.payload).toEqual(payload);
          expect(parsed.suffix).toMatchObject({ vendorId, productId, bcdDevice });
        },
      ),
    );
  });

  it('answers arbitrary bytes with a parsed file or FIRMWARE_FILE_INVALID, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseDfuFile(bytes);
        } catch (error: unknown) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('FIRMWARE_FILE_INVALID');
        }
      }),
    );
  });

  it('refuses any single flipped bit of a valid file', () => {
    const file = buildDfuFile(
      Uint8Array.from({ length: 40 }, (_, index) => index),
      ids,
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: file.length * 8 - 1 }), (bit) => {
        const damaged = file.slice();
        damaged[bit >> 3]! ^= 1 << (bit & 7);
        expect(() => parseDfuFile(damaged)).toThrow(
          expect.objectContaining({ code: 'FIRMWARE_FILE_INVALID' }),
        );
      }),
    );
  });

  it('names what is wrong', () => {
    expect(() => parseDfuFile(new Uint8Array(8))).toThrow(/16-byte suffix/);
    expect(() => parseDfuFile(new Uint8Array(32))).toThrow(/signature/);
    const file = buildDfuFile(new Uint8Array(4), ids);
    file[0] = 9;
    expect(() => parseDfuFile(file)).toThrow(/CRC/);
    expect(hasDfuSuffix(file)).toBe(true);
  });

  it('matches devices, with 0xFFFF as "any"', () => {
    const suffix: DfuSuffix = { ...ids, dfuVersion: 0x0100, lengthBytes: 16, crc: 0 };
    expect(dfuSuffixMatchesDevice(suffix, ids)).toBe(true);
    expect(dfuSuffixMatchesDevice(suffix, { ...ids, productId: 1 })).toBe(false);
    expect(
      dfuSuffixMatchesDevice(
        { ...suffix, productId: 0xffff, bcdDevice: 0xffff },
        { ...ids, productId: 1, bcdDevice: 7 },
      ),
    ).toBe(true);
  });
});

// dfu-util's own dfu-suffix (Debian package dfu-util, protocols.md §9) is an independent implementation.
const dfuSuffixTool = ['/usr/bin/dfu-suffix', '/usr/local/bin/dfu-suffix'].find((path) => existsSync(path));

describe.skipIf(dfuSuffixTool === undefined)(
  'DFU suffix against dfu-util’s dfu-suffix (skipped: install the dfu-util package)',
  () => {
    const temp = makeTempDir('fieldline-dfu-suffix-');
    afterAll(() => temp.remove());
    const payload = Uint8Array.from({ length: 1000 }, (_, index) => (index * 7) & 0xff);

    it('dfu-suffix accepts the files we build', () => {
      const path = join(temp.path, 'ours.dfu');
      writeFileSync(path, buildDfuFile(payload, ids));
      const output = execFileSync(dfuSuffixTool!, ['-c', path], { encoding: 'utf8' });
      expect(output).toMatch(/Vendor ID:\s+0x1209/);
      expect(output).toMatch(/Product ID:\s+0x0002/);
    });

    it('we accept the files dfu-suffix builds', () => {
      const path = join(temp.path, 'theirs.dfu');
      writeFileSync(path, payload);
      execFileSync(dfuSuffixTool!, ['-v', '1209', '-p', '0002', '-d', '0100', '-a', path], {
        stdio: 'ignore',
      });
      const parsed = parseDfuFile(new Uint8Array(readFileSync(path)));
      expect(parsed.payload).toEqual(payload);
      expect(parsed.suffix).toMatchObject(ids);
    });
  },
);
