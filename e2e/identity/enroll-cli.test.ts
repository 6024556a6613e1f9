import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBootstrapToken } from '../../fleet-server/src/enrollment/bootstrap-tokens';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { SerialportPorts } from '../../main/adapters/serial/serialport-ports';
import { SerialSmpTransport } from '../../main/core/drivers/smp/serial-smp-transport';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { identityOverSmp } from '../../main/core/identity/device-identity';
import { IdentityEvent } from '../../main/core/identity/identity-ledger';
import { x509 } from '../../main/core/identity/x509';
import { EXIT } from '../../main/host/cli/exit-codes';
import { ledgerPath } from '../../main/host/data-dir';
import { SMP_DEVICE_DEFAULTS } from '../lab/devices/smp/smp-device-config';
import { startSerialSmpDevice, type RunningSmpDevice } from '../lab/running-smp-device';
import { runFieldline } from './fieldline-cli-process';
import { opensslVerify, tool } from './identity-fixture';
import { createOfflineCaEnvironment, LINE_3_PROFILE_YAML, type OfflineCaEnvironment } from './offline-ca-environment';
import { findSoftHsm } from './softhsm-token';

const softHsm = findSoftHsm();
const BAUD = '921600';

/**
 * `fieldline enroll` as a technician runs it: the real binary in its own process, a lab device on a
 * pseudo-terminal, the issuer chosen from the environment (the offline CA in SoftHSM2, or EST at the
 * fleet server the station enrolled at), openssl checking what the device holds afterwards.
 */
describe.skipIf('missing' in softHsm)(
  `fieldline enroll against a lab device on a pty${'missing' in softHsm ? ` — skipped: ${softHsm.missing}` : ''}`,
  () => {
    let folder: string;
    let lab: RunningSmpDevice;
    let ptyPath: string;
    let offlineCa: OfflineCaEnvironment;
    let server: TestServer;
    let baseEnv: NodeJS.ProcessEnv;

    beforeAll(async () => {
      if ('missing' in softHsm) return;
      folder = await mkdtemp(join(tmpdir(), 'fieldline-enroll-cli-'));
      offlineCa = await createOfflineCaEnvironment(join(folder, 'ca'), softHsm.modulePath);
      lab = await startSerialSmpDevice(
        {
          ...SMP_DEVICE_DEFAULTS,
          name: 'enroll-cli',
          serialNumber: 'LAB-CLI-0001',
          hardwareId: 'c11e000000000001',
          stateDir: join(folder, 'device'),
        },
        join(folder, 'pty'),
        { baudRate: 921_600, printsBootBanner: true },
      );
      if (lab.address.kind !== 'serial') throw new Error('expected a serial lab device');
      ptyPath = lab.address.path;
      server = await startTestServer();
      // The local key vault's key file goes to a config folder of this test, not the real home.
      baseEnv = { XDG_CONFIG_HOME: join(folder, 'config') };
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await lab?.stop();
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    });

    async function installedChain(): Promise<Uint8Array[]> {
      const port = await new SerialportPorts().open(ptyPath, { baudRate: 921_600 });
      const client = new SmpClient(new SerialSmpTransport(port), { timeoutMs: 10_000 });
      try {
        const chain = await identityOverSmp(client).readInstalledChain();
        if (chain === null) throw new Error('the device holds no certificate');
        return chain;
      } finally {
        client.dispose();
        await port.close();
      }
    }

    it('refuses with ISSUER_NOT_CONFIGURED when nothing is configured, and records nothing', async () => {
      const dataDir = join(folder, 'data-none');
      const run = await runFieldline(['--data-dir', dataDir, '--json', 'enroll', '--device', ptyPath, '--baud', BAUD], baseEnv);
      expect(run.code).toBe(EXIT.failed);
      const error = (JSON.parse(run.stderr.trim().split('\n').at(-1)!) as { error: { code: string; message: string; action: string } }).error;
      expect(error.code).toBe('ISSUER_NOT_CONFIGURED');
      expect(error.message).toMatch(/FIELDLINE_OFFLINE_CA_CHAIN/);
      const store = SqliteLedgerStore.open(ledgerPath(dataDir));
      try {
        expect(store.listEvents({ limit: 10, type: IdentityEvent.enrolled })).toHaveLength(0);
      } finally {
        store.close();
      }
    });

    it('enrolls with the offline CA in the token: JSON-lines steps, the certificate printed, a chain openssl verifies on the device', async () => {
      const dataDir = join(folder, 'data-offline');
      const profileFile = join(folder, 'line-3.yaml');
      await writeFile(profileFile, LINE_3_PROFILE_YAML);
      const run = await runFieldline(
        ['--data-dir', dataDir, '--json', 'enroll', '--device', ptyPath, '--baud', BAUD, '--issuer', 'offline', '--profile', profileFile],
        { ...baseEnv, ...offlineCa.env },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(EXIT.ok);
      const steps = run.lines.filter((line) => line.event === 'step').map((line) => line.step);
      expect(steps).toEqual(['read-identity', 'read-certificate', 'generate-key', 'check-csr', 'issue', 'check-certificate', 'install', 'verify', 'record']);
      const result = run.lines.at(-1) as { event: string; deviceId: string; mode: string; source: string; certificate: { subject: string; certificateSerial: string; fingerprintSha256: string } };
      expect(result).toMatchObject({ event: 'result', deviceId: 'hwid:C11E000000000001', mode: 'initial', source: 'offline-ca' });
      expect(result.certificate.subject).toBe('O=Fieldline, OU=line-3, CN=LAB-CLI-0001');

      const chain = await installedChain();
      expect(chain).toHaveLength(3);
      expect(Buffer.from(chain[1]!).equals(Buffer.from(offlineCa.caChain[0]!))).toBe(true);
      expect(await opensslVerify(folder, chain, { purpose: 'sslclient' })).toMatch(/: OK$/);
      const fingerprint = (await tool('openssl', ['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha256'], { input: Buffer.from(chain[0]!) }))
        .toString()
        .split('=')[1]!
        .trim()
        .replace(/:/g, '')
        .toLowerCase();
      expect(result.certificate.fingerprintSha256).toBe(fingerprint);

      const store = SqliteLedgerStore.open(ledgerPath(dataDir));
      try {
        const [enrolled] = store.listEvents({ limit: 10, type: IdentityEvent.enrolled });
        expect(enrolled).toMatchObject({ deviceId: 'hwid:C11E000000000001', payload: { fingerprintSha256: fingerprint, source: 'offline-ca' } });
        const issued = store.listEvents({ limit: 10, type: IdentityEvent.issuedOffline });
        expect(issued).toHaveLength(1);
        expect(issued[0]!.payload).toMatchObject({ certificateSerial: result.certificate.certificateSerial, caKey: 'pkcs11:token=fieldline-ca;object=station-ca' });
      } finally {
        store.close();
      }
    });

    it('prints the certificate as text without --json, and refuses a profile outside the CA’s name constraints before signing', async () => {
      const dataDir = join(folder, 'data-offline');
      const renewal = await runFieldline(['--data-dir', dataDir, 'enroll', '--device', ptyPath, '--baud', BAUD, '--issuer', 'offline', '--profile', join(folder, 'line-3.yaml')], {
        ...baseEnv,
        ...offlineCa.env,
      });
      expect(renewal.code).toBe(EXIT.ok);
      expect(renewal.stdout).toMatch(/^enrolled hwid:C11E000000000001 \(renewal, offline-ca: /m);
      expect(renewal.stdout).toMatch(/^ {2}fingerprint {2}SHA-256 [0-9a-f]{64}$/m);

      const outside = join(folder, 'line-4.yaml');
      await writeFile(outside, 'subject:\n  organization: Fieldline\n  organizationalUnit: line-4\n');
      const refused = await runFieldline(['--data-dir', join(folder, 'data-line-4'), '--json', 'enroll', '--device', ptyPath, '--baud', BAUD, '--issuer', 'offline', '--profile', outside], {
        ...baseEnv,
        ...offlineCa.env,
      });
      expect(refused.code).toBe(EXIT.failed);
      expect(refused.stderr).toMatch(/"code":"OFFLINE_CA_UNUSABLE"/);
      expect(refused.stderr).toMatch(/outside its name constraints/);
      expect(refused.stderr).toMatch(/"step":"issue"/);
    });

    it('enrolls over EST at the fleet server the station enrolled at (station client certificate, key sealed at rest)', async () => {
      const dataDir = join(folder, 'data-est');
      const caFile = join(folder, 'fleet-ca.pem');
      await writeFile(caFile, server.caPem);
      const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
      const station = await runFieldline(['--data-dir', dataDir, '--json', 'sync', 'enroll', '--server', server.url, '--token', token, '--ca', caFile], baseEnv);
      expect(station.stderr).toBe('');
      expect(station.code).toBe(EXIT.ok);

      const profileFile = join(folder, 'serial-cn.json');
      await writeFile(profileFile, JSON.stringify({ subject: { commonName: '{serial}' } }));
      const run = await runFieldline(['--data-dir', dataDir, '--json', 'enroll', '--device', ptyPath, '--baud', BAUD, '--profile', profileFile], baseEnv);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(EXIT.ok);
      const result = run.lines.at(-1) as { source: string; mode: string; certificate: { subject: string; certificateSerial: string } };
      expect(result).toMatchObject({ source: 'est', mode: 'initial', certificate: { subject: 'CN=LAB-CLI-0001' } });

      const chain = await installedChain();
      expect(await opensslVerify(folder, chain, { purpose: 'sslclient' })).toMatch(/: OK$/);
      expect(new x509.X509Certificate(chain[1]!).subject).toBe(server.pki.deviceCa.certificate.subject);
      const rows = await server.db.query<{ serial: string }>(`SELECT serial FROM certificates WHERE kind = 'device' AND serial = $1`, [result.certificate.certificateSerial]);
      expect(rows).toHaveLength(1);
    });
  },
);
