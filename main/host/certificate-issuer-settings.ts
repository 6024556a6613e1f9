import { AppError } from '../../shared/errors';

export type IssuerChoice = 'est' | 'offline';

/** EST against the enrolled fleet server, or against another EST server (`FIELDLINE_EST_URL`). */
export interface EstIssuerSettings {
  kind: 'est';
  /** null: the fleet server the station is enrolled at. */
  url: string | null;
  /** PEM file the EST server's TLS certificate must chain to; null: the fleet CA. */
  caFile: string | null;
  basicAuth: { username: string; password: string } | null;
}

export type OfflineCaKeySettings =
  | { kind: 'pkcs11'; modulePath: string; tokenLabel: string; keyLabel: string; pin: string | null; pinFile: string | null }
  | { kind: 'sealed'; sealedKeyFile: string };

/** The station's offline issuing CA: its certificate chain and where its key lives. */
export interface OfflineIssuerSettings {
  kind: 'offline';
  /** PEM file: the station's CA certificate first, then the certificates above it up to the root. */
  chainFile: string;
  key: OfflineCaKeySettings;
}

/** What is configured of each issuer, and which one is wanted. */
export interface CertificateIssuerSettings {
  /** `--issuer`, else FIELDLINE_ISSUER, else null (EST when configured, else offline). */
  choice: IssuerChoice | null;
  est: EstIssuerSettings | null;
  offline: OfflineIssuerSettings | null;
}

const PKCS11_VARIABLES = [
  'FIELDLINE_OFFLINE_CA_PKCS11_MODULE',
  'FIELDLINE_OFFLINE_CA_PKCS11_TOKEN',
  'FIELDLINE_OFFLINE_CA_PKCS11_KEY',
] as const;

/**
 * Reads the issuer settings from the environment (README "Configuration"). A partial setting is an
 * INVALID_INPUT naming what is missing, rather than silently falling back to another issuer.
 * `fleetServerUrl` is the enrolled fleet server, or null.
 */
export function readIssuerSettings(
  env: NodeJS.ProcessEnv,
  options: { choice?: string | undefined; fleetServerUrl: string | null },
): CertificateIssuerSettings {
  const text = (name: string): string | null => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? null : value.trim();
  };
  const choiceText = options.choice ?? text('FIELDLINE_ISSUER');
  if (choiceText !== null && choiceText !== 'est' && choiceText !== 'offline')
    throw new AppError('INVALID_INPUT', `the issuer must be "est" or "offline", not "${choiceText}"`, { details: { field: 'issuer' } });

  const estUrl = text('FIELDLINE_EST_URL');
  if (estUrl !== null && !/^https:\/\//i.test(estUrl))
    throw new AppError('INVALID_INPUT', `FIELDLINE_EST_URL must be an https:// URL, not "${estUrl}"`, { details: { field: 'FIELDLINE_EST_URL' } });
  const username = text('FIELDLINE_EST_USERNAME');
  const password = env['FIELDLINE_EST_PASSWORD'] ?? null;
  if ((username === null) !== (password === null || password === ''))
    throw new AppError('INVALID_INPUT', 'set both FIELDLINE_EST_USERNAME and FIELDLINE_EST_PASSWORD, or neither');
  const estCa = text('FIELDLINE_EST_CA');
  if (estUrl !== null && estCa === null && options.fleetServerUrl === null)
    throw new AppError('INVALID_INPUT', 'FIELDLINE_EST_URL needs FIELDLINE_EST_CA (a PEM file with the CA its TLS certificate chains to)', {
      details: { field: 'FIELDLINE_EST_CA' },
    });
  const est: EstIssuerSettings | null =
    estUrl === null && options.fleetServerUrl === null
      ? null
      : {
          kind: 'est',
          url: estUrl,
          caFile: estCa,
          basicAuth: username === null || password === null ? null : { username, password },
        };

  return { choice: choiceText, est, offline: readOfflineSettings(text) };
}

function readOfflineSettings(text: (name: string) => string | null): OfflineIssuerSettings | null {
  const chainFile = text('FIELDLINE_OFFLINE_CA_CHAIN');
  const sealedKeyFile = text('FIELDLINE_OFFLINE_CA_SEALED_KEY');
  const pkcs11Given = PKCS11_VARIABLES.filter((name) => text(name) !== null);
  if (chainFile === null) {
    if (sealedKeyFile !== null || pkcs11Given.length > 0)
      throw new AppError('INVALID_INPUT', 'the offline CA key is configured but FIELDLINE_OFFLINE_CA_CHAIN (the CA certificate chain, PEM) is not', {
        details: { field: 'FIELDLINE_OFFLINE_CA_CHAIN' },
      });
    return null;
  }
  if (pkcs11Given.length > 0 && sealedKeyFile !== null)
    throw new AppError('INVALID_INPUT', 'configure the offline CA key either in a PKCS#11 token or sealed (FIELDLINE_OFFLINE_CA_SEALED_KEY), not both');
  if (pkcs11Given.length > 0) {
    const missing: string[] = PKCS11_VARIABLES.filter((name) => text(name) === null);
    const pin = text('FIELDLINE_OFFLINE_CA_PKCS11_PIN');
    const pinFile = text('FIELDLINE_OFFLINE_CA_PKCS11_PIN_FILE');
    if (pin === null && pinFile === null) missing.push('FIELDLINE_OFFLINE_CA_PKCS11_PIN');
    if (missing.length > 0)
      throw new AppError('INVALID_INPUT', `the offline CA's PKCS#11 key is partly configured; also set ${missing.join(', ')}`, { details: { missing } });
    return {
      kind: 'offline',
      chainFile,
      key: {
        kind: 'pkcs11',
        modulePath: text('FIELDLINE_OFFLINE_CA_PKCS11_MODULE')!,
        tokenLabel: text('FIELDLINE_OFFLINE_CA_PKCS11_TOKEN')!,
        keyLabel: text('FIELDLINE_OFFLINE_CA_PKCS11_KEY')!,
        pin,
        pinFile,
      },
    };
  }
  if (sealedKeyFile !== null) return { kind: 'offline', chainFile, key: { kind: 'sealed', sealedKeyFile } };
  throw new AppError(
    'INVALID_INPUT',
    'FIELDLINE_OFFLINE_CA_CHAIN is set but not where the CA key is: set FIELDLINE_OFFLINE_CA_PKCS11_MODULE, _TOKEN, _KEY and _PIN (or _PIN_FILE), or FIELDLINE_OFFLINE_CA_SEALED_KEY',
  );
}

/** Which configured issuer to use; ISSUER_NOT_CONFIGURED says what to set when the wanted one is not. */
export function chooseIssuer(settings: CertificateIssuerSettings): EstIssuerSettings | OfflineIssuerSettings {
  if (settings.choice === 'est') {
    if (settings.est !== null) return settings.est;
    throw new AppError('ISSUER_NOT_CONFIGURED', 'EST was asked for, but this station is not enrolled at a fleet server and FIELDLINE_EST_URL is not set', {
      details: { issuer: 'est' },
    });
  }
  if (settings.choice === 'offline') {
    if (settings.offline !== null) return settings.offline;
    throw new AppError('ISSUER_NOT_CONFIGURED', 'the offline CA was asked for, but FIELDLINE_OFFLINE_CA_CHAIN and its key are not set', {
      details: { issuer: 'offline' },
    });
  }
  const chosen = settings.est ?? settings.offline;
  if (chosen !== null) return chosen;
  throw new AppError(
    'ISSUER_NOT_CONFIGURED',
    'no certificate issuer is configured: enroll the station at a fleet server (fieldline sync enroll), or set FIELDLINE_EST_URL, or FIELDLINE_OFFLINE_CA_CHAIN with FIELDLINE_OFFLINE_CA_PKCS11_* or FIELDLINE_OFFLINE_CA_SEALED_KEY',
  );
}
