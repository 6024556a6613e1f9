import { AppError } from '../../../../shared/errors';
import { encodeSmpBody, type SmpMap } from './smp-cbor';
import { SMP_HEADER_BYTES } from './smp-header';

/** Bytes of the CBOR byte-string head for a payload of `length` bytes (major type 2, minimal). */
function byteStringHeadBytes(length: number): number {
  if (length < 24) return 1;
  if (length < 0x100) return 2;
  if (length < 0x10000) return 3;
  return 5;
}

/**
 * The largest `data` payload such that the whole SMP packet (8-byte header + CBOR body) stays within
 * `packetLimitBytes` — the device's `buf_size` and the transport's limit (protocols.md §1, upload:
 * "The whole request packet must fit in buf_size"). `bodyWithoutData` holds every other field.
 */
export function largestDataThatFits(bodyWithoutData: SmpMap, packetLimitBytes: number): number {
  const probe = encodeSmpBody({ ...bodyWithoutData, data: new Uint8Array(0) });
  // The probe carries a 1-byte head for the empty payload; every other byte stays as it is.
  const fixedBytes = SMP_HEADER_BYTES + probe.length - 1;
  for (let dataBytes = packetLimitBytes - fixedBytes - 1; dataBytes > 0; dataBytes -= 1) {
    if (fixedBytes + byteStringHeadBytes(dataBytes) + dataBytes <= packetLimitBytes) return dataBytes;
  }
  throw new AppError(
    'INVALID_INPUT',
    `An SMP packet limit of ${packetLimitBytes} bytes leaves no room for upload data`,
    {
      details: { packetLimitBytes },
    },
  );
}
