import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findCertificate, recordCertificate } from '../../fleet-server/src/pki/certificate-store';
import { x509 } from '../../fleet-server/src/pki/x509';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { pendingRevocations } from '../../main/core/sync/certificate-revocation-sync';
import { EXIT } from '../../main/host/cli/exit-codes';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { FlashRig } from '../flash/flash-lab-rig';
import { enrollStation, openStation } from '../fleet/fleet-station-fixture';
import { isProcessAlive } from '../lab/process-liveness';
import { cli, configAppliedPayload, FIELD_CONTENT, fillDevice } from './retire-rig';

/**
 * Retirement offline, then the revocation at the next sync: the fleet server revokes the device's
 * certificate (reason cessationOfOperation) exactly once and projects the device retired.
 */
describe('retirement revocation reaches the fleet server', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let rig: FlashRig | undefined;
  let server: TestServer | undefined;
  const env = { ...process.env };

  afterEach(async () => {
    const pids = rig?.socatPids ?? [];
    await rig?.stop();
    await server?.close();
    rig = undefined;
    server = undefined;
    dir?.remove();
    process.env = env;
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
  });

  it('retires offline, then one sync revokes the certificate once; the next sync sends nothing again', async () => {
    dir = makeTempDir('fieldline-retire-sync-');
    process.env = { ...env, FIELDLINE_KEY_PASSPHRASE: 'retire test passphrase, long enough' };
    const dataDir = join(dir.path, 'data');
    server = await startTestServer();
    const station = openStation(dataDir);
    const stationId = station.store.stationId;
    station.close();
    await enrollStation(server, dataDir, stationId);

    rig = await FlashRig.start({ transport: 'serial', baudRate: 921_600 });
    const endpoint = rig.endpoint;
    if (endpoint.kind !== 'serial') throw new Error('serial rig expected');
    const deviceId = `hwid:${rig.hardwareId.toUpperCase()}`;
    const certificateDer = await fillDevice(rig.device);
    // As if the fleet's EST CA had issued the device certificate at enrollment.
    await recordCertificate(server.db, new x509.X509Certificate(certificateDer), { kind: 'device', source: 'est', deviceId });
    expect((await cli(['--data-dir', dataDir, 'ledger', 'append', '--actor', 'test', '--type', 'config.applied', '--device', deviceId, '--payload', configAppliedPayload()])).code).toBe(EXIT.ok);

    const retired = await cli(['--data-dir', dataDir, '--json', 'retire', '--device', endpoint.path, '--baud', '921600']);
    expect(retired.code).toBe(EXIT.ok);
    expect((await findCertificate(server.db, FIELD_CONTENT.certificateSerial))?.revokedAt).toBeNull();

    const synced = await cli(['--data-dir', dataDir, '--json', 'sync']);
    expect(synced.code).toBe(EXIT.ok);
    const record = await findCertificate(server.db, FIELD_CONTENT.certificateSerial);
    expect(record).toMatchObject({ revocationReason: 5, deviceId });
    expect(record?.revokedAt).not.toBeNull();

    const afterFirst = openStation(dataDir);
    try {
      expect(pendingRevocations(afterFirst.store)).toEqual([]);
      const revokedEvents = afterFirst.ledger.deviceHistory(deviceId).filter((event) => event.type === 'certificate.revoked');
      expect(revokedEvents.map((event) => event.payload)).toEqual([expect.objectContaining({ certificateSerial: FIELD_CONTENT.certificateSerial, isNewRevocation: true })]);
    } finally {
      afterFirst.close();
    }
    // The second pass delivers the certificate.revoked record itself and sends no revocation again.
    expect((await cli(['--data-dir', dataDir, '--json', 'sync'])).code).toBe(EXIT.ok);
    const afterSecond = openStation(dataDir);
    try {
      expect(afterSecond.ledger.deviceHistory(deviceId).filter((event) => event.type === 'certificate.revoked')).toHaveLength(1);
    } finally {
      afterSecond.close();
    }
    const rows = await server.db.query<{ state: string }>('SELECT state FROM devices WHERE device_id = $1', [deviceId]);
    expect(rows[0]?.state).toBe('retired');
  }, 60_000);
});
