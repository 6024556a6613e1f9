/**
 * CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final xor
 * (protocols.md §1, "Serial transport"). Check value: CRC of ASCII "123456789" is 0x31C3, and running
 * it over a packet followed by its big-endian CRC gives 0.
 */
export function crc16Xmodem(bytes: Uint8Array, initial = 0): number {
  let crc = initial;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}
