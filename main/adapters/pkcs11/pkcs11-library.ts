import type * as Pkcs11Js from 'pkcs11js';
import { AppError } from '../../../shared/errors';

export type Pkcs11Module = typeof Pkcs11Js;
export type Pkcs11 = InstanceType<Pkcs11Module['PKCS11']>;

/** A loaded and initialized PKCS#11 library, shared by every user of the same module path. */
export interface Pkcs11Library {
  readonly module: Pkcs11Module;
  readonly pkcs11: Pkcs11;
  readonly modulePath: string;
  /**
   * Login state per token label. PKCS#11 logs the whole application in or out of a token (§6.7), not
   * one session, so the sessions opened here count their users, remember which PIN opened the token
   * (as a digest, in memory only) and log out when the last one closes.
   */
  readonly logins: Map<string, { pinDigest: string; sessions: number }>;
  release(): void;
}

/**
 * A PKCS#11 library is initialized once per process (a second C_Initialize fails with
 * CKR_CRYPTOKI_ALREADY_INITIALIZED and C_Finalize ends every session), so loaded libraries are
 * counted here by path and finalized when the last user releases them.
 */
const loaded = new Map<string, { library: Pkcs11Library; users: number }>();

/** Loads `pkcs11js` (native, lazily: machines without tokens never load it) and the vendor module. */
export async function acquirePkcs11Library(modulePath: string): Promise<Pkcs11Library> {
  let module: Pkcs11Module;
  try {
    const imported = (await import('pkcs11js')) as Pkcs11Module & { default?: Pkcs11Module };
    module = imported.default ?? imported;
  } catch (error: unknown) {
    throw new AppError('PKCS11_UNAVAILABLE', `the pkcs11js binding cannot be loaded: ${describe(error)}`, {
      cause: error,
    });
  }
  // Looked up after the only await, so callers acquiring at the same time (a factory line enrolling
  // several devices) share one library instead of each initializing and finalizing its own.
  const existing = loaded.get(modulePath);
  if (existing !== undefined) {
    existing.users += 1;
    return existing.library;
  }
  const pkcs11 = new module.PKCS11();
  try {
    pkcs11.load(modulePath);
  } catch (error: unknown) {
    throw new AppError(
      'PKCS11_UNAVAILABLE',
      `cannot load the PKCS#11 module ${modulePath}: ${describe(error)}`,
      {
        cause: error,
        details: { modulePath },
      },
    );
  }
  try {
    pkcs11.C_Initialize();
  } catch (error: unknown) {
    if (!isReturnValue(error, module.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
      pkcs11.close();
      throw new AppError(
        'PKCS11_UNAVAILABLE',
        `the PKCS#11 module ${modulePath} does not initialize: ${describe(error)}`,
        { cause: error },
      );
    }
  }
  const library: Pkcs11Library = {
    module,
    pkcs11,
    modulePath,
    logins: new Map(),
    release() {
      const entry = loaded.get(modulePath);
      if (entry === undefined) return;
      entry.users -= 1;
      if (entry.users > 0) return;
      loaded.delete(modulePath);
      try {
        pkcs11.C_Finalize();
      } finally {
        pkcs11.close();
      }
    },
  };
  loaded.set(modulePath, { library, users: 1 });
  return library;
}

/** Whether a pkcs11js error carries the given CKR_ return value. */
export function isReturnValue(error: unknown, value: number): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === value;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
