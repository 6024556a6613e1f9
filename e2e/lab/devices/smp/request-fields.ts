import type { SmpMap, SmpValue } from '../../../../main/core/drivers/smp/smp-cbor';

/** Reading request fields the way Zephyr's zcbor_map_decode_bulk does: absent is fine, wrong type is not. */
export class InvalidField extends Error {
  constructor(readonly field: string) {
    super(`field "${field}" has the wrong type`);
  }
}

function pick<T>(
  body: SmpMap,
  key: string,
  isType: (value: SmpValue) => value is SmpValue & T,
): T | undefined {
  if (!Object.prototype.hasOwnProperty.call(body, key)) return undefined;
  const value = body[key]!;
  if (!isType(value)) throw new InvalidField(key);
  return value;
}

export const optionalUint = (body: SmpMap, key: string): number | undefined =>
  pick(
    body,
    key,
    (value): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0,
  );
export const optionalText = (body: SmpMap, key: string): string | undefined =>
  pick(body, key, (value): value is string => typeof value === 'string');
export const optionalBytes = (body: SmpMap, key: string): Uint8Array | undefined =>
  pick(body, key, (value): value is Uint8Array => value instanceof Uint8Array);
export const optionalBoolean = (body: SmpMap, key: string): boolean | undefined =>
  pick(body, key, (value): value is boolean => typeof value === 'boolean');
