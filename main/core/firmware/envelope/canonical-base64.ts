/**
 * Decodes standard base64 (RFC 4648 §4, with padding) and returns undefined unless the text is the one
 * canonical encoding of its bytes. Node's decoder silently skips invalid characters and ignores unused
 * trailing bits, which would let two different envelopes carry the same signature; this refuses both.
 */
export function decodeCanonicalBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
