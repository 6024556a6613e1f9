import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, describeZodError } from '../../../shared/errors';

/** The station's enrolled identity at its fleet server. */
export interface StationCredentials {
  serverUrl: string;
  stationId: string;
  certificatePem: string;
  /** PKCS#8 PEM. Stored with owner-only permissions (0600). */
  keyPem: string;
  /** The fleet CA: what the server's certificate must chain to. */
  caPem: string;
}

const credentialsSchema = z.object({
  serverUrl: z.url({ protocol: /^https$/ }),
  stationId: z.string().min(1),
  certificatePem: z.string().includes('BEGIN CERTIFICATE'),
  keyPem: z.string().includes('PRIVATE KEY'),
  caPem: z.string().includes('BEGIN CERTIFICATE'),
});

const FILE_NAME = 'fleet-station.json';

/**
 * Reads and writes `<dataDir>/fleet/fleet-station.json`. Written to a temporary file and renamed, so a
 * crash leaves the old identity or the new one, never half of either.
 */
export class StationCredentialsFile {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'fleet');
  }

  read(): StationCredentials | null {
    const path = join(this.#dir, FILE_NAME);
    if (!existsSync(path)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error: unknown) {
      throw new AppError('DATA_DIR_UNUSABLE', `${path} is not readable JSON; enroll the station again`, { cause: error });
    }
    const parsed = credentialsSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('DATA_DIR_UNUSABLE', `${path} is malformed (${describeZodError(parsed.error)}); enroll the station again`);
    return parsed.data;
  }

  write(credentials: StationCredentials): void {
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    const path = join(this.#dir, FILE_NAME);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(credentialsSchema.parse(credentials), null, 2)}\n`, { mode: 0o600, flush: true });
    renameSync(temporary, path);
  }
}
