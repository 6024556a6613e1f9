import { AppError } from '../../../../shared/errors';
import { decodeSmpBody, encodeSmpBody, type SmpMap } from './smp-cbor';
import {
  decodeSmpHeader,
  encodeSmpHeader,
  SMP_HEADER_BYTES,
  SMP_MAX_BODY_BYTES,
  type SmpOp,
  type SmpVersion,
} from './smp-header';

/** One whole SMP message: header fields plus the decoded CBOR body (protocols.md §1). */
export interface SmpPacket {
  op: SmpOp;
  version: SmpVersion;
  flags: number;
  group: number;
  seq: number;
  commandId: number;
  body: SmpMap;
}

/** Encodes header + CBOR body; the header's length field is computed, never trusted from the caller. */
export function encodeSmpPacket(packet: SmpPacket): Uint8Array {
  const body = encodeSmpBody(packet.body);
  if (body.length > SMP_MAX_BODY_BYTES) {
    throw new AppError('INVALID_INPUT', `SMP body of ${body.length} bytes exceeds the 16-bit length field`, {
      details: { bodyBytes: body.length },
    });
  }
  const header = encodeSmpHeader({ ...packet, bodyLength: body.length });
  const bytes = new Uint8Array(SMP_HEADER_BYTES + body.length);
  bytes.set(header, 0);
  bytes.set(body, SMP_HEADER_BYTES);
  return bytes;
}

/**
 * Decodes one whole SMP packet. The header's length must match the bytes that follow exactly:
 * a transport hands us one packet per datagram or per console-framed stream (protocols.md §1).
 */
export function decodeSmpPacket(bytes: Uint8Array): SmpPacket {
  const header = decodeSmpHeader(bytes);
  const actualBodyBytes = bytes.length - SMP_HEADER_BYTES;
  if (header.bodyLength !== actualBodyBytes) {
    throw new AppError(
      'DEVICE_PROTOCOL',
      `SMP header says ${header.bodyLength} body bytes but ${actualBodyBytes} arrived`,
      {
        details: { declaredBytes: header.bodyLength, actualBytes: actualBodyBytes },
      },
    );
  }
  const body = decodeSmpBody(bytes.subarray(SMP_HEADER_BYTES));
  return {
    op: header.op,
    version: header.version,
    flags: header.flags,
    group: header.group,
    seq: header.seq,
    commandId: header.commandId,
    body,
  };
}
