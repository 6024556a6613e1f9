import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLocalKeyVault } from '../adapters/key-vault/local-key-vault-setup';
import { SqliteLedgerStore } from '../adapters/ledger/sqlite-ledger-store';
import { toPem } from '../core/identity/certificate-facts';
import { createSealedCaKey, openSealedCaSigningKey } from '../core/identity/sealed-ca-signing-key';
import { makeRoot, makeStationCa } from '../core/identity/test-support/identity-fixtures';
import { LedgerService } from '../core/ledger/ledger-service';
import { systemClock } from '../core/ports/clock';
import { makeTempDir } from '../test-support/temp-dir';
import { openCertificateIssuer, type IssuerContext } from './certificate-issuers';

const notEnrolled = {
  serverUrl: () => null,
  tlsIdentity: () => Promise.reject(new Error('not enrolled')),
};

describe('openCertificateIssuer', () => {
  let temp: { path: string; remove: () => void };
  let store: SqliteLedgerStore;
  let context: Omit<IssuerContext, 'env'>;
  const env = { FIELDLINE_KEY_PASSPHRASE: 'a long enough passphrase' };

  beforeEach(() => {
    temp = makeTempDir('fieldline-issuers-');
    store = SqliteLedgerStore.open(join(temp.path, 'ledger.db'));
    context = {
      fleet: notEnrolled,
      vault: openLocalKeyVault({ dataDir: temp.path, env }),
      ledger: new LedgerService(store, systemClock),
      clock: systemClock,
      offlineValidityDays: 30,
    };
  });
  afterEach(() => {
    store.close();
    temp.remove();
  });

  it('opens the offline CA whose key is sealed by the key vault (FIELDLINE_OFFLINE_CA_SEALED_KEY)', async () => {
    const { sealedKey } = await createSealedCaKey(context.vault);
    const sealedFile = join(temp.path, 'ca-key.sealed');
    writeFileSync(sealedFile, sealedKey);
    const root = await makeRoot(Date.now());
    const ca = await makeStationCa(root, await openSealedCaSigningKey(context.vault, sealedKey), { nowMs: Date.now() });
    const chainFile = join(temp.path, 'chain.pem');
    writeFileSync(chainFile, `${toPem(ca)}\n${toPem(root.certificate)}`);

    const opened = await openCertificateIssuer({
      ...context,
      env: { FIELDLINE_OFFLINE_CA_CHAIN: chainFile, FIELDLINE_OFFLINE_CA_SEALED_KEY: sealedFile },
    });
    try {
      expect(opened.issuer.kind).toBe('offline-ca');
    } finally {
      await opened.close();
    }
  });

  it('names the problem: a sealed key another vault made, a chain file that is not PEM, EST without a CA', async () => {
    const { sealedKey } = await createSealedCaKey(openLocalKeyVault({ dataDir: temp.path, env: { FIELDLINE_KEY_PASSPHRASE: 'some other passphrase' } }));
    const sealedFile = join(temp.path, 'ca-key.sealed');
    writeFileSync(sealedFile, sealedKey);
    const root = await makeRoot(Date.now());
    const chainFile = join(temp.path, 'chain.pem');
    writeFileSync(chainFile, toPem(root.certificate));
    await expect(
      openCertificateIssuer({ ...context, env: { FIELDLINE_OFFLINE_CA_CHAIN: chainFile, FIELDLINE_OFFLINE_CA_SEALED_KEY: sealedFile } }),
    ).rejects.toMatchObject({ code: 'KEY_VAULT_UNAVAILABLE', message: expect.stringMatching(/wrong passphrase/) as unknown });

    const notPem = join(temp.path, 'not.pem');
    writeFileSync(notPem, 'hello');
    await expect(
      openCertificateIssuer({ ...context, env: { FIELDLINE_OFFLINE_CA_CHAIN: notPem, FIELDLINE_OFFLINE_CA_SEALED_KEY: sealedFile } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/FIELDLINE_OFFLINE_CA_CHAIN .* not a readable PEM/) as unknown });

    await expect(openCertificateIssuer({ ...context, env: { FIELDLINE_EST_URL: 'https://est.example' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/FIELDLINE_EST_CA/) as unknown,
    });
  });

  it('builds EST against another server with its CA file and basic authentication when the station is not enrolled', async () => {
    const root = await makeRoot(Date.now());
    const caFile = join(temp.path, 'est-ca.pem');
    writeFileSync(caFile, toPem(root.certificate));
    const opened = await openCertificateIssuer({
      ...context,
      env: { FIELDLINE_EST_URL: 'https://est.example:8443', FIELDLINE_EST_CA: caFile, FIELDLINE_EST_USERNAME: 'line3', FIELDLINE_EST_PASSWORD: 'pw' },
    });
    expect(opened.issuer).toMatchObject({ kind: 'est', description: 'EST https://est.example:8443/.well-known/est' });
    await opened.close();
  });
});
