import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SerialportPorts } from '../../main/adapters/serial/serialport-ports';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { SerialSmpTransport } from '../../main/core/drivers/smp/serial-smp-transport';
import { SmpClient } from '../../main/core/drivers/smp/smp-client';
import { parseCertificateProfile } from '../../main/core/identity/certificate-profile';
import { identityOverSmp } from '../../main/core/identity/device-identity';
import { enrollDeviceCertificate } from '../../main/core/identity/enroll-device-certificate';
import { OfflineCaIssuer } from '../../main/core/identity/offline-ca-issuer';
import { keyObjectCaSigningKey } from '../../main/core/identity/sealed-ca-signing-key';
import { makeRoot, makeStationCa } from '../../main/core/identity/test-support/identity-fixtures';
import { LedgerService } from '../../main/core/ledger/ledger-service';
import { systemClock } from '../../main/core/ports/clock';
import type { SerialPort } from '../../main/core/ports/serial-port';
import { SMP_DEVICE_DEFAULTS } from '../lab/devices/smp/smp-device-config';
import { startSerialSmpDevice, type RunningSmpDevice } from '../lab/running-smp-device';
import { opensslVerify, opensslVerifyCsr } from './identity-fixture';

/** The serial path end to end: lab device on a socat pty, the real serialport adapter, console framing. */
describe('enrolling a lab device over a serial port (pty) with the offline CA', () => {
  let folder: string;
  let lab: RunningSmpDevice;
  let port: SerialPort;
  let client: SmpClient;
  let store: SqliteLedgerStore;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fieldline-identity-serial-'));
    lab = await startSerialSmpDevice(
      {
        ...SMP_DEVICE_DEFAULTS,
        name: 'identity-serial',
        serialNumber: 'LAB-SER-0001',
        hardwareId: '5e7a100000000001',
        stateDir: join(folder, 'device'),
      },
      join(folder, 'pty'),
      { baudRate: 921_600, printsBootBanner: true },
    );
    if (lab.address.kind !== 'serial') throw new Error('expected a serial device');
    port = await new SerialportPorts().open(lab.address.path, { baudRate: 921_600 });
    client = new SmpClient(new SerialSmpTransport(port), { timeoutMs: 10_000 });
    store = SqliteLedgerStore.open(join(folder, 'ledger.db'));
  });
  afterAll(async () => {
    client?.dispose();
    await port?.close();
    await lab?.stop();
    store?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('generates the key on the device, issues, installs and reads back a chain openssl verifies', async () => {
    const ledger = new LedgerService(store, systemClock);
    const root = await makeRoot(Date.now());
    const key = keyObjectCaSigningKey(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      'test station key',
    );
    const ca = await makeStationCa(root, key, { nowMs: Date.now() });
    const issuer = await OfflineCaIssuer.open({
      caChain: [ca, root.certificate],
      signingKey: key,
      ledger,
      clock: systemClock,
      validityDays: 30,
    });
    const device = identityOverSmp(client);
    const csrs: Uint8Array[] = [];
    const recording = {
      ...device,
      generateKeyAndCsr: async (...args: Parameters<typeof device.generateKeyAndCsr>) => {
        const csr = await device.generateKeyAndCsr(...args);
        csrs.push(csr);
        return csr;
      },
    };
    const profile = parseCertificateProfile({
      subject: { organization: 'Fieldline', organizationalUnit: 'line-3' },
    });
    const result = await enrollDeviceCertificate({
      device: recording,
      issuer,
      profile,
      ledger,
      deviceId: 'hwid:5E7A100000000001',
      expectedHardwareId: '5e7a100000000001',
    });
    expect(result.certificate.subject).toBe('O=Fieldline, OU=line-3, CN=LAB-SER-0001');
    expect(await opensslVerifyCsr(csrs[0]!)).toMatch(/self-signature verify OK/);
    expect(
      await opensslVerify(folder, (await device.readInstalledChain())!, { purpose: 'sslclient' }),
    ).toMatch(/: OK$/);
    expect(lab.device.faults).toEqual([]);
  });
});
