import { describe, expect, it } from 'vitest';
import { parseInfoUf2 } from './info-uf2-parser';
import { uf2BoardFamily } from './uf2-board-family';

const info = (lines: string[]) => parseInfoUf2(['UF2 Bootloader v3.0', ...lines].join('\n'));

describe('uf2BoardFamily', () => {
  it('takes the family from the CPU that starts Board-ID (protocols.md §4)', () => {
    expect(uf2BoardFamily(info(['Model: Lab', 'Board-ID: RP2040-FieldlineLab-v1']))).toMatchObject({
      cpu: 'RP2040',
      familyId: 0xe48bff56,
      flash: { startAddress: 0x1000_0000 },
    });
    expect(uf2BoardFamily(info(['Model: Pico', 'Board-ID: RPI-RP2']))?.familyId).toBe(0xe48bff56);
    expect(uf2BoardFamily(info(['Model: Feather', 'Board-ID: nRF52840-Feather-revD']))?.familyId).toBe(
      0xada52840,
    );
  });

  it('prefers an explicit Family-ID line, and knows nothing of an unknown CPU', () => {
    expect(
      uf2BoardFamily(info(['Model: X', 'Board-ID: SAMD21-X-v1', 'Family-ID: 0x68ed2b88']))?.familyId,
    ).toBe(0x68ed2b88);
    expect(uf2BoardFamily(info(['Model: X', 'Board-ID: Z80-Retro-v1']))).toBeNull();
    expect(uf2BoardFamily(info(['Model: X']))).toBeNull();
  });
});
