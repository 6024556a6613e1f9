import { describe, expect, it } from 'vitest';
import { compareReadBack } from './dfu-upload';

describe('DFU read-back comparison', () => {
  it('accepts an identical read-back', () => {
    expect(() => compareReadBack(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).not.toThrow();
  });

  it('names the first differing byte, or where a short read-back ended', () => {
    expect(() => compareReadBack(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 9, 3))).toThrow(
      expect.objectContaining({
        code: 'FIRMWARE_VERIFY_FAILED',
        details: { offset: 1, readBytes: 3, imageBytes: 3 },
      }),
    );
    expect(() => compareReadBack(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ offset: 2 }) as unknown }),
    );
  });
});
