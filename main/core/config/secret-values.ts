import { createHash } from 'node:crypto';
import type { VariableSchema } from './recipe-schema';

/** `x-secret: true` or `format: password` marks a variable secret. */
export function isSecretVariable(schema: VariableSchema): boolean {
  return schema['x-secret'] === true || schema.format === 'password';
}

/**
 * What the plan, the logs and the ledger show instead of a secret: `sha256:<hex>` of the device id, a
 * NUL, and the value. Salting with the device id means two devices given the same secret show different
 * hashes, so one record does not reveal that another device shares its password; the station can still
 * check a value it knows against the record of that device.
 */
export function secretDigest(deviceId: string, value: Uint8Array | string): string {
  const hash = createHash('sha256').update(deviceId, 'utf8').update(new Uint8Array([0]));
  hash.update(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  return `sha256:${hash.digest('hex')}`;
}
