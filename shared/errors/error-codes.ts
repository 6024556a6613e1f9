/**
 * The closed list of error codes. Every failure that crosses a boundary (contract, CLI exit, log)
 * carries one of these; the UI and CLI turn it into a title and a suggested action through
 * `ERROR_TABLE`. Add a code here and in the table together; the table's type makes a missing entry a
 * compile error.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_COMMAND',
  'UNAUTHORIZED',
  'FORBIDDEN_SENDER',
  'NOT_FOUND',
  'LEDGER_CORRUPT',
  'LEDGER_FOREIGN',
  'LEDGER_NEWER_SCHEMA',
  'LEDGER_CHAIN_BROKEN',
  'LEDGER_LOCKED',
  'DATA_DIR_UNUSABLE',
  'TRANSPORT_CLOSED',
  'TIMEOUT',
  'DEVICE_PROTOCOL',
  'DEVICE_NOT_RESPONDING',
  'NOT_IMPLEMENTED',
  'INTERNAL',
  'PAYLOAD_TOO_LARGE',
  'SYNC_GAP',
  'SYNC_FORK',
  'SYNC_CHAIN_INVALID',
  'IDEMPOTENCY_CONFLICT',
  'STATION_CERTIFICATE_REJECTED',
  'STATION_UNKNOWN',
  'BOOTSTRAP_TOKEN_INVALID',
  'CSR_INVALID',
  'CERTIFICATE_INVALID',
  'ALREADY_EXISTS',
  'DEVICE_REJECTED',
  'CANCELLED',
  'FLEET_UNREACHABLE',
  'FLEET_BAD_RESPONSE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
