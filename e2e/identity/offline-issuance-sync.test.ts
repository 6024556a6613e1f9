import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putCatalogItem } from '../../fleet-server/src/catalog/catalog-store';
import { createBootstrapToken } from '../../fleet-server/src/enrollment/bootstrap-tokens';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { postJson } from '../../main/adapters/fleet/https-json';
import { StationCredentialsFile } from '../../main/adapters/fleet/station-credentials';
import { openLocalKeyVault } from '../../main/adapters/key-vault/local-key-vault-setup';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { OFFLINE_REGISTERED_EVENT } from '../../main/core/sync/offline-certificate-sync';
import { EXIT } from '../../main/host/cli/exit-codes';
import { ledgerPath } from '../../main/host/data-dir';
import type { SyncStatus } from '../../shared/contract';
import { SMP_DEVICE_DEFAULTS } from '../lab/devices/smp/smp-device-config';
import { startUdpSmpDevice, type RunningSmpDevice } from '../lab/running-smp-device';
import { runFieldline } from './fieldline-cli-process';
import { createOfflineCaEnvironment, LINE_3_PROFILE_YAML, type OfflineCaEnvironment } from './offline-ca-environment';
import { findSoftHsm } from './softhsm-token';
import { SwitchableForwarder } from './switchable-forwarder';

const softHsm = findSoftHsm();

/**
 * A technician issues a certificate with the station's offline CA while the fleet server is out of
 * reach; at the next sync after it is back the server registers it (once), and can then revoke it.
 * The fleet server sits behind a forwarder that is switched off for "down" and on again for "up".
 */
describe.skipIf('missing' in softHsm)(
  `offline issuance registered at the next sync${'missing' in softHsm ? ` — skipped: ${softHsm.missing}` : ''}`,
  () => {
    let folder: string;
    let dataDir: string;
    let lab: RunningSmpDevice;
    let offlineCa: OfflineCaEnvironment;
    let server: TestServer;
    let forwarder: SwitchableForwarder;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      if ('missing' in softHsm) return;
      folder = await mkdtemp(join(tmpdir(), 'fieldline-offline-sync-'));
      dataDir = join(folder, 'data');
      offlineCa = await createOfflineCaEnvironment(join(folder, 'ca'), softHsm.modulePath);
      lab = await startUdpSmpDevice(
        { ...SMP_DEVICE_DEFAULTS, name: 'offline-sync', serialNumber: 'LAB-SYNC-0001', hardwareId: '5c00000000000001', stateDir: join(folder, 'device') },
        {},
      );
      server = await startTestServer();
      forwarder = new SwitchableForwarder({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
      await forwarder.up();
      env = { XDG_CONFIG_HOME: join(folder, 'config'), ...offlineCa.env };
    }, 60_000);
    afterAll(async () => {
      await forwarder?.down();
      await server?.close();
      await lab?.stop();
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    });

    const sync = async (): Promise<{ code: number | null; status: SyncStatus }> => {
      const run = await runFieldline(['--data-dir', dataDir, '--json', 'sync'], env);
      return { code: run.code, status: run.lines.at(-1) as unknown as SyncStatus };
    };
    const registrations = (): number => {
      const store = SqliteLedgerStore.open(ledgerPath(dataDir));
      try {
        return store.listEvents({ limit: 100, type: OFFLINE_REGISTERED_EVENT }).length;
      } finally {
        store.close();
      }
    };
    const stationId = (): string => {
      const store = SqliteLedgerStore.open(ledgerPath(dataDir));
      try {
        return store.stationId;
      } finally {
        store.close();
      }
    };
    const serverHolds = async (serial: string): Promise<{ source: string; station_id: string }[]> =>
      server.db.query<{ source: string; station_id: string }>('SELECT source, station_id FROM certificates WHERE serial = $1', [serial]);

    it('issues offline while the server is down, is refused until its CA is registered, then registered once and revocable', async () => {
      if (lab.address.kind !== 'udp') throw new Error('expected a UDP lab device');
      const caFile = join(folder, 'fleet-ca.pem');
      await writeFile(caFile, server.caPem);
      const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
      const enrolled = await runFieldline(['--data-dir', dataDir, '--json', 'sync', 'enroll', '--server', forwarder.url, '--token', token, '--ca', caFile], env);
      expect(enrolled.stderr).toBe('');
      expect(enrolled.code).toBe(EXIT.ok);

      // Down: the technician enrolls the device with the offline CA.
      await forwarder.down();
      const profileFile = join(folder, 'line-3.yaml');
      await writeFile(profileFile, LINE_3_PROFILE_YAML);
      const run = await runFieldline(
        ['--data-dir', dataDir, '--json', 'enroll', '--device', `udp:${lab.address.address}:${lab.address.port}`, '--issuer', 'offline', '--profile', profileFile],
        env,
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(EXIT.ok);
      const serial = (run.lines.at(-1) as { certificate: { certificateSerial: string } }).certificate.certificateSerial;

      const offline = await sync();
      expect(offline.code).toBe(EXIT.ok);
      expect(offline.status).toMatchObject({ state: 'offline' });
      expect(offline.status.pendingCount).toBeGreaterThan(0);
      expect(registrations()).toBe(0);
      expect(await serverHolds(serial)).toEqual([]);

      // Up, but the administrator has not registered the station's CA yet: records go through, the
      // certificate is refused by name and waits; the status says so.
      await forwarder.up();
      const refused = await sync();
      expect(refused.code).toBe(EXIT.failed);
      expect(refused.status).toMatchObject({ state: 'error', pendingCount: 0 });
      expect(refused.status.lastError).toMatch(/registering 1 offline-issued certificate\(s\): certificate 0: not signed by the device CA or a registered offline device CA/);
      expect(registrations()).toBe(0);

      await putCatalogItem(server.db, 'trust-anchor', 'line-3-offline-ca', { pem: offlineCa.caPem, purpose: 'offline-device-ca' });
      const registered = await sync();
      expect(registered.code).toBe(EXIT.ok);
      expect(registered.status).toMatchObject({ state: 'idle', pendingCount: 0, lastError: null });
      expect(await serverHolds(serial)).toEqual([{ source: 'offline', station_id: stationId() }]);
      expect(registrations()).toBe(1);

      // Sent once: the next sync has nothing to register.
      expect((await sync()).status).toMatchObject({ state: 'idle', pendingCount: 0 });
      expect(registrations()).toBe(1);

      // The server's revocation endpoint knows the certificate now.
      const credentials = await new StationCredentialsFile(dataDir, openLocalKeyVault({ dataDir, env })).open();
      const revoked = (await postJson(new URL(`/certificates/${serial}/revoke`, server.url), { reason: 4 }, credentials!, {
        timeoutMs: 10_000,
        signal: AbortSignal.timeout(10_000),
      })) as { isNewRevocation: boolean };
      expect(revoked.isNewRevocation).toBe(true);
    });
  },
);
