import { AppError } from '../../../../shared/errors';

/** Size of the SMP header in bytes (protocols.md §1, "Header: 8 bytes"). */
export const SMP_HEADER_BYTES = 8;

/** The largest body the 16-bit length field can describe. */
export const SMP_MAX_BODY_BYTES = 0xffff;

/** SMP operation codes (protocols.md §1, byte 0 low three bits). */
export const SmpOp = { read: 0, readResponse: 1, write: 2, writeResponse: 3 } as const;
export type SmpOp = (typeof SmpOp)[keyof typeof SmpOp];

/** SMP protocol version carried in byte 0 bits 3–4: 0 = SMP v1, 1 = SMP v2. */
export type SmpVersion = 0 | 1;

/** Well-known management groups (protocols.md §1, "Groups and commands used"). */
export const SmpGroup = {
  os: 0,
  image: 1,
  settings: 3,
  fileSystem: 8,
  zephyrBasic: 63,
  fieldlineIdentity: 64,
} as const;

export interface SmpHeader {
  op: SmpOp;
  version: SmpVersion;
  /** Byte 1; always 0 in the protocol version we speak, kept so a decoder can round-trip what it saw. */
  flags: number;
  /** Length of the CBOR body in bytes. */
  bodyLength: number;
  group: number;
  /** 0–255; the response echoes the request's. */
  seq: number;
  commandId: number;
}

/** True for the two response ops. */
export function isResponseOp(op: SmpOp): boolean {
  return op === SmpOp.readResponse || op === SmpOp.writeResponse;
}

/** The response op that answers a request op (read → read-response, write → write-response). */
export function responseOpFor(op: SmpOp): SmpOp {
  return op === SmpOp.read ? SmpOp.readResponse : SmpOp.writeResponse;
}

/** Writes the 8-byte header, multi-byte fields big-endian (protocols.md §1). */
export function encodeSmpHeader(header: SmpHeader): Uint8Array {
  assertField('bodyLength', header.bodyLength, 0xffff);
  assertField('group', header.group, 0xffff);
  assertField('seq', header.seq, 0xff);
  assertField('commandId', header.commandId, 0xff);
  assertField('flags', header.flags, 0xff);
  const bytes = new Uint8Array(SMP_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes[0] = (header.version << 3) | header.op;
  bytes[1] = header.flags;
  view.setUint16(2, header.bodyLength);
  view.setUint16(4, header.group);
  bytes[6] = header.seq;
  bytes[7] = header.commandId;
  return bytes;
}

/**
 * Reads the 8-byte header. Byte 0 holds `(version << 3) | op`; ops above 3, versions above 1 and set
 * reserved bits (5–7) are not SMP we know, so they are protocol errors rather than guesses.
 */
export function decodeSmpHeader(bytes: Uint8Array): SmpHeader {
  if (bytes.length < SMP_HEADER_BYTES) {
    throw new AppError('DEVICE_PROTOCOL', `SMP packet shorter than its ${SMP_HEADER_BYTES}-byte header`, {
      details: { lengthBytes: bytes.length },
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint8(0);
  const op = first & 0x07;
  const version = (first >> 3) & 0x03;
  if (first >> 5 !== 0 || version > 1 || op > 3) {
    throw new AppError(
      'DEVICE_PROTOCOL',
      `SMP header byte 0 (0x${first.toString(16)}) has an unknown op, version or reserved bits`,
      {
        details: { byte0: first },
      },
    );
  }
  return {
    op: op as SmpOp,
    version: version as SmpVersion,
    flags: view.getUint8(1),
    bodyLength: view.getUint16(2),
    group: view.getUint16(4),
    seq: view.getUint8(6),
    commandId: view.getUint8(7),
  };
}

function assertField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new AppError(
      'INVALID_INPUT',
      `SMP header field ${name} must be an integer in 0..${max}, got ${value}`,
      {
        details: { field: name, value },
      },
    );
  }
}
