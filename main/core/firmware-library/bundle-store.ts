import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../../shared/errors';

const BUNDLE_SUFFIX = '.fwb';
const RECORD_SUFFIX = '.json';
const ID_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The library's folder: each bundle stored under its SHA-256 (`<sha>.fwb`) beside a small record of
 * what was learnt at import (`<sha>.json`). Every file is written to a temporary name, fsynced,
 * renamed into place and the folder fsynced, so a crash leaves either the whole file or nothing; the
 * record is written after its bundle, so a listed record always has its bundle.
 */
export class BundleStore {
  readonly folder: string;

  constructor(folder: string) {
    this.folder = folder;
  }

  bundlePath(bundleId: string): string {
    return join(this.folder, `${checkedId(bundleId)}${BUNDLE_SUFFIX}`);
  }

  has(bundleId: string): boolean {
    return isFile(this.bundlePath(bundleId)) && isFile(this.#recordPath(bundleId));
  }

  /** Stores the bundle, then its record. */
  put(bundleId: string, bundleBytes: Uint8Array, record: unknown): void {
    mkdirSync(this.folder, { recursive: true });
    writeDurably(this.bundlePath(bundleId), bundleBytes);
    writeDurably(this.#recordPath(bundleId), Buffer.from(JSON.stringify(record), 'utf8'));
  }

  readBundle(bundleId: string): Uint8Array {
    return new Uint8Array(readFileSync(this.bundlePath(bundleId)));
  }

  readRecord(bundleId: string): unknown {
    return JSON.parse(readFileSync(this.#recordPath(bundleId), 'utf8')) as unknown;
  }

  /** Ids of the bundles whose bundle and record are both in place. */
  ids(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return [];
    }
    const present = new Set(names);
    return names
      .filter((name) => name.endsWith(RECORD_SUFFIX))
      .map((name) => name.slice(0, -RECORD_SUFFIX.length))
      .filter((id) => ID_PATTERN.test(id) && present.has(`${id}${BUNDLE_SUFFIX}`));
  }

  #recordPath(bundleId: string): string {
    return join(this.folder, `${checkedId(bundleId)}${RECORD_SUFFIX}`);
  }
}

function checkedId(bundleId: string): string {
  // The id becomes a file name: nothing but a hex digest may reach the path.
  if (!ID_PATTERN.test(bundleId))
    throw new AppError('INVALID_INPUT', `bundle id: "${bundleId.slice(0, 80)}" is not a SHA-256 hex digest`);
  return bundleId;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function writeDurably(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const descriptor = openSync(temporary, 'w', 0o644);
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
    fsyncSync(descriptor);
  } catch (error: unknown) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  renameSync(temporary, path);
  syncFolder(dirname(path));
}

/** Makes the rename itself durable; some platforms cannot open a folder for fsync, which is tolerated. */
function syncFolder(folder: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(folder, 'r');
    fsyncSync(descriptor);
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
