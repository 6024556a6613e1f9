import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { parseInfoUf2 } from './info-uf2-parser';

describe('INFO_UF2.TXT (protocols.md §4)', () => {
  it('reads the Raspberry Pi RP2040 boot ROM file', () => {
    expect(parseInfoUf2('UF2 Bootloader v3.0\nModel: Raspberry Pi RP2\nBoard-ID: RPI-RP2\n')).toEqual({
      banner: 'UF2 Bootloader v3.0',
      model: 'Raspberry Pi RP2',
      boardId: 'RPI-RP2',
      fields: { Model: 'Raspberry Pi RP2', 'Board-ID': 'RPI-RP2' },
    });
  });

  it('reads CRLF files with blank lines, trailing spaces, a BOM and extra keys (TinyUF2, Adafruit)', () => {
    const text =
      '\uFEFFTinyUF2 Bootloader 0.18.2 - tinyusb (0.16.0)\r\nModel: Adafruit Feather ESP32-S3  \r\n\r\nBoard-ID: ESP32S3-Feather-revC\r\nDate: Jun 14 2024\r\nSerial Number: A1B2C3\r\n';
    const info = parseInfoUf2(new TextEncoder().encode(text));
    expect(info).toMatchObject({
      model: 'Adafruit Feather ESP32-S3',
      boardId: 'ESP32S3-Feather-revC',
      serialNumber: 'A1B2C3',
    });
    expect(info.fields.Date).toBe('Jun 14 2024');
  });

  it.each([
    ['an empty file', '', /is empty/, undefined],
    [
      'a banner that names no UF2 bootloader',
      'Hello\nModel: x\n',
      /line 1 does not name a UF2 bootloader/,
      1,
    ],
    [
      'a line that is not "Key: value"',
      'UF2 Bootloader v1\nModel: Zero\nthis is not a field\n',
      /line 3 is not "Key: value"/,
      3,
    ],
    ['a missing Model', 'UF2 Bootloader v1\r\nBoard-ID: X-Y-v0\r\n', /no "Model:" line/, undefined],
    ['a repeated key', 'UF2 Bootloader v1\nModel: A\nmodel: B\n', /line 3 repeats "model"/, 3],
    ['control characters', 'UF2 Bootloader v1\nModel: A\u0007\n', /line 2 contains control characters/, 2],
  ])('refuses %s with DEVICE_PROTOCOL naming the line', (_name, text, message, line) => {
    expect(() => parseInfoUf2(text)).toThrow(message);
    expect(() => parseInfoUf2(text)).toThrow(
      expect.objectContaining({
        code: 'DEVICE_PROTOCOL',
        details: line === undefined ? { file: 'INFO_UF2.TXT' } : { file: 'INFO_UF2.TXT', line },
      }),
    );
  });

  it('refuses bytes that are not UTF-8 and files too large to be one', () => {
    expect(() => parseInfoUf2(Uint8Array.of(0x55, 0x46, 0x32, 0xff))).toThrow(/not UTF-8/);
    expect(() => parseInfoUf2(`UF2 x\nModel: y\n${'z: 1\n'.repeat(5000)}`)).toThrow(/a few lines/);
  });

  it('answers arbitrary bytes and text with an info or a DEVICE_PROTOCOL error, never a crash', () => {
    const check = (input: Uint8Array | string): void => {
      try {
        expect(parseInfoUf2(input).model).not.toBe('');
      } catch (error: unknown) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('DEVICE_PROTOCOL');
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), check));
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }).map((tail) => `UF2 Bootloader\nModel: m\n${tail}`),
        check,
      ),
    );
  });
});
