import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import { LocalKeyVault, type LocalVaultSecret } from './local-key-vault';

/** The shortest passphrase accepted: shorter ones fall to guessing despite scrypt. */
export const MIN_PASSPHRASE_LENGTH = 12;
const KEY_FILE_BYTES = 32;

export interface LocalKeyVaultSettings {
  env?: NodeJS.ProcessEnv;
  /** The data folder: the key file must not be inside it (copying the folder must not copy the key). */
  dataDir: string;
}

/**
 * The vault of the CLI and the headless station. The key comes from, in order:
 * `FIELDLINE_KEY_PASSPHRASE` (≥ 12 characters); `FIELDLINE_KEY_FILE` (an existing file, owner-only,
 * outside the data folder); else the default key file `$XDG_CONFIG_HOME/fieldline/vault.key`
 * (`~/.config/fieldline/vault.key`), created with 32 random bytes and mode 0600 on first use. What
 * this protects against: a copied or backed-up data folder, a support bundle, the synced database —
 * not someone who can read this OS user's files (the desktop app's OS keystore is the stronger choice).
 */
export function openLocalKeyVault(settings: LocalKeyVaultSettings): LocalKeyVault {
  const env = settings.env ?? process.env;
  const passphrase = env['FIELDLINE_KEY_PASSPHRASE'];
  if (passphrase !== undefined && passphrase !== '') {
    return new LocalKeyVault('passphrase (FIELDLINE_KEY_PASSPHRASE)', () => {
      if ([...passphrase].length < MIN_PASSPHRASE_LENGTH)
        throw new AppError('KEY_VAULT_UNAVAILABLE', `FIELDLINE_KEY_PASSPHRASE is shorter than ${MIN_PASSPHRASE_LENGTH} characters; choose a longer passphrase`);
      return { kind: 'passphrase', passphrase };
    });
  }
  const configured = env['FIELDLINE_KEY_FILE'];
  const path = configured !== undefined && configured !== '' ? resolve(configured) : defaultKeyFilePath(env);
  let cached: LocalVaultSecret | null = null;
  return new LocalKeyVault(`key file ${path}`, () => {
    cached ??= {
      kind: 'key-file',
      path,
      key: readKeyFile(path, settings.dataDir, { createIfMissing: configured === undefined || configured === '' }),
    };
    return cached;
  });
}

export function defaultKeyFilePath(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_CONFIG_HOME'];
  const base = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.config');
  return join(base, 'fieldline', 'vault.key');
}

function readKeyFile(path: string, dataDir: string, options: { createIfMissing: boolean }): Buffer {
  if (isInside(path, dataDir))
    throw new AppError('KEY_VAULT_UNAVAILABLE', `the key file ${path} is inside the data folder ${dataDir}; whoever copies the folder would get the key too. Keep it elsewhere`);
  let stats = lstatOrNull(path);
  if (stats === null) {
    if (!options.createIfMissing)
      throw new AppError('KEY_VAULT_UNAVAILABLE', `FIELDLINE_KEY_FILE ${path} does not exist; create it with 32 random bytes and mode 0600 (e.g. head -c 32 /dev/urandom > file; chmod 600 file)`);
    createKeyFile(path);
    stats = lstatOrNull(path);
  }
  if (stats === null || !stats.isFile())
    throw new AppError('KEY_VAULT_UNAVAILABLE', `the key file ${path} is not a regular file`);
  if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0)
    throw new AppError('KEY_VAULT_UNAVAILABLE', `the key file ${path} is readable by others (mode ${(stats.mode & 0o777).toString(8)}); chmod 600 it`);
  const key = readFileSync(path);
  if (key.length < KEY_FILE_BYTES)
    throw new AppError('KEY_VAULT_UNAVAILABLE', `the key file ${path} holds ${key.length} bytes; it needs at least ${KEY_FILE_BYTES} random bytes`);
  return key;
}

/** Written under a temporary name and linked into place, so two processes starting at once share one key. */
function createKeyFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, randomBytes(KEY_FILE_BYTES), { mode: 0o600, flush: true });
    try {
      linkSync(temporary, path);
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(temporary, { force: true });
    }
  } catch (error: unknown) {
    throw new AppError('KEY_VAULT_UNAVAILABLE', `cannot create the key file ${path}; set FIELDLINE_KEY_FILE or FIELDLINE_KEY_PASSPHRASE`, { cause: error });
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function isInside(path: string, folder: string): boolean {
  const real = (target: string): string => {
    try {
      return realpathSync(target);
    } catch {
      return resolve(target);
    }
  };
  const difference = relative(real(folder), real(dirname(path)));
  return difference === '' || (!difference.startsWith('..') && !isAbsolute(difference));
}
