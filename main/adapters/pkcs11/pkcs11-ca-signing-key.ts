import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { CaSigningKey } from '../../core/ports/ca-signing-key';
import { acquirePkcs11Library, describe, isReturnValue, type Pkcs11Library } from './pkcs11-library';

/** Where the offline CA key lives: a token by label, and the key pair's CKA_LABEL in it. */
export interface Pkcs11KeyLocation {
  /** The vendor's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  modulePath: string;
  tokenLabel: string;
  keyLabel: string;
  /** The token's user PIN; never logged (the pino adapter redacts `pin`). */
  pin: string;
}

/** DER of the P-256 OID (CKA_EC_PARAMS), and the SubjectPublicKeyInfo header before the point. */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

type Session = { library: Pkcs11Library; session: Buffer; tokenLabel: string };

/**
 * Opens the offline CA key in a PKCS#11 token (SoftHSM2 in tests): the private key must be sensitive
 * and never extractable, so it cannot leave the token; the station only ever asks the token to sign a
 * SHA-256 digest (CKM_ECDSA, answered as r‖s). Token, PIN and key problems are typed:
 * PKCS11_UNAVAILABLE, PKCS11_PIN_INCORRECT, OFFLINE_CA_UNUSABLE.
 */
export async function openPkcs11CaSigningKey(location: Pkcs11KeyLocation): Promise<CaSigningKey> {
  const opened = await openSession(location);
  const { library, session } = opened;
  const { pkcs11, module: p } = library;
  try {
    const privateKey = findObject(opened, p.CKO_PRIVATE_KEY, location);
    const publicKey = findObject(opened, p.CKO_PUBLIC_KEY, location);
    const [sensitive, extractable, keyType] = pkcs11.C_GetAttributeValue(session, privateKey, [
      { type: p.CKA_SENSITIVE },
      { type: p.CKA_EXTRACTABLE },
      { type: p.CKA_KEY_TYPE },
    ]);
    if (readNumber(keyType?.value) !== p.CKK_EC) throw unusable(location, 'is not an EC key');
    if (!readBoolean(sensitive?.value) || readBoolean(extractable?.value)) {
      throw unusable(
        location,
        'can be exported from the token (not sensitive, or extractable); an offline CA key must never leave it',
      );
    }
    const [params, point] = pkcs11.C_GetAttributeValue(session, publicKey, [
      { type: p.CKA_EC_PARAMS },
      { type: p.CKA_EC_POINT },
    ]);
    if (!params?.value.equals(P256_PARAMS)) throw unusable(location, 'is not on the P-256 curve');
    const publicKeySpki = spkiFromEcPoint(point?.value ?? Buffer.alloc(0), location);
    let queue: Promise<unknown> = Promise.resolve();
    let isClosed = false;
    const description = `pkcs11:token=${location.tokenLabel};object=${location.keyLabel}`;
    return {
      description,
      algorithm: 'ecdsa-p256-sha256',
      publicKeySpki,
      sign(data: Uint8Array): Promise<Uint8Array> {
        // One operation at a time per session (PKCS#11 §5.2); callers queue here.
        const result = queue.then(async () => {
          if (isClosed) throw new AppError('PKCS11_UNAVAILABLE', `${description} is closed`);
          const digest = createHash('sha256').update(data).digest();
          try {
            pkcs11.C_SignInit(session, { mechanism: p.CKM_ECDSA }, privateKey);
            return new Uint8Array(await pkcs11.C_SignAsync(session, digest, Buffer.alloc(64)));
          } catch (error: unknown) {
            throw new AppError(
              'PKCS11_UNAVAILABLE',
              `the token ${location.tokenLabel} did not sign: ${describe(error)}`,
              { cause: error },
            );
          }
        });
        queue = result.catch(() => undefined);
        return result;
      },
      async close(): Promise<void> {
        if (isClosed) return;
        isClosed = true;
        await queue;
        closeSession(opened);
      },
    };
  } catch (error: unknown) {
    closeSession(opened);
    throw error;
  }
}

/**
 * Generates the offline CA key pair inside the token: sensitive, never extractable, sign-only. Returns
 * the public key (SubjectPublicKeyInfo DER) for the CA's CSR; the private key stays in the token.
 */
export async function generatePkcs11CaKey(location: Pkcs11KeyLocation): Promise<Uint8Array> {
  const opened = await openSession(location);
  const { library, session } = opened;
  const { pkcs11, module: p } = library;
  try {
    const label = location.keyLabel;
    const { publicKey } = await pkcs11.C_GenerateKeyPairAsync(
      session,
      { mechanism: p.CKM_EC_KEY_PAIR_GEN },
      [
        { type: p.CKA_TOKEN, value: true },
        { type: p.CKA_LABEL, value: label },
        { type: p.CKA_EC_PARAMS, value: P256_PARAMS },
        { type: p.CKA_VERIFY, value: true },
      ],
      [
        { type: p.CKA_TOKEN, value: true },
        { type: p.CKA_LABEL, value: label },
        { type: p.CKA_PRIVATE, value: true },
        { type: p.CKA_SENSITIVE, value: true },
        { type: p.CKA_EXTRACTABLE, value: false },
        { type: p.CKA_SIGN, value: true },
        { type: p.CKA_DECRYPT, value: false },
        { type: p.CKA_DERIVE, value: false },
      ],
    );
    const [point] = pkcs11.C_GetAttributeValue(session, publicKey, [{ type: p.CKA_EC_POINT }]);
    return spkiFromEcPoint(point?.value ?? Buffer.alloc(0), location);
  } catch (error: unknown) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'PKCS11_UNAVAILABLE',
      `the token ${location.tokenLabel} did not generate a key: ${describe(error)}`,
      { cause: error },
    );
  } finally {
    closeSession(opened);
  }
}

async function openSession(location: Pkcs11KeyLocation): Promise<Session> {
  const library = await acquirePkcs11Library(location.modulePath);
  const { pkcs11, module: p } = library;
  try {
    const labels: string[] = [];
    let slot: Buffer | undefined;
    for (const candidate of pkcs11.C_GetSlotList(true)) {
      const label = pkcs11.C_GetTokenInfo(candidate).label.trim();
      labels.push(label);
      if (label === location.tokenLabel) slot = candidate;
    }
    if (slot === undefined) {
      throw new AppError(
        'PKCS11_UNAVAILABLE',
        `no token labelled "${location.tokenLabel}" in ${location.modulePath} (present: ${labels.map((l) => `"${l}"`).join(', ') || 'none'})`,
        {
          details: { tokenLabel: location.tokenLabel, present: labels },
        },
      );
    }
    const session = pkcs11.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
    try {
      logIn(library, session, location);
    } catch (error: unknown) {
      pkcs11.C_CloseSession(session);
      throw error;
    }
    return { library, session, tokenLabel: location.tokenLabel };
  } catch (error: unknown) {
    library.release();
    if (error instanceof AppError) throw error;
    throw new AppError(
      'PKCS11_UNAVAILABLE',
      `the token "${location.tokenLabel}" cannot be opened: ${describe(error)}`,
      { cause: error },
    );
  }
}

/**
 * Logs the application in to the token, or, when a session of this process already did, checks that
 * the same PIN is given: PKCS#11 would answer CKR_USER_ALREADY_LOGGED_IN to any PIN.
 */
function logIn(library: Pkcs11Library, session: Buffer, location: Pkcs11KeyLocation): void {
  const { pkcs11, module: p } = library;
  const pinDigest = createHash('sha256').update(`${location.tokenLabel}\0${location.pin}`).digest('hex');
  const current = library.logins.get(location.tokenLabel);
  if (current !== undefined) {
    if (current.pinDigest !== pinDigest) {
      throw new AppError(
        'PKCS11_PIN_INCORRECT',
        `the token "${location.tokenLabel}" refused the PIN (it is open in this process with another one)`,
      );
    }
    current.sessions += 1;
    return;
  }
  try {
    pkcs11.C_Login(session, p.CKU_USER, location.pin);
  } catch (error: unknown) {
    if (isReturnValue(error, p.CKR_PIN_INCORRECT)) {
      throw new AppError('PKCS11_PIN_INCORRECT', `the token "${location.tokenLabel}" refused the PIN`, {
        cause: error,
      });
    }
    if (isReturnValue(error, p.CKR_PIN_LOCKED)) {
      throw new AppError(
        'PKCS11_UNAVAILABLE',
        `the token "${location.tokenLabel}" is locked after too many wrong PINs; its security officer must unlock it`,
        { cause: error },
      );
    }
    throw new AppError(
      'PKCS11_UNAVAILABLE',
      `cannot log in to the token "${location.tokenLabel}": ${describe(error)}`,
      { cause: error },
    );
  }
  library.logins.set(location.tokenLabel, { pinDigest, sessions: 1 });
}

function closeSession({ library, session, tokenLabel }: Session): void {
  const login = library.logins.get(tokenLabel);
  try {
    if (login !== undefined) login.sessions -= 1;
    if (login !== undefined && login.sessions <= 0) {
      library.logins.delete(tokenLabel);
      library.pkcs11.C_Logout(session);
    }
  } catch {
    // The token logged us out already (removed, or reset); closing the session follows.
  }
  try {
    library.pkcs11.C_CloseSession(session);
  } finally {
    library.release();
  }
}

function findObject({ library, session }: Session, objectClass: number, location: Pkcs11KeyLocation): Buffer {
  const { pkcs11, module: p } = library;
  pkcs11.C_FindObjectsInit(session, [
    { type: p.CKA_CLASS, value: objectClass },
    { type: p.CKA_LABEL, value: location.keyLabel },
  ]);
  try {
    const found = pkcs11.C_FindObjects(session, 2);
    const what = objectClass === p.CKO_PRIVATE_KEY ? 'private' : 'public';
    if (found.length === 0) {
      throw new AppError(
        'PKCS11_UNAVAILABLE',
        `the token "${location.tokenLabel}" holds no ${what} key labelled "${location.keyLabel}"`,
      );
    }
    if (found.length > 1) {
      throw new AppError(
        'PKCS11_UNAVAILABLE',
        `the token "${location.tokenLabel}" holds several ${what} keys labelled "${location.keyLabel}"; labels must be unique`,
      );
    }
    return found[0]!;
  } finally {
    pkcs11.C_FindObjectsFinal(session);
  }
}

/** CKA_EC_POINT is a DER OCTET STRING around the uncompressed point (04‖X‖Y); some tokens give the raw point. */
function spkiFromEcPoint(value: Buffer, location: Pkcs11KeyLocation): Uint8Array {
  const point = value.length === 67 && value[0] === 0x04 && value[1] === 0x41 ? value.subarray(2) : value;
  if (point.length !== 65 || point[0] !== 0x04)
    throw unusable(location, 'has a public point that is not an uncompressed P-256 point');
  return new Uint8Array(Buffer.concat([P256_SPKI_PREFIX, point]));
}

function unusable(location: Pkcs11KeyLocation, problem: string): AppError {
  return new AppError(
    'OFFLINE_CA_UNUSABLE',
    `the key "${location.keyLabel}" in token "${location.tokenLabel}" ${problem}`,
  );
}

function readBoolean(value: Buffer | undefined): boolean {
  return value !== undefined && value.length > 0 && value.some((byte) => byte !== 0);
}

function readNumber(value: Buffer | undefined): number {
  if (value === undefined || value.length === 0) return -1;
  return value.length >= 8
    ? Number(value.readBigUInt64LE(0))
    : value.readUIntLE(0, Math.min(value.length, 6));
}
