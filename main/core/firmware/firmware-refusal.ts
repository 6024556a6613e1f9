import { AppError, type ErrorCode } from '../../../shared/errors';

/**
 * Every refusal in this folder is an AppError whose message starts with the check that failed
 * (`"signature: …"`, `"archive entry 3: …"`), and whose details carry the same name as `check`, so the
 * CLI, the ledger and the UI can all say which check refused the file (quality.md, hostile bundles).
 */
export function refusal(code: ErrorCode, check: string, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(code, `${check}: ${message}`, { details: { check, ...details } });
}

/** Hex of a byte array, for messages and reports. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** `0x` + eight hex digits, the way protocols.md writes magics and addresses. */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}
