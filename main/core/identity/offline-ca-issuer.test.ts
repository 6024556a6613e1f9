import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { SqliteLedgerStore } from '../../adapters/ledger/sqlite-ledger-store';
import { ManualClock } from '../../test-support/manual-clock';
import { makeTempDir } from '../../test-support/temp-dir';
import { LedgerService } from '../ledger/ledger-service';
import type { CaSigningKey } from '../ports/ca-signing-key';
import { offlineRegistrationBody, IdentityEvent } from './identity-ledger';
import { OfflineCaIssuer } from './offline-ca-issuer';
import { keyObjectCaSigningKey } from './sealed-ca-signing-key';
import {
  generateP256,
  makeCsr,
  makeRoot,
  makeStationCa,
  type TestRoot,
} from './test-support/identity-fixtures';
import { x509 } from './x509';

const NOW = Date.UTC(2026, 4, 1);
let dir: ReturnType<typeof makeTempDir>;
let store: SqliteLedgerStore;
let ledger: LedgerService;
let root: TestRoot;
let stationKey: CaSigningKey;
const clock = new ManualClock(NOW);

beforeEach(async () => {
  dir = makeTempDir('fieldline-offline-ca-');
  store = SqliteLedgerStore.open(`${dir.path}/ledger.db`);
  ledger = new LedgerService(store, clock);
  root = await makeRoot(NOW);
  stationKey = keyObjectCaSigningKey(
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    'test station key',
  );
});
afterEach(() => {
  store.close();
  dir.remove();
});

async function open(caChain: Uint8Array[], key = stationKey) {
  return OfflineCaIssuer.open({ caChain, signingKey: key, ledger, clock, validityDays: 30 });
}

async function refusal(run: () => Promise<unknown>): Promise<AppError> {
  const error: unknown = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('OFFLINE_CA_UNUSABLE');
  return error as AppError;
}

describe('OfflineCaIssuer', () => {
  it('issues a device certificate within its name constraints and records it for the fleet server', async () => {
    const ca = await makeStationCa(root, stationKey, { nowMs: NOW });
    const issuer = await open([ca, root.certificate]);
    const keys = await generateP256();
    const answer = await issuer.enroll({
      csrDer: await makeCsr('O=Fieldline, OU=line-3, CN=FL-0042', keys),
      deviceId: 'hwid:00C0FFEE',
    });
    const leaf = new x509.X509Certificate(answer.certificates[0]!);
    expect(leaf.subject).toBe('O=Fieldline, OU=line-3, CN=FL-0042');
    expect(
      await leaf.verify({ publicKey: new x509.X509Certificate(ca).publicKey, signatureOnly: true }),
    ).toBe(true);
    expect(leaf.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(leaf.notAfter.getTime() - NOW).toBeLessThanOrEqual(30 * 86_400_000);
    const events = ledger.listEvents({ limit: 10, type: IdentityEvent.issuedOffline });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      deviceId: 'hwid:00C0FFEE',
      payload: { subject: leaf.subject, caKey: 'test station key' },
    });
    expect(offlineRegistrationBody(events)).toEqual({ certificates: [leaf.toString('pem')] });
  });

  it('refuses, even when called directly, a CSR that does not prove possession of its key', async () => {
    const issuer = await open([await makeStationCa(root, stationKey, { nowMs: NOW }), root.certificate]);
    const csrDer = await makeCsr('O=Fieldline, OU=line-3, CN=FL-1', await generateP256(), {
      signWith: await generateP256(),
    });
    await expect(issuer.enroll({ csrDer, deviceId: 'd' })).rejects.toMatchObject({ code: 'CSR_INVALID' });
    await expect(issuer.enroll({ csrDer: new Uint8Array([1, 2, 3]), deviceId: 'd' })).rejects.toMatchObject({
      code: 'CSR_INVALID',
    });
    expect(ledger.listEvents({ limit: 10 })).toEqual([]);
  });

  it('never issues beyond its own validity', async () => {
    const ca = await makeStationCa(root, stationKey, { nowMs: NOW, validityDays: 10 });
    const issuer = await open([ca, root.certificate]);
    const answer = await issuer.enroll({
      csrDer: await makeCsr('O=Fieldline, OU=line-3, CN=FL-1', await generateP256()),
      deviceId: 'd',
    });
    expect(new x509.X509Certificate(answer.certificates[0]!).notAfter.getTime()).toBeLessThanOrEqual(
      new x509.X509Certificate(ca).notAfter.getTime(),
    );
  });

  it('refuses a subject outside its name constraints and records nothing', async () => {
    const issuer = await open([await makeStationCa(root, stationKey, { nowMs: NOW }), root.certificate]);
    const csrDer = await makeCsr('O=Fieldline, OU=line-4, CN=FL-0042', await generateP256());
    expect((await refusal(() => issuer.enroll({ csrDer, deviceId: 'd' }))).message).toMatch(
      /outside its name constraints/,
    );
    expect(ledger.listEvents({ limit: 10 })).toEqual([]);
  });

  it('refuses a CA that is long-lived, unconstrained, self-signed, without its root, or whose key is another', async () => {
    expect(
      (
        await refusal(async () =>
          open([await makeStationCa(root, stationKey, { nowMs: NOW, validityDays: 365 }), root.certificate]),
        )
      ).message,
    ).toMatch(/valid for 365 days/);
    expect(
      (
        await refusal(async () =>
          open([await makeStationCa(root, stationKey, { nowMs: NOW, permitted: [] }), root.certificate]),
        )
      ).message,
    ).toMatch(/no critical name constraints/);
    expect((await refusal(async () => open([root.certificate], root.key))).message).toMatch(/self-signed/);
    expect(
      (await refusal(async () => open([await makeStationCa(root, stationKey, { nowMs: NOW })]))).message,
    ).toMatch(/not a root/);
    const otherKey = keyObjectCaSigningKey(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      'another key',
    );
    expect(
      (
        await refusal(async () =>
          open([await makeStationCa(root, stationKey, { nowMs: NOW }), root.certificate], otherKey),
        )
      ).message,
    ).toMatch(/is not the key of the offline CA certificate/);
  });

  it('refuses to issue once its certificate has expired', async () => {
    const issuer = await open([
      await makeStationCa(root, stationKey, { nowMs: NOW, validityDays: 5 }),
      root.certificate,
    ]);
    clock.advance(6 * 86_400_000);
    try {
      const csrDer = await makeCsr('O=Fieldline, OU=line-3, CN=FL-1', await generateP256());
      expect((await refusal(() => issuer.enroll({ csrDer, deviceId: 'd' }))).message).toMatch(/expired/);
    } finally {
      clock.set(NOW);
    }
  });
});
