import { createPrivateKey } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putCatalogItem } from '../../fleet-server/src/catalog/catalog-store';
import { createBootstrapToken } from '../../fleet-server/src/enrollment/bootstrap-tokens';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { StationCredentialsFile } from '../../main/adapters/fleet/station-credentials';
import { openLocalKeyVault } from '../../main/adapters/key-vault/local-key-vault-setup';
import { EXIT } from '../../main/host/cli/exit-codes';
import { ledgerPath } from '../../main/host/data-dir';
import { SMP_DEVICE_DEFAULTS } from '../lab/devices/smp/smp-device-config';
import { startUdpSmpDevice, type RunningSmpDevice } from '../lab/running-smp-device';
import { runFieldline } from './fieldline-cli-process';
import { createOfflineCaEnvironment, LINE_3_PROFILE_YAML, type OfflineCaEnvironment } from './offline-ca-environment';
import { describeFindings, scanForSecrets, type KnownSecret } from './secret-scan';
import { findSoftHsm } from './softhsm-token';

const softHsm = findSoftHsm();
const PASSPHRASE = 'station passphrase 7f3k-Qm2v';
const PIN = 'pin-7Qx2-9vLk-3mTz';

/**
 * quality.md "Secrets at rest": after a station enrollment (bootstrap token, TLS key) and a device
 * enrollment with the offline CA (PKCS#11 PIN), nothing secret is in plain text anywhere in the data
 * folder — the SQLite database, its -wal and -shm, logs, JSON state. The scan itself is shown to find
 * a plain key that is put back, and the station then re-seals it.
 */
describe.skipIf('missing' in softHsm)(
  `secrets at rest in the data folder${'missing' in softHsm ? ` — skipped: ${softHsm.missing}` : ''}`,
  () => {
    let folder: string;
    let dataDir: string;
    let lab: RunningSmpDevice;
    let offlineCa: OfflineCaEnvironment;
    let server: TestServer;
    let env: NodeJS.ProcessEnv;
    let token: string;
    let secrets: KnownSecret[];

    beforeAll(async () => {
      if ('missing' in softHsm) return;
      folder = await mkdtemp(join(tmpdir(), 'fieldline-secrets-'));
      dataDir = join(folder, 'data');
      offlineCa = await createOfflineCaEnvironment(join(folder, 'ca'), softHsm.modulePath, PIN);
      lab = await startUdpSmpDevice(
        { ...SMP_DEVICE_DEFAULTS, name: 'secrets', serialNumber: 'LAB-SEC-0001', hardwareId: '5ec0000000000001', stateDir: join(folder, 'device') },
        {},
      );
      server = await startTestServer();
      await putCatalogItem(server.db, 'trust-anchor', 'line-3-offline-ca', { pem: offlineCa.caPem, purpose: 'offline-device-ca' });
      // The PIN through the environment this time (not a file), so that a leak of it into logs would show.
      const { FIELDLINE_OFFLINE_CA_PKCS11_PIN_FILE: _file, ...caEnv } = offlineCa.env;
      env = { ...caEnv, FIELDLINE_OFFLINE_CA_PKCS11_PIN: PIN, FIELDLINE_KEY_PASSPHRASE: PASSPHRASE, XDG_CONFIG_HOME: join(folder, 'config') };
      token = (await createBootstrapToken(server.db, { ttlMinutes: 10 })).token;
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await lab?.stop();
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    });

    it('finds no private key, token, PIN or passphrase after enrolling the station and a device', async () => {
      if (lab.address.kind !== 'udp') throw new Error('expected a UDP lab device');
      const caFile = join(folder, 'fleet-ca.pem');
      await writeFile(caFile, server.caPem);
      const station = await runFieldline(['--data-dir', dataDir, '--json', 'sync', 'enroll', '--server', server.url, '--token', token, '--ca', caFile], env);
      expect(station.stderr).toBe('');
      expect(station.code).toBe(EXIT.ok);

      // Held open across the enrollment, so SQLite keeps its -wal and -shm files (with the frames the
      // CLI wrote) for the scan instead of folding them into the database at close.
      const reader = new Database(ledgerPath(dataDir), { readonly: true });
      try {
        reader.prepare('SELECT count(*) FROM events').get();
        const profileFile = join(folder, 'line-3.yaml');
        await writeFile(profileFile, LINE_3_PROFILE_YAML);
        const device = await runFieldline(
          ['--data-dir', dataDir, '--json', 'enroll', '--device', `udp:${lab.address.address}:${lab.address.port}`, '--issuer', 'offline', '--profile', profileFile],
          env,
        );
        expect(device.stderr).toBe('');
        expect(device.code).toBe(EXIT.ok);
        const sync = await runFieldline(['--data-dir', dataDir, '--json', 'sync'], env);
        expect(sync.lines.at(-1)).toMatchObject({ state: 'idle' });

        secrets = await knownSecrets();
        const { scanned, findings } = await scanForSecrets(dataDir, secrets);
        expect(scanned).toEqual(expect.arrayContaining(['ledger.db', 'ledger.db-wal', 'ledger.db-shm', join('fleet', 'fleet-station.json'), join('logs', 'cli.log')]));
        expect(findings, describeFindings(findings)).toEqual([]);
      } finally {
        reader.close();
      }
    });

    it('would fail on a plain-PEM station key, names the file, and the station re-seals it at its next use', async () => {
      const copy = join(folder, 'data-with-plain-key');
      await cp(dataDir, copy, { recursive: true });
      const credentials = await new StationCredentialsFile(copy, openLocalKeyVault({ dataDir: copy, env })).open();
      const path = join(copy, 'fleet', 'fleet-station.json');
      // The format before sealing: what a station enrolled by an older version has on disk.
      await writeFile(path, JSON.stringify(credentials, null, 2));
      const before = await scanForSecrets(copy, secrets);
      expect(before.findings.map((finding) => `${finding.file}: ${finding.what}`)).toEqual(
        expect.arrayContaining([
          `${join('fleet', 'fleet-station.json')}: PEM header "-----BEGIN PRIVATE KEY-----"`,
          `${join('fleet', 'fleet-station.json')}: station TLS private key (raw scalar) as base64 (across line breaks)`,
        ]),
      );

      const sync = await runFieldline(['--data-dir', copy, '--json', 'sync'], env);
      expect(sync.lines.at(-1)).toMatchObject({ state: 'idle' });
      const after = await scanForSecrets(copy, secrets);
      expect(after.findings, describeFindings(after.findings)).toEqual([]);
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ keyVault: 'passphrase (FIELDLINE_KEY_PASSPHRASE)' });
    });

    /** The secrets of this run, including the station key's private scalar (opened through the vault). */
    async function knownSecrets(): Promise<KnownSecret[]> {
      const credentials = await new StationCredentialsFile(dataDir, openLocalKeyVault({ dataDir, env })).open();
      if (credentials === null) throw new Error('the station is not enrolled');
      const jwk = createPrivateKey(credentials.keyPem).export({ format: 'jwk' });
      return [
        { what: 'bootstrap token', value: Buffer.from(token) },
        { what: 'PKCS#11 PIN', value: Buffer.from(PIN) },
        { what: 'key vault passphrase', value: Buffer.from(PASSPHRASE) },
        { what: 'station TLS private key (raw scalar)', value: Buffer.from(jwk.d!, 'base64url') },
      ];
    }
  },
);
