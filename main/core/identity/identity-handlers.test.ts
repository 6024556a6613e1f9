import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { LedgerService } from '../ledger/ledger-service';
import { OperationService } from '../operations/operation-service';
import { silentLogger } from '../ports/logger';
import { identityHandlers, type IdentityPorts, type IdentityServices } from './identity-handlers';
import { OfflineCaIssuer } from './offline-ca-issuer';
import { keyObjectCaSigningKey } from './sealed-ca-signing-key';
import { FakeIdentityDevice, makeRoot, makeStationCa } from './test-support/identity-fixtures';

const NOW = Date.now();
const clock = new ManualClock(NOW);
let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let ledger: LedgerService;
let operations: OperationService;
let services: () => IdentityServices;

beforeEach(() => {
  dir = makeTempDir('fieldline-identity-handlers-');
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  ledger = new LedgerService(store, clock);
  operations = new OperationService({ ledger, clock, logger: silentLogger, onChanged: () => undefined });
  services = () => ({ operations, ledger, clock, logger: silentLogger, actor: 'tech' });
});
afterEach(async () => {
  await operations.stop();
  store.close();
  dir.remove();
});

/** The host side: a fake device and an offline CA with an in-memory key; counts what was closed. */
async function fakePorts(device: FakeIdentityDevice): Promise<IdentityPorts & { closed: string[] }> {
  const root = await makeRoot(NOW);
  const key = keyObjectCaSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'test CA key');
  const ca = await makeStationCa(root, key, { nowMs: NOW });
  const closed: string[] = [];
  return {
    closed,
    openDevice: () => Promise.resolve({ device, close: () => Promise.resolve(void closed.push('device')) }),
    openIssuer: async (profile, issuerLedger) => ({
      issuer: await OfflineCaIssuer.open({ caChain: [ca, root.certificate], signingKey: key, ledger: issuerLedger, clock, validityDays: profile.offlineValidityDays }),
      close: () => Promise.resolve(void closed.push('issuer')),
    }),
  };
}

describe('identity:enroll and identity:certificate', () => {
  it('answers NOT_IMPLEMENTED naming the missing port when the host gives none', () => {
    const handlers = identityHandlers(undefined, services);
    expect(() => handlers['identity:enroll']({ deviceId: 'hwid:00C0FFEE' })).toThrow(
      expect.objectContaining({ code: 'NOT_IMPLEMENTED', message: expect.stringMatching(/core port `identity`/) as unknown }),
    );
    // Reading what the ledger recorded needs no device.
    expect(handlers['identity:certificate']({ deviceId: 'hwid:00C0FFEE' })).toEqual({ deviceId: 'hwid:00C0FFEE', certificate: null, history: [] });
  });

  it('refuses a bad profile before an operation starts', async () => {
    const handlers = identityHandlers(await fakePorts(new FakeIdentityDevice()), services);
    expect(() => handlers['identity:enroll']({ deviceId: 'hwid:00C0FFEE', profile: { keyAlgorithm: 'rsa2048' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/keyAlgorithm/) as unknown }),
    );
    expect(operations.list()).toEqual([]);
  });

  it('enrolls as an operation, closes device and issuer, and reports the certificate with its history', async () => {
    const device = new FakeIdentityDevice();
    const ports = await fakePorts(device);
    const handlers = identityHandlers(ports, services);
    const profile = { subject: { organization: 'Fieldline', organizationalUnit: 'line-3' } };

    const first = await operations.whenDone(handlers['identity:enroll']({ deviceId: 'hwid:00C0FFEE', profile }).operation.id);
    expect(first).toMatchObject({ kind: 'enroll', state: 'succeeded', steps: [{ name: 'enroll-certificate', state: 'done' }] });
    expect(ports.closed).toEqual(['device', 'issuer']);
    const second = await operations.whenDone(handlers['identity:enroll']({ deviceId: 'hwid:00C0FFEE', profile }).operation.id);
    expect(second.state).toBe('succeeded');

    const answer = handlers['identity:certificate']({ deviceId: 'hwid:00C0FFEE' });
    expect(answer.certificate).toMatchObject({ subject: 'O=Fieldline, OU=line-3, CN=FL-0042', source: 'offline-ca', mode: 'renewal' });
    expect(answer.certificate!.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(answer.history).toHaveLength(1);
    expect(answer.history[0]).toMatchObject({ mode: 'initial' });
    expect(answer.history[0]!.certificateSerial).not.toBe(answer.certificate!.certificateSerial);
    expect(Date.parse(answer.certificate!.recordedAt)).toBeGreaterThan(0);
  });

  it('ends the operation failed with the step when the issuer refuses, and still closes what it opened', async () => {
    const ports = await fakePorts(new FakeIdentityDevice());
    const handlers = identityHandlers(ports, services);
    // The station CA's name constraints allow O=Fieldline, OU=line-3 only.
    const profile = { subject: { organization: 'Someone Else' } };
    const failed = await operations.whenDone(handlers['identity:enroll']({ deviceId: 'hwid:00C0FFEE', profile }).operation.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'OFFLINE_CA_UNUSABLE' });
    expect(ports.closed).toEqual(['device', 'issuer']);
    expect(handlers['identity:certificate']({ deviceId: 'hwid:00C0FFEE' }).certificate).toBeNull();
  });
});
