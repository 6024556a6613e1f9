import { createHash, webcrypto } from 'node:crypto';
import type * as Pkcs11Js from 'pkcs11js';
import { AppError } from '../../../shared/errors';
import type { CryptoKey } from './x509';

type Pkcs11Binding = typeof Pkcs11Js;
type Pkcs11 = InstanceType<Pkcs11Binding['PKCS11']>;

/** Where a CA key lives: a PKCS#11 module, a token by label, the key pair's CKA_LABEL, and the user PIN. */
export interface Pkcs11KeyConfig {
  /** The vendor's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  modulePath: string;
  tokenLabel: string;
  keyLabel: string;
  /** The token's user PIN; held in memory only, never logged. */
  pin: string;
}

/**
 * An EC P-256 private key that stays in a token. @peculiar/x509 is handed `signingKey` (a handle it
 * only reads `algorithm` from) together with `signingCrypto`, whose `subtle.sign` asks the token to
 * sign; everything else (hashing, public-key import, verification) is Node's WebCrypto.
 */
export interface Pkcs11SigningKey {
  readonly signingKey: CryptoKey;
  readonly signingCrypto: webcrypto.Crypto;
  /** SubjectPublicKeyInfo (DER) of the token's public key. */
  readonly publicKeySpki: Buffer;
  /** `pkcs11:token=…;object=…`, for messages and logs. */
  readonly uri: string;
  close(): Promise<void>;
}

/** CKA_EC_PARAMS of P-256 (its OID), and the SubjectPublicKeyInfo bytes before the uncompressed point. */
const EC_PARAMS_P256 = Buffer.from('06082a8648ce3d030107', 'hex');
const SPKI_P256_HEADER = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

/**
 * PKCS#11 state belongs to the process: C_Initialize once per module, C_Finalize ends every session.
 * Opened modules are shared by path and finalized when their last key closes.
 */
const modules = new Map<string, OpenModule>();

/**
 * A login is the application's, not a session's (PKCS#11 §6.7): a second C_Login answers
 * CKR_USER_ALREADY_LOGGED_IN whatever the PIN. So each token's login is recorded with a digest of the
 * PIN that opened it and the number of sessions using it; the token logs out when the last one closes.
 */
interface OpenModule {
  binding: Pkcs11Binding;
  pkcs11: Pkcs11;
  users: number;
  logins: Map<string, { pinDigest: string; sessions: number }>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hasReturnValue(error: unknown, value: number): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === value;
}

async function openModule(modulePath: string): Promise<OpenModule> {
  const shared = modules.get(modulePath);
  if (shared !== undefined) {
    shared.users += 1;
    return shared;
  }
  let binding: Pkcs11Binding;
  try {
    // Loaded lazily: a server with file keys never loads the native binding.
    const imported = (await import('pkcs11js')) as Pkcs11Binding & { default?: Pkcs11Binding };
    binding = imported.default ?? imported;
  } catch (error: unknown) {
    throw new AppError('PKCS11_UNAVAILABLE', `the pkcs11js binding does not load: ${messageOf(error)}`, { cause: error });
  }
  const pkcs11 = new binding.PKCS11();
  try {
    pkcs11.load(modulePath);
  } catch (error: unknown) {
    throw new AppError('PKCS11_UNAVAILABLE', `the PKCS#11 module ${modulePath} does not load: ${messageOf(error)}`, { cause: error, details: { modulePath } });
  }
  try {
    pkcs11.C_Initialize();
  } catch (error: unknown) {
    if (!hasReturnValue(error, binding.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
      pkcs11.close();
      throw new AppError('PKCS11_UNAVAILABLE', `the PKCS#11 module ${modulePath} does not initialize: ${messageOf(error)}`, { cause: error, details: { modulePath } });
    }
  }
  const entry: OpenModule = { binding, pkcs11, users: 1, logins: new Map() };
  modules.set(modulePath, entry);
  return entry;
}

function releaseModule(modulePath: string): void {
  const entry = modules.get(modulePath);
  if (entry === undefined) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  modules.delete(modulePath);
  try {
    entry.pkcs11.C_Finalize();
  } finally {
    entry.pkcs11.close();
  }
}

function findSlot(pkcs11: Pkcs11, config: Pkcs11KeyConfig): Buffer {
  const present: string[] = [];
  for (const slot of pkcs11.C_GetSlotList(true)) {
    const label = pkcs11.C_GetTokenInfo(slot).label.trim();
    if (label === config.tokenLabel) return slot;
    present.push(label);
  }
  throw new AppError('PKCS11_UNAVAILABLE', `${config.modulePath} has no token labelled "${config.tokenLabel}" (tokens present: ${present.map((label) => `"${label}"`).join(', ') || 'none'})`, {
    details: { tokenLabel: config.tokenLabel, present },
  });
}

function login({ binding, pkcs11, logins }: OpenModule, session: Buffer, config: Pkcs11KeyConfig): void {
  const pinDigest = createHash('sha256').update(config.pin).digest('hex');
  const current = logins.get(config.tokenLabel);
  if (current !== undefined) {
    if (current.pinDigest !== pinDigest) {
      throw new AppError('PKCS11_PIN_INCORRECT', `the token "${config.tokenLabel}" is open in this process with another PIN; this one is refused`);
    }
    current.sessions += 1;
    return;
  }
  try {
    pkcs11.C_Login(session, binding.CKU_USER, config.pin);
  } catch (error: unknown) {
    if (hasReturnValue(error, binding.CKR_PIN_INCORRECT)) {
      throw new AppError('PKCS11_PIN_INCORRECT', `the token "${config.tokenLabel}" refused the PIN`, { cause: error });
    }
    if (hasReturnValue(error, binding.CKR_PIN_LOCKED)) {
      throw new AppError('PKCS11_UNAVAILABLE', `the token "${config.tokenLabel}" is locked after too many wrong PINs; its security officer must unlock it`, { cause: error });
    }
    throw new AppError('PKCS11_UNAVAILABLE', `cannot log in to the token "${config.tokenLabel}": ${messageOf(error)}`, { cause: error });
  }
  logins.set(config.tokenLabel, { pinDigest, sessions: 1 });
}

/** Closes a session; closing a token's last session logs the application out (PKCS#11 §5.6). */
function closeSession({ pkcs11, logins }: OpenModule, session: Buffer, tokenLabel: string, isLoggedIn: boolean): void {
  const current = logins.get(tokenLabel);
  if (isLoggedIn && current !== undefined) {
    current.sessions -= 1;
    if (current.sessions <= 0) logins.delete(tokenLabel);
  }
  pkcs11.C_CloseSession(session);
}

function findOne(pkcs11: Pkcs11, session: Buffer, objectClass: number, kind: string, config: Pkcs11KeyConfig, binding: Pkcs11Binding): Buffer {
  pkcs11.C_FindObjectsInit(session, [
    { type: binding.CKA_CLASS, value: objectClass },
    { type: binding.CKA_LABEL, value: config.keyLabel },
  ]);
  let found: Buffer[];
  try {
    found = pkcs11.C_FindObjects(session, 2);
  } finally {
    pkcs11.C_FindObjectsFinal(session);
  }
  const [handle] = found;
  if (handle === undefined) throw new AppError('PKCS11_UNAVAILABLE', `the token "${config.tokenLabel}" has no ${kind} key labelled "${config.keyLabel}"`);
  if (found.length > 1) throw new AppError('PKCS11_UNAVAILABLE', `the token "${config.tokenLabel}" has more than one ${kind} key labelled "${config.keyLabel}"`);
  return handle;
}

function isTrue(value: Buffer | undefined): boolean {
  return value !== undefined && value.some((byte) => byte !== 0);
}

/** CK_ULONG as the binding returns it: native byte order, 8 bytes on 64-bit Linux. */
function toNumber(value: Buffer | undefined): number {
  if (value === undefined || value.length === 0) return Number.NaN;
  return value.length >= 8 ? Number(value.readBigUInt64LE(0)) : value.readUIntLE(0, Math.min(6, value.length));
}

/** CKA_EC_POINT is DER (OCTET STRING around 04‖X‖Y); a few tokens return the bare point. */
function spkiOf(ecPoint: Buffer | undefined, config: Pkcs11KeyConfig): Buffer {
  let point = ecPoint ?? Buffer.alloc(0);
  if (point.length === 67 && point[0] === 0x04 && point[1] === 65) point = point.subarray(2);
  if (point.length !== 65 || point[0] !== 0x04) throw keyRefused(config, 'has no uncompressed P-256 public point');
  return Buffer.concat([SPKI_P256_HEADER, point]);
}

function keyRefused(config: Pkcs11KeyConfig, problem: string): AppError {
  return new AppError('PKCS11_UNAVAILABLE', `the key "${config.keyLabel}" in the token "${config.tokenLabel}" ${problem}`, {
    details: { tokenLabel: config.tokenLabel, keyLabel: config.keyLabel },
  });
}

/**
 * Opens an EC P-256 signing key in a PKCS#11 token. The private key must be sensitive and not
 * extractable, so that it cannot leave the token; the server only sends SHA-256 digests to be signed
 * (CKM_ECDSA, which answers r‖s, WebCrypto's format), one at a time on its session, off the event loop.
 * Errors: PKCS11_UNAVAILABLE (module, token, key, signing), PKCS11_PIN_INCORRECT.
 */
export async function openPkcs11SigningKey(config: Pkcs11KeyConfig): Promise<Pkcs11SigningKey> {
  const opened = await openModule(config.modulePath);
  const { binding, pkcs11 } = opened;
  let session: Buffer | undefined;
  let isLoggedIn = false;
  try {
    session = pkcs11.C_OpenSession(findSlot(pkcs11, config), binding.CKF_SERIAL_SESSION);
    login(opened, session, config);
    isLoggedIn = true;
    const privateKey = findOne(pkcs11, session, binding.CKO_PRIVATE_KEY, 'private', config, binding);
    const publicKey = findOne(pkcs11, session, binding.CKO_PUBLIC_KEY, 'public', config, binding);
    const [keyType, sensitive, extractable, canSign] = pkcs11.C_GetAttributeValue(session, privateKey, [
      { type: binding.CKA_KEY_TYPE },
      { type: binding.CKA_SENSITIVE },
      { type: binding.CKA_EXTRACTABLE },
      { type: binding.CKA_SIGN },
    ]);
    if (toNumber(keyType?.value) !== binding.CKK_EC) throw keyRefused(config, 'is not an EC key');
    if (!isTrue(sensitive?.value) || isTrue(extractable?.value)) {
      throw keyRefused(config, 'is extractable or not sensitive; a CA key must be generated so that it can never leave the token');
    }
    if (!isTrue(canSign?.value)) throw keyRefused(config, 'may not sign (CKA_SIGN is false)');
    const [params, point] = pkcs11.C_GetAttributeValue(session, publicKey, [{ type: binding.CKA_EC_PARAMS }, { type: binding.CKA_EC_POINT }]);
    if (params?.value === undefined || !params.value.equals(EC_PARAMS_P256)) throw keyRefused(config, 'is not on the P-256 curve');
    const publicKeySpki = spkiOf(point?.value, config);

    const uri = `pkcs11:token=${config.tokenLabel};object=${config.keyLabel}`;
    const openSession = session;
    let pending: Promise<unknown> = Promise.resolve();
    let isClosed = false;
    const signDigest = (data: Uint8Array): Promise<ArrayBuffer> => {
      // A session runs one signing operation at a time (C_SignInit … C_Sign); concurrent requests queue.
      const signed = pending.then(async () => {
        if (isClosed) throw new AppError('PKCS11_UNAVAILABLE', `${uri} is closed`);
        const digest = createHash('sha256').update(data).digest();
        try {
          pkcs11.C_SignInit(openSession, { mechanism: binding.CKM_ECDSA }, privateKey);
          const signature = await pkcs11.C_SignAsync(openSession, digest, Buffer.alloc(64));
          return new Uint8Array(signature).buffer;
        } catch (error: unknown) {
          throw new AppError('PKCS11_UNAVAILABLE', `the token "${config.tokenLabel}" did not sign: ${messageOf(error)}`, { cause: error });
        }
      });
      pending = signed.catch(() => undefined);
      return signed;
    };
    const subtle = webcrypto.subtle;
    const signingCrypto = {
      getRandomValues: webcrypto.getRandomValues.bind(webcrypto),
      randomUUID: webcrypto.randomUUID.bind(webcrypto),
      subtle: {
        digest: subtle.digest.bind(subtle),
        importKey: subtle.importKey.bind(subtle),
        exportKey: subtle.exportKey.bind(subtle),
        verify: subtle.verify.bind(subtle),
        sign: async (algorithm: { name?: string; hash?: unknown }, _key: unknown, data: webcrypto.BufferSource): Promise<ArrayBuffer> => {
          const hash = typeof algorithm.hash === 'string' ? algorithm.hash : (algorithm.hash as { name?: string } | undefined)?.name;
          if (algorithm.name !== 'ECDSA' || hash !== 'SHA-256') throw new AppError('PKCS11_UNAVAILABLE', `${uri} signs ECDSA with SHA-256 only`);
          const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
          return signDigest(bytes);
        },
      },
    } as unknown as webcrypto.Crypto;
    const signingKey = {
      type: 'private',
      extractable: false,
      algorithm: { name: 'ECDSA', namedCurve: 'P-256' },
      usages: ['sign'],
    } as unknown as CryptoKey;
    return {
      signingKey,
      signingCrypto,
      publicKeySpki,
      uri,
      async close() {
        if (isClosed) return;
        isClosed = true;
        await pending;
        try {
          closeSession(opened, openSession, config.tokenLabel, true);
        } finally {
          releaseModule(config.modulePath);
        }
      },
    };
  } catch (error: unknown) {
    if (session !== undefined) {
      try {
        closeSession(opened, session, config.tokenLabel, isLoggedIn);
      } catch {
        // The session is gone already; releasing the module follows.
      }
    }
    releaseModule(config.modulePath);
    if (error instanceof AppError) throw error;
    throw new AppError('PKCS11_UNAVAILABLE', `the token "${config.tokenLabel}" cannot be used: ${messageOf(error)}`, { cause: error });
  }
}
