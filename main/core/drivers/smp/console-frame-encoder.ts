import { AppError } from '../../../../shared/errors';
import {
  CONSOLE_FRAME_MAX_BASE64_CHARS,
  CONSOLE_FRAME_MAX_BYTES,
  CONTINUATION_FRAME_MARKER,
  CRC_FIELD_BYTES,
  FIRST_FRAME_MARKER,
  FRAME_END,
  LENGTH_FIELD_BYTES,
} from './console-framing';
import { crc16Xmodem } from './crc16-xmodem';

/** The largest packet whose length field (packet + CRC) still fits in 16 bits. */
export const CONSOLE_MAX_PACKET_BYTES = 0xffff - CRC_FIELD_BYTES;

/**
 * Wraps one SMP packet in console framing (protocols.md §1, "Serial transport"):
 * `length(BE, = packet + 2) | packet | CRC16-XMODEM(BE)`, base64-encoded, cut into frames of at most
 * 127 bytes. Frames split on whole 4-character groups because the device decodes each frame on its
 * own; `=` padding therefore only appears at the very end. Returns the frames, each a complete line.
 */
export function encodeConsoleFrames(
  packet: Uint8Array,
  maxFrameBytes = CONSOLE_FRAME_MAX_BYTES,
): Uint8Array[] {
  if (packet.length > CONSOLE_MAX_PACKET_BYTES) {
    throw new AppError(
      'INVALID_INPUT',
      `SMP packet of ${packet.length} bytes is too long for console framing`,
      {
        details: { packetBytes: packet.length },
      },
    );
  }
  const maxChars = Math.min(CONSOLE_FRAME_MAX_BASE64_CHARS, maxFrameBytes - 3) & ~3;
  if (maxChars < 4)
    throw new AppError(
      'INVALID_INPUT',
      `Console frame limit of ${maxFrameBytes} bytes leaves no room for base64`,
    );
  const raw = new Uint8Array(LENGTH_FIELD_BYTES + packet.length + CRC_FIELD_BYTES);
  const view = new DataView(raw.buffer);
  view.setUint16(0, packet.length + CRC_FIELD_BYTES);
  raw.set(packet, LENGTH_FIELD_BYTES);
  view.setUint16(LENGTH_FIELD_BYTES + packet.length, crc16Xmodem(packet));
  const text = Buffer.from(raw).toString('base64');
  const frames: Uint8Array[] = [];
  for (let start = 0; start < text.length; start += maxChars) {
    const marker = start === 0 ? FIRST_FRAME_MARKER : CONTINUATION_FRAME_MARKER;
    const chunk = text.slice(start, start + maxChars);
    const frame = new Uint8Array(chunk.length + 3);
    frame[0] = marker[0];
    frame[1] = marker[1];
    frame.set(Buffer.from(chunk, 'latin1'), 2);
    frame[frame.length - 1] = FRAME_END;
    frames.push(frame);
  }
  return frames;
}

/** All frames of one packet as one contiguous write. */
export function encodeConsoleStream(packet: Uint8Array, maxFrameBytes = CONSOLE_FRAME_MAX_BYTES): Uint8Array {
  return Buffer.concat(encodeConsoleFrames(packet, maxFrameBytes));
}
