import { AppError } from '../../../../shared/errors';
import {
  CONSOLE_FRAME_MAX_BASE64_CHARS,
  CONSOLE_FRAME_OVERHEAD_BYTES,
  CONTINUATION_FRAME_MARKER,
  CRC_FIELD_BYTES,
  FIRST_FRAME_MARKER,
  FRAME_END,
  LENGTH_FIELD_BYTES,
} from './console-framing';
import { crc16Xmodem } from './crc16-xmodem';

/** What the decoder produced from the bytes pushed so far: whole SMP packets, or why one was dropped. */
export type ConsoleDecodeEvent = { kind: 'packet'; packet: Uint8Array } | { kind: 'error'; error: AppError };

export interface ConsoleFrameDecoderOptions {
  /** Longest frame accepted, markers and newline included (protocols.md §1: 127). */
  maxFrameBytes?: number;
  /** Largest SMP packet accepted; longer ones are dropped as soon as their length field is read. */
  maxPacketBytes?: number;
}

type Mode = 'between-frames' | 'after-marker-byte' | 'in-frame';
type PacketProgress =
  | { kind: 'none' }
  | { kind: 'discarding' }
  | { kind: 'receiving'; expectedBytes: number; parts: Uint8Array[]; receivedBytes: number };

const BASE64_CHAR = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=')
  BASE64_CHAR[char.charCodeAt(0)] = 1;
const PADDED_GROUPS = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Streaming decoder for the SMP serial console framing (protocols.md §1, "Serial transport").
 * Bytes in, whole SMP packets out. Text between frames (shell prompts, log lines) is ignored; a frame
 * broken by a stray byte, an over-long frame, bad base64, a wrong length or a CRC mismatch drops the
 * packet with an error event and the decoder resynchronises on the next first-frame marker.
 * Each frame's base64 is decoded on its own, as the device does. Memory is bounded by one frame plus
 * one packet. `push` never throws.
 */
export class ConsoleFrameDecoder {
  readonly #maxChars: number;
  readonly #maxPacketBytes: number;
  #mode: Mode = 'between-frames';
  #markerByte = 0;
  #isFirstFrame = false;
  #frameChars: number[] = [];
  #packet: PacketProgress = { kind: 'none' };
  #events: ConsoleDecodeEvent[] = [];

  constructor(options: ConsoleFrameDecoderOptions = {}) {
    const maxFrameBytes =
      options.maxFrameBytes ?? CONSOLE_FRAME_MAX_BASE64_CHARS + CONSOLE_FRAME_OVERHEAD_BYTES;
    this.#maxChars = Math.max(4, maxFrameBytes - CONSOLE_FRAME_OVERHEAD_BYTES);
    this.#maxPacketBytes = options.maxPacketBytes ?? 0xffff - CRC_FIELD_BYTES;
  }

  push(chunk: Uint8Array): ConsoleDecodeEvent[] {
    for (const byte of chunk) this.#consume(byte);
    const events = this.#events;
    this.#events = [];
    return events;
  }

  #consume(byte: number): void {
    if (this.#mode === 'in-frame') {
      if (byte === FRAME_END) {
        this.#mode = 'between-frames';
        this.#endFrame();
      } else if (BASE64_CHAR[byte] === 1 && this.#frameChars.length < this.#maxChars) {
        this.#frameChars.push(byte);
      } else {
        const tooLong = BASE64_CHAR[byte] === 1;
        this.#mode = 'between-frames';
        this.#fail(
          tooLong
            ? `console frame longer than ${this.#maxChars} base64 characters`
            : `console frame broken by byte 0x${byte.toString(16)}`,
        );
        // The stray byte may itself start the next frame.
        if (!tooLong) this.#consume(byte);
      }
      return;
    }
    if (this.#mode === 'after-marker-byte') {
      this.#mode = 'between-frames';
      if (this.#markerByte === FIRST_FRAME_MARKER[0] && byte === FIRST_FRAME_MARKER[1])
        return this.#startFrame(true);
      if (this.#markerByte === CONTINUATION_FRAME_MARKER[0] && byte === CONTINUATION_FRAME_MARKER[1])
        return this.#startFrame(false);
    }
    if (byte === FIRST_FRAME_MARKER[0] || byte === CONTINUATION_FRAME_MARKER[0]) {
      this.#markerByte = byte;
      this.#mode = 'after-marker-byte';
    }
    // Anything else between frames is console noise.
  }

  #startFrame(isFirst: boolean): void {
    this.#mode = 'in-frame';
    this.#isFirstFrame = isFirst;
    this.#frameChars = [];
  }

  #endFrame(): void {
    const text = String.fromCharCode(...this.#frameChars);
    if (text.length === 0 || !PADDED_GROUPS.test(text)) {
      this.#fail('console frame is not whole base64 groups (each frame is decoded on its own)');
      return;
    }
    const decoded = new Uint8Array(Buffer.from(text, 'base64'));
    if (this.#isFirstFrame) {
      if (this.#packet.kind === 'receiving')
        this.#emitError('console packet abandoned: a new packet started before it was complete');
      this.#startPacket(decoded);
    } else if (this.#packet.kind === 'receiving') {
      this.#appendToPacket(decoded);
    } else if (this.#packet.kind === 'none') {
      this.#emitError('console continuation frame without a first frame');
    }
    if (text.endsWith('=') && this.#packet.kind === 'receiving')
      this.#fail('console packet ended (base64 padding) before its declared length');
  }

  #startPacket(decoded: Uint8Array): void {
    if (decoded.length < LENGTH_FIELD_BYTES) {
      this.#fail('console first frame too short to hold the length field');
      return;
    }
    const declared = (decoded[0]! << 8) | decoded[1]!;
    const packetBytes = declared - CRC_FIELD_BYTES;
    if (packetBytes < 1 || packetBytes > this.#maxPacketBytes) {
      this.#fail(`console packet length ${packetBytes} outside 1..${this.#maxPacketBytes}`);
      return;
    }
    this.#packet = { kind: 'receiving', expectedBytes: declared, parts: [], receivedBytes: 0 };
    this.#appendToPacket(decoded.subarray(LENGTH_FIELD_BYTES));
  }

  #appendToPacket(decoded: Uint8Array): void {
    const packet = this.#packet;
    if (packet.kind !== 'receiving') return;
    packet.parts.push(decoded);
    packet.receivedBytes += decoded.length;
    if (packet.receivedBytes < packet.expectedBytes) return;
    this.#packet = { kind: 'none' };
    if (packet.receivedBytes > packet.expectedBytes) {
      this.#emitError(
        `console packet carries ${packet.receivedBytes} bytes, its length field says ${packet.expectedBytes}`,
      );
      return;
    }
    const withCrc = new Uint8Array(Buffer.concat(packet.parts));
    if (crc16Xmodem(withCrc) !== 0) {
      this.#emitError('console packet CRC16 mismatch');
      return;
    }
    this.#events.push({ kind: 'packet', packet: withCrc.slice(0, withCrc.length - CRC_FIELD_BYTES) });
  }

  /** Drops the packet in progress; its remaining continuation frames are skipped quietly. */
  #fail(message: string): void {
    this.#emitError(message);
    this.#packet = { kind: 'discarding' };
  }

  #emitError(message: string): void {
    this.#events.push({ kind: 'error', error: new AppError('DEVICE_PROTOCOL', message) });
  }
}

/** Decodes a byte string that must hold exactly one console-framed packet (tests, golden frames). */
export function decodeConsoleStream(bytes: Uint8Array, options?: ConsoleFrameDecoderOptions): Uint8Array {
  const events = new ConsoleFrameDecoder(options).push(bytes);
  const error = events.find((event) => event.kind === 'error');
  if (error) throw error.error;
  const packets = events.filter((event) => event.kind === 'packet');
  if (packets.length !== 1 || packets[0]?.kind !== 'packet') {
    throw new AppError('DEVICE_PROTOCOL', `expected one console-framed packet, found ${packets.length}`);
  }
  return packets[0].packet;
}
