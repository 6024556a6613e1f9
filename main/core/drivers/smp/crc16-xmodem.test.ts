import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Xmodem } from './crc16-xmodem';

describe('CRC-16/XMODEM (protocols.md §1, "Serial transport")', () => {
  it('has the check value 0x31C3 for ASCII 123456789', () => {
    expect(crc16Xmodem(Buffer.from('123456789', 'ascii'))).toBe(0x31c3);
  });

  it('gives 0x0a38 for the golden echo packet', () => {
    expect(crc16Xmodem(Buffer.from('0a00000900002a00a161646568656c6c6f', 'hex'))).toBe(0x0a38);
  });

  it('gives 0 over any packet followed by its big-endian CRC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const crc = crc16Xmodem(bytes);
        expect(crc16Xmodem(Uint8Array.from([...bytes, crc >> 8, crc & 0xff]))).toBe(0);
      }),
    );
  });
});
