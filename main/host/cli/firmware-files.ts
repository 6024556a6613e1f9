import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { parseTrustStoreYaml, type TrustStore } from '../../core/firmware';

/** The development trust store shipped in resources/dev-keys (DEVELOPMENT ONLY; see its README). */
export const DEV_TRUST_STORE_PATH = fileURLToPath(new URL('../../../resources/dev-keys/dev-trust-store.yaml', import.meta.url));

export interface LoadedTrustStore {
  store: TrustStore;
  path: string;
  isDevelopment: boolean;
}

/** `--trust-store`, else `$FIELDLINE_TRUST_STORE`, else the development store. */
export function loadTrustStore(flag: string | undefined): LoadedTrustStore {
  const path = flag ?? process.env.FIELDLINE_TRUST_STORE ?? DEV_TRUST_STORE_PATH;
  const text = Buffer.from(readLimitedFile(path, 1024 * 1024, 'TRUST_STORE_INVALID')).toString('utf8');
  return { store: parseTrustStoreYaml(text), path, isDevelopment: path === DEV_TRUST_STORE_PATH };
}

/**
 * Reads a whole file after checking its size, so a 4 GB "bundle" is refused by `stat` before one byte
 * is read (quality.md: hostile inputs are refused quickly and in bounded memory).
 */
export function readLimitedFile(path: string, limitBytes: number, tooLargeCode: ErrorCode): Uint8Array {
  let sizeBytes: number;
  try {
    sizeBytes = statSync(path).size;
  } catch (error: unknown) {
    throw new AppError('NOT_FOUND', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { path } });
  }
  if (sizeBytes > limitBytes) throw new AppError(tooLargeCode, `file size: ${path} is ${sizeBytes} bytes, over the ${limitBytes}-byte limit`, { details: { path } });
  return new Uint8Array(readFileSync(path));
}

export function readPrivateKey(path: string): KeyObject {
  return parseKey(path, (pem) => createPrivateKey(pem), 'a PEM private key');
}

export function readPublicKey(path: string): KeyObject {
  return parseKey(path, (pem) => createPublicKey(pem), 'a PEM public (or private) key');
}

function parseKey(path: string, parse: (pem: string) => KeyObject, what: string): KeyObject {
  const pem = Buffer.from(readLimitedFile(path, 64 * 1024, 'INVALID_INPUT')).toString('utf8');
  try {
    return parse(pem);
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', `${path} is not ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Writes through a temporary file and a rename, so a bundle is never left half-written. */
export function writeFileAtomically(path: string, bytes: Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}
