import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, describeZodError } from '../../../shared/errors';
import type { KeyVault } from '../../core/ports/key-vault';

/** The station's enrolled identity at its fleet server. */
export interface StationCredentials {
  serverUrl: string;
  stationId: string;
  certificatePem: string;
  /** PKCS#8 PEM; in memory only. On disk it is sealed by the KeyVault (`sealedKey`). */
  keyPem: string;
  /** The fleet CA: what the server's certificate must chain to. */
  caPem: string;
}

/** What can be read without opening the key: enough to show where the station syncs. */
export type StationCredentialsPublic = Omit<StationCredentials, 'keyPem'>;

const publicFields = {
  serverUrl: z.url({ protocol: /^https$/ }),
  stationId: z.string().min(1),
  certificatePem: z.string().includes('BEGIN CERTIFICATE'),
  caPem: z.string().includes('BEGIN CERTIFICATE'),
};
const sealedSchema = z.object({
  ...publicFields,
  /** base64 of what `KeyVault.seal` made of the PKCS#8 PEM. */
  sealedKey: z.base64().min(1),
  /** Which vault sealed it, so a refusal to open can say what to configure. */
  keyVault: z.string(),
}).strict(); // strict: a file that also carries a plain `keyPem` is legacy and gets rewritten
/** The format before keys were sealed (plain PEM): read once, then re-sealed. */
const legacySchema = z.object({ ...publicFields, keyPem: z.string().includes('PRIVATE KEY') });
const storedSchema = z.union([sealedSchema, legacySchema]);
type StoredCredentials = z.infer<typeof storedSchema>;

const FILE_NAME = 'fleet-station.json';

/**
 * Reads and writes `<dataDir>/fleet/fleet-station.json`, the station's TLS client key sealed by the
 * KeyVault (the OS keystore in the desktop app, main/adapters/key-vault's local vault headless); a key
 * the vault cannot seal is not stored at all. A file in the old plain-PEM format is read once and
 * re-sealed in place. Written to a temporary file and renamed, so a crash leaves the old identity or
 * the new one, never half of either.
 */
export class StationCredentialsFile {
  readonly #dir: string;
  readonly #vault: KeyVault;

  constructor(dataDir: string, vault: KeyVault) {
    this.#dir = join(dataDir, 'fleet');
    this.#vault = vault;
  }

  get path(): string {
    return join(this.#dir, FILE_NAME);
  }

  /** The public part (no key is opened), or null when the station is not enrolled. */
  readPublic(): StationCredentialsPublic | null {
    const stored = this.#readStored();
    if (stored === null) return null;
    const { serverUrl, stationId, certificatePem, caPem } = stored;
    return { serverUrl, stationId, certificatePem, caPem };
  }

  /** Everything including the opened key; migrates a plain-PEM file to the sealed format first. */
  async open(): Promise<StationCredentials | null> {
    const stored = this.#readStored();
    if (stored === null) return null;
    const { serverUrl, stationId, certificatePem, caPem } = stored;
    if ('keyPem' in stored) {
      await this.write(stored);
      return stored;
    }
    const opened = await this.#vault.open(Buffer.from(stored.sealedKey, 'base64'));
    try {
      return { serverUrl, stationId, certificatePem, caPem, keyPem: Buffer.from(opened).toString('utf8') };
    } finally {
      opened.fill(0);
    }
  }

  async write(credentials: StationCredentials): Promise<void> {
    const plainKey = Buffer.from(credentials.keyPem, 'utf8');
    let sealed: Uint8Array;
    try {
      sealed = await this.#vault.seal(plainKey);
    } finally {
      plainKey.fill(0);
    }
    const { serverUrl, stationId, certificatePem, caPem } = credentials;
    const record = sealedSchema.parse({
      serverUrl,
      stationId,
      certificatePem,
      caPem,
      sealedKey: Buffer.from(sealed).toString('base64'),
      keyVault: this.#vault.description,
    });
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flush: true });
    renameSync(temporary, this.path);
  }

  #readStored(): StoredCredentials | null {
    const path = this.path;
    if (!existsSync(path)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error: unknown) {
      throw new AppError('DATA_DIR_UNUSABLE', `${path} is not readable JSON; enroll the station again`, { cause: error });
    }
    const parsed = storedSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('DATA_DIR_UNUSABLE', `${path} is malformed (${describeZodError(parsed.error)}); enroll the station again`);
    return parsed.data;
  }
}
