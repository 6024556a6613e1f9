import { Decoder, Encoder } from 'cbor-x';
import { AppError } from '../../../../shared/errors';

/** A value inside an SMP body: what CBOR gives us once tags, records and oddities are refused. */
export type SmpValue = string | number | bigint | boolean | null | Uint8Array | SmpValue[] | SmpMap;

/** An SMP body: a CBOR map with text keys (protocols.md §1, "Body"). */
export interface SmpMap {
  [key: string]: SmpValue;
}

/** SMP bodies are flat or one level deep (image lists, `err`); anything deeper is hostile or broken. */
const MAX_NESTING = 16;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// protocols.md §1: minimal-length encodings, no record tag, no tag 64 before byte strings.
const encoder = new Encoder({ useRecords: false, variableMapSize: true, tagUint8Array: false });
// Maps come back as Map so that we, not the library, decide what a key may be.
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false });

/** Encodes an SMP body. Integers beyond 32 bits go out as CBOR integers, not floats. */
export function encodeSmpBody(body: SmpMap): Uint8Array {
  // cbor-x writes into a shared, reused buffer; hand out a copy the caller owns.
  return new Uint8Array(encoder.encode(widenLargeIntegers(body, 0)));
}

/**
 * Decodes an SMP body. Anything that is not exactly one CBOR map with text keys holding plain values
 * (text, numbers, booleans, null, byte strings, arrays, maps) is a DEVICE_PROTOCOL error.
 */
export function decodeSmpBody(bytes: Uint8Array): SmpMap {
  let decoded: unknown;
  try {
    decoded = decoder.decode(bytes);
  } catch (error: unknown) {
    throw new AppError('DEVICE_PROTOCOL', `SMP body is not valid CBOR: ${describe(error)}`, {
      cause: error,
      details: { lengthBytes: bytes.length },
    });
  }
  if (!(decoded instanceof Map)) throw new AppError('DEVICE_PROTOCOL', 'SMP body is not a CBOR map');
  return toSmpMap(decoded, 0);
}

function toSmpValue(value: unknown, depth: number): SmpValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  // cbor-x returns every 64-bit integer as a bigint; ones that fit a number come back as numbers.
  if (typeof value === 'bigint') return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
  // cbor-x hands out Buffers that may share memory with its input; callers get their own plain copy.
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (depth >= MAX_NESTING)
    throw new AppError('DEVICE_PROTOCOL', `SMP body nests deeper than ${MAX_NESTING} levels`);
  if (Array.isArray(value)) return value.map((item) => toSmpValue(item, depth + 1));
  if (value instanceof Map) return toSmpMap(value, depth + 1);
  throw new AppError('DEVICE_PROTOCOL', `SMP body holds an unsupported CBOR item (${describeType(value)})`);
}

function toSmpMap(map: Map<unknown, unknown>, depth: number): SmpMap {
  if (depth >= MAX_NESTING)
    throw new AppError('DEVICE_PROTOCOL', `SMP body nests deeper than ${MAX_NESTING} levels`);
  const result: SmpMap = {};
  for (const [key, value] of map) {
    if (typeof key !== 'string')
      throw new AppError('DEVICE_PROTOCOL', `SMP map key is not text (${describeType(key)})`);
    // defineProperty keeps a key such as "__proto__" an ordinary own property.
    Object.defineProperty(result, key, {
      value: toSmpValue(value, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

function widenLargeIntegers(value: SmpValue, depth: number): SmpValue {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && Math.abs(value) > 0xffffffff ? BigInt(value) : value;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (depth >= MAX_NESTING)
    throw new AppError('INVALID_INPUT', `SMP body nests deeper than ${MAX_NESTING} levels`);
  if (Array.isArray(value)) return value.map((item) => widenLargeIntegers(item, depth + 1));
  const result: SmpMap = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(result, key, {
      value: widenLargeIntegers(item, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

function describeType(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object' || value === null) return typeof value;
  return value.constructor?.name ?? 'object';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
