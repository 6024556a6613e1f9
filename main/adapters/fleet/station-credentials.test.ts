import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test-support/temp-dir';
import { openLocalKeyVault } from '../key-vault/local-key-vault-setup';
import { UnavailableKeyVault } from '../key-vault/unavailable-key-vault';
import { StationCredentialsFile, type StationCredentials } from './station-credentials';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function credentials(): StationCredentials {
  const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { serverUrl: 'https://127.0.0.1:8443', stationId: 'station-1', certificatePem: CERT, caPem: CERT, keyPem };
}

describe('the station credentials file', () => {
  let temp: { path: string; remove: () => void };
  let dataDir: string;
  const env = (): NodeJS.ProcessEnv => ({ XDG_CONFIG_HOME: join(temp.path, 'config') });
  beforeEach(() => {
    temp = makeTempDir('fieldline-credentials-');
    dataDir = join(temp.path, 'data');
  });
  afterEach(() => temp.remove());

  it('stores the TLS key sealed, never as PEM, and opens it again', async () => {
    const file = new StationCredentialsFile(dataDir, openLocalKeyVault({ dataDir, env: env() }));
    const written = credentials();
    await file.write(written);
    const onDisk = readFileSync(file.path, 'utf8');
    expect(onDisk).not.toContain('PRIVATE KEY');
    expect(JSON.parse(onDisk)).toMatchObject({ keyVault: expect.stringMatching(/^key file /) as unknown });
    expect(file.readPublic()).toEqual({ serverUrl: written.serverUrl, stationId: 'station-1', certificatePem: CERT, caPem: CERT });
    expect(await file.open()).toEqual(written);
  });

  it('reads an old plain-PEM file once and re-seals it in place', async () => {
    const old = credentials();
    mkdirSync(join(dataDir, 'fleet'), { recursive: true });
    const path = join(dataDir, 'fleet', 'fleet-station.json');
    writeFileSync(path, JSON.stringify(old));
    const file = new StationCredentialsFile(dataDir, openLocalKeyVault({ dataDir, env: env() }));
    expect(await file.open()).toEqual(old);
    expect(readFileSync(path, 'utf8')).not.toContain('PRIVATE KEY');
    expect(await file.open()).toEqual(old);
  });

  it('refuses to write when the vault cannot seal, and leaves nothing behind', async () => {
    const file = new StationCredentialsFile(dataDir, new UnavailableKeyVault());
    await expect(file.write(credentials())).rejects.toMatchObject({ code: 'KEY_VAULT_UNAVAILABLE' });
    expect(file.readPublic()).toBeNull();
  });

  it('names a file whose key another vault sealed', async () => {
    await new StationCredentialsFile(dataDir, openLocalKeyVault({ dataDir, env: { FIELDLINE_KEY_PASSPHRASE: 'a long station passphrase' } })).write(credentials());
    const other = new StationCredentialsFile(dataDir, openLocalKeyVault({ dataDir, env: env() }));
    await expect(other.open()).rejects.toThrow(/sealed with a passphrase/);
  });
});
