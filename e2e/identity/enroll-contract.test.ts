import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalKeyVault } from '../../main/adapters/key-vault/local-key-vault-setup';
import { openStationRuntime, type StationRuntime } from '../../main/host/runtime';
import { SMP_DEVICE_DEFAULTS } from '../lab/devices/smp/smp-device-config';
import { startSerialSmpDevice, type RunningSmpDevice } from '../lab/running-smp-device';
import { opensslVerify } from './identity-fixture';
import { createOfflineCaEnvironment, type OfflineCaEnvironment } from './offline-ca-environment';
import { findSoftHsm } from './softhsm-token';

const softHsm = findSoftHsm();
const DEVICE_ID = 'hwid:C0417AC700000001';

/**
 * `identity:enroll` and `identity:certificate` through the station runtime as the UI reaches them: the
 * host's identity port finds the device where serial discovery saw it and opens the offline CA the
 * environment names.
 */
describe.skipIf('missing' in softHsm)(
  `identity:enroll through the station runtime${'missing' in softHsm ? ` — skipped: ${softHsm.missing}` : ''}`,
  () => {
    let folder: string;
    let lab: RunningSmpDevice;
    let offlineCa: OfflineCaEnvironment;
    let runtime: StationRuntime;
    const savedEnv: Record<string, string | undefined> = {};

    beforeAll(async () => {
      if ('missing' in softHsm) return;
      folder = await mkdtemp(join(tmpdir(), 'fieldline-enroll-contract-'));
      offlineCa = await createOfflineCaEnvironment(join(folder, 'ca'), softHsm.modulePath);
      // The runtime reads the issuer settings from its process environment, as the station does.
      for (const [name, value] of Object.entries(offlineCa.env)) {
        savedEnv[name] = process.env[name];
        process.env[name] = value;
      }
      lab = await startSerialSmpDevice(
        { ...SMP_DEVICE_DEFAULTS, name: 'contract', serialNumber: 'LAB-UI-0001', hardwareId: 'c0417ac700000001', stateDir: join(folder, 'device') },
        join(folder, 'pty'),
        { baudRate: 115_200 },
      );
      if (lab.address.kind !== 'serial') throw new Error('expected a serial lab device');
      const dataDir = join(folder, 'data');
      runtime = await openStationRuntime({
        dataDir,
        host: 'station',
        enableMdns: false,
        enableUsbDiscovery: false,
        enableDriveDiscovery: false,
        serialGlobs: [lab.address.path],
        keyVault: openLocalKeyVault({ dataDir, env: { XDG_CONFIG_HOME: join(folder, 'config') } }),
      });
    }, 60_000);
    afterAll(async () => {
      await runtime?.close();
      await lab?.stop();
      for (const [name, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    });

    it('enrolls the discovered device as an operation and answers its certificate', async () => {
      for (let attempt = 0; attempt < 150 && !runtime.core.registry.get(DEVICE_ID); attempt += 1)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runtime.core.registry.get(DEVICE_ID)).toBeTruthy();

      const { operation } = await runtime.core.handlers['identity:enroll']({
        deviceId: DEVICE_ID,
        profile: { subject: { organization: 'Fieldline', organizationalUnit: 'line-3' } },
      });
      const done = await runtime.core.operations.whenDone(operation.id);
      expect(done.error, JSON.stringify({ error: done.error, seen: runtime.core.registry.get(DEVICE_ID) })).toBeNull();
      expect(done).toMatchObject({ kind: 'enroll', state: 'succeeded' });

      const answer = await runtime.core.handlers['identity:certificate']({ deviceId: DEVICE_ID });
      expect(answer.certificate).toMatchObject({ subject: 'O=Fieldline, OU=line-3, CN=LAB-UI-0001', source: 'offline-ca', mode: 'initial' });
      const chain = answer.certificate!.chainPem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!.map((pem: string) =>
        new Uint8Array(Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')),
      );
      expect(await opensslVerify(folder, chain, { purpose: 'sslclient' })).toMatch(/: OK$/);
    });
  },
);
