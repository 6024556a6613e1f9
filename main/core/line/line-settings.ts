import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { operatorRoleSchema } from '../../../shared/contract/line';
import { AppError } from '../../../shared/errors';

const pinHashSchema = z.object({
  algorithm: z.literal('scrypt'),
  salt: z.string(),
  hash: z.string(),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
});

const storedOperatorSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: operatorRoleSchema,
  pin: pinHashSchema,
});
export type StoredOperator = z.infer<typeof storedOperatorSchema>;

export const lineSettingsSchema = z.object({
  version: z.literal(1),
  operators: z.array(storedOperatorSchema),
  ports: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('all') }),
    z.object({ mode: z.literal('listed'), addresses: z.array(z.string()) }),
  ]),
  canaryCount: z.number().int().min(1).max(100),
});
export type LineSettings = z.infer<typeof lineSettingsSchema>;

export const DEFAULT_LINE_SETTINGS: LineSettings = {
  version: 1,
  operators: [],
  ports: { mode: 'all' },
  canaryCount: 3,
};

/**
 * Where the line's settings live (operators, ports, canary count; the locked work is in the ledger's
 * last `line.configured` event). They are station-local on purpose: PIN hashes never belong in the
 * ledger, which is synced to the fleet server. The ledger records who changed what, not the secrets.
 */
export interface LineSettingsStore {
  read(): LineSettings;
  write(settings: LineSettings): void;
}

export class MemoryLineSettingsStore implements LineSettingsStore {
  #settings: LineSettings;
  constructor(initial: Partial<LineSettings> = {}) {
    this.#settings = { ...DEFAULT_LINE_SETTINGS, ...initial };
  }
  read(): LineSettings {
    return structuredClone(this.#settings);
  }
  write(settings: LineSettings): void {
    this.#settings = structuredClone(settings);
  }
}

/** `<dataDir>/line.json`, readable by this user only, replaced atomically (write, then rename). */
export class JsonFileLineSettingsStore implements LineSettingsStore {
  readonly #path: string;
  constructor(path: string) {
    this.#path = path;
  }

  read(): LineSettings {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(DEFAULT_LINE_SETTINGS);
      throw new AppError('DATA_DIR_UNUSABLE', `cannot read the line settings ${this.#path}`, { cause: error });
    }
    const parsed = lineSettingsSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new AppError('DATA_DIR_UNUSABLE', `the line settings ${this.#path} are malformed: ${parsed.error.issues[0]?.message ?? ''}`, {
        details: { path: this.#path },
      });
    }
    return parsed.data;
  }

  write(settings: LineSettings): void {
    const temporary = `${this.#path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.#path), { recursive: true });
      writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
      chmodSync(temporary, 0o600);
      renameSync(temporary, this.#path);
    } catch (error: unknown) {
      throw new AppError('DATA_DIR_UNUSABLE', `cannot write the line settings ${this.#path}`, { cause: error });
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
