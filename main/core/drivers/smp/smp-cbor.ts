import { decode, encode } from 'cbor2';
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

/**
 * Encodes an SMP body. cbor2 writes the preferred (shortest) encoding of protocols.md §1: integers as
 * CBOR integers of minimal length at any size, byte strings untagged, no records.
 */
export function encodeSmpBody(body: SmpMap): Uint8Array {
  checkNesting(body, 0);
  return encode(body);
}

/**
 * Decodes an SMP body. Anything that is not exactly one CBOR map with text keys holding plain values
 * (text, numbers, booleans, null, byte strings, arrays, maps) is a DEVICE_PROTOCOL error.
 */
export function decodeSmpBody(bytes: Uint8Array): SmpMap {
  let decoded: unknown;
  try {
    // Maps come back as Map so that we, not the library, decide what a key may be.
    decoded = decode(bytes, { preferMap: true });
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
  // Integers beyond 2^53 come back as bigint; ones that fit a number are returned as numbers.
  if (typeof value === 'bigint') return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
  // A decoded byte string may share memory with the input; callers get their own plain copy.
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

/** Refuses to encode what no device could decode: SMP bodies are shallow (see MAX_NESTING). */
function checkNesting(value: SmpValue, depth: number): void {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  if (depth >= MAX_NESTING) throw new AppError('INVALID_INPUT', `SMP body nests deeper than ${MAX_NESTING} levels`);
  for (const item of Array.isArray(value) ? value : Object.values(value)) checkNesting(item, depth + 1);
}

function describeType(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object' || value === null) return typeof value;
  return value.constructor?.name ?? 'object';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
