/**
 * The limits every parser in this folder enforces before it does any work proportional to its input
 * (quality.md: a hostile bundle is refused in < 1 s for inputs ≤ 10 MB; architecture.md: bad input
 * gets a typed error). A real release is far below each of them.
 */
export const FIRMWARE_LIMITS = {
  /** A whole bundle archive; read into memory only below this. */
  bundleBytes: 64 * 1024 * 1024,
  /** A bare image file handed to `image inspect` / `image verify`. */
  imageFileBytes: 64 * 1024 * 1024,
  /** Archive entries, directories included. */
  archiveEntries: 64,
  /** `manifest.dsse.json`, the DSSE envelope as stored. */
  envelopeBytes: 256 * 1024,
  /** The decoded manifest payload inside the envelope. */
  manifestBytes: 64 * 1024,
  /** Nesting of `[` and `{` in the envelope and in the manifest; a real manifest needs 4. */
  jsonDepth: 16,
  /** Signatures on one envelope. */
  signatures: 16,
  /** Images in one manifest. */
  manifestImages: 16,
  /** TLV entries in one MCUboot image (imgtool writes 3–6). */
  mcubootTlvEntries: 64,
} as const;
