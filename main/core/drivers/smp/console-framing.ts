/**
 * Constants of the SMP serial "console" framing (protocols.md §1, "Serial transport").
 * A frame is two marker bytes, base64 text and a newline, at most 127 bytes in all.
 */
export const CONSOLE_FRAME_MAX_BYTES = 127;
/** Marker bytes + newline. */
export const CONSOLE_FRAME_OVERHEAD_BYTES = 3;
/** 124 base64 characters, i.e. 31 whole 4-character groups. */
export const CONSOLE_FRAME_MAX_BASE64_CHARS = CONSOLE_FRAME_MAX_BYTES - CONSOLE_FRAME_OVERHEAD_BYTES;
/** The first frame of a packet starts with 0x06 0x09. */
export const FIRST_FRAME_MARKER = [0x06, 0x09] as const;
/** Every following frame starts with 0x04 0x14. */
export const CONTINUATION_FRAME_MARKER = [0x04, 0x14] as const;
export const FRAME_END = 0x0a;
/** The raw stream starts with a 2-byte length and ends with a 2-byte CRC. */
export const LENGTH_FIELD_BYTES = 2;
export const CRC_FIELD_BYTES = 2;
