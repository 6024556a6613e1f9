import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putCatalogItem } from '../../fleet-server/src/catalog/catalog-store';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { registerOfflineCertificates } from '../../main/adapters/fleet/offline-certificate-registration';
import {
  generatePkcs11CaKey,
  openPkcs11CaSigningKey,
  type Pkcs11KeyLocation,
} from '../../main/adapters/pkcs11/pkcs11-ca-signing-key';
import { acquirePkcs11Library } from '../../main/adapters/pkcs11/pkcs11-library';
import { zeroizeDevice } from '../../main/core/drivers/smp/identity-commands';
import {
  CA_SIGNING_ALGORITHM,
  CA_SIGNING_KEY_HANDLE,
  caSigningCrypto,
} from '../../main/core/identity/ca-signing-crypto';
import { parseCertificateProfile } from '../../main/core/identity/certificate-profile';
import { toPem } from '../../main/core/identity/certificate-facts';
import { enrollDeviceCertificate } from '../../main/core/identity/enroll-device-certificate';
import { IdentityEvent, offlineRegistrationBody } from '../../main/core/identity/identity-ledger';
import { OfflineCaIssuer } from '../../main/core/identity/offline-ca-issuer';
import { createOfflineCaRequest, issueSubordinateCa } from '../../main/core/identity/subordinate-ca';
import {
  generateP256,
  makeRoot,
  type TestRoot,
} from '../../main/core/identity/test-support/identity-fixtures';
import { x509 } from '../../main/core/identity/x509';
import { systemClock } from '../../main/core/ports/clock';
import type { CaSigningKey } from '../../main/core/ports/ca-signing-key';
import {
  enrollTestStation,
  opensslVerify,
  opensslVerifyCsr,
  startIdentityBench,
  tool,
  type IdentityBench,
} from './identity-fixture';
import { createSoftHsmToken, findSoftHsm, type SoftHsmToken } from './softhsm-token';

const softHsm = findSoftHsm();
const profile = parseCertificateProfile({
  subject: { organization: 'Fieldline', organizationalUnit: 'line-3' },
});

describe.skipIf('missing' in softHsm)(
  `offline CA with its key in a PKCS#11 token (SoftHSM2)${'missing' in softHsm ? ` — skipped: ${softHsm.missing}` : ''}`,
  () => {
    let folder: string;
    let token: SoftHsmToken;
    let location: Pkcs11KeyLocation;
    let key: CaSigningKey;
    let root: TestRoot;
    let caChain: Uint8Array[];

    beforeAll(async () => {
      if ('missing' in softHsm) return;
      folder = await mkdtemp(join(tmpdir(), 'fieldline-pkcs11-'));
      token = await createSoftHsmToken(folder, softHsm.modulePath);
      location = {
        modulePath: token.modulePath,
        tokenLabel: token.tokenLabel,
        keyLabel: 'station-ca',
        pin: token.pin,
      };
      await generatePkcs11CaKey(location);
      key = await openPkcs11CaSigningKey(location);
      root = await makeRoot(Date.now());
      const csrDer = await createOfflineCaRequest(
        key,
        'O=Fieldline, OU=line-3, CN=Station line-3 offline CA',
      );
      expect(await opensslVerifyCsr(csrDer)).toMatch(/self-signature verify OK/);
      const ca = await issueSubordinateCa({
        csrDer,
        rootCertificate: root.certificate,
        rootKey: root.key,
        permittedSubtrees: ['O=Fieldline, OU=line-3'],
        validityDays: 30,
        nowMs: Date.now(),
      });
      caChain = [ca, root.certificate];
    });
    afterAll(async () => {
      await key?.close();
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    });

    it('keeps the key in the token: sensitive, never extractable, and its value cannot be read', async () => {
      const objects = await token.pkcs11Tool([
        '--login',
        '--pin',
        token.pin,
        '--list-objects',
        '--type',
        'privkey',
      ]);
      expect(objects).toMatch(/label:\s+station-ca/);
      expect(objects).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
      // Asking the token for the private value is refused (CKR_ATTRIBUTE_SENSITIVE), through the same module.
      const library = await acquirePkcs11Library(token.modulePath);
      try {
        const { pkcs11, module: p } = library;
        const slot = pkcs11
          .C_GetSlotList(true)
          .find((candidate) => pkcs11.C_GetTokenInfo(candidate).label.trim() === token.tokenLabel)!;
        const session = pkcs11.C_OpenSession(slot, p.CKF_SERIAL_SESSION);
        pkcs11.C_FindObjectsInit(session, [
          { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY },
          { type: p.CKA_LABEL, value: 'station-ca' },
        ]);
        const [handle] = pkcs11.C_FindObjects(session, 1);
        pkcs11.C_FindObjectsFinal(session);
        expect(() => pkcs11.C_GetAttributeValue(session, handle!, [{ type: p.CKA_VALUE }])).toThrow(
          /CKR_ATTRIBUTE_SENSITIVE/,
        );
        pkcs11.C_CloseSession(session);
      } finally {
        library.release();
      }
      expect(
        Buffer.from(key.publicKeySpki).equals(
          Buffer.from(new x509.X509Certificate(caChain[0]!).publicKey.rawData),
        ),
      ).toBe(true);
    });

    it('signs a subordinate CA that openssl accepts: path length 0, name constraints, 30 days', async () => {
      const text = (
        await tool('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], {
          input: Buffer.from(caChain[0]!),
        })
      ).toString();
      expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      expect(text).toMatch(
        /X509v3 Name Constraints: critical\s+Permitted:\s+DirName:O = Fieldline, OU = line-3/,
      );
      expect(await opensslVerify(folder, caChain)).toMatch(/: OK$/);
    });

    describe('enrolling a lab device with the token-backed offline CA', () => {
      let bench: IdentityBench;
      let server: TestServer;
      beforeAll(async () => {
        bench = await startIdentityBench({ serialNumber: 'LAB-OFF-0001' });
        server = await startTestServer();
      });
      afterAll(async () => {
        await bench?.close();
        await server?.close();
      });

      it('issues, installs a chain openssl verifies with its name constraints, records the issuance, and the fleet server registers it', async () => {
        const issuer = await OfflineCaIssuer.open({
          caChain,
          signingKey: key,
          ledger: bench.ledger,
          clock: systemClock,
          validityDays: profile.offlineValidityDays,
        });
        const result = await enrollDeviceCertificate({
          device: bench.device,
          issuer,
          profile,
          ledger: bench.ledger,
          deviceId: bench.deviceId,
        });
        expect(result.chain).toHaveLength(3);
        expect(result.certificate.subject).toBe('O=Fieldline, OU=line-3, CN=LAB-OFF-0001');
        expect(new Date(result.certificate.notAfter).getTime()).toBeLessThanOrEqual(
          new x509.X509Certificate(caChain[0]!).notAfter.getTime(),
        );
        const installed = (await bench.device.readInstalledChain())!;
        expect(await opensslVerify(bench.folder, installed, { purpose: 'sslclient' })).toMatch(/: OK$/);

        const issuedOffline = bench.ledger.listEvents({ limit: 10, type: IdentityEvent.issuedOffline });
        expect(issuedOffline).toHaveLength(1);
        expect(issuedOffline[0]!.payload).toMatchObject({
          certificateSerial: result.certificate.certificateSerial,
          caKey: 'pkcs11:token=fieldline-ca;object=station-ca',
        });
        expect(
          bench.ledger.listEvents({ limit: 10, type: IdentityEvent.enrolled })[0]!.payload,
        ).toMatchObject({ source: 'offline-ca', mode: 'initial' });

        // At the next sync: the administrator registered the station CA as an offline-device-ca anchor.
        await putCatalogItem(server.db, 'trust-anchor', 'line-3-offline-ca', {
          pem: toPem(caChain[0]!),
          purpose: 'offline-device-ca',
        });
        const station = await enrollTestStation(server, folder, 'station-line-3');
        const body = offlineRegistrationBody(issuedOffline);
        const first = await registerOfflineCertificates(
          station,
          body.certificates,
          new AbortController().signal,
        );
        expect(first).toEqual({
          registered: 1,
          duplicates: 0,
          serials: [result.certificate.certificateSerial],
        });
        const again = await registerOfflineCertificates(
          station,
          body.certificates,
          new AbortController().signal,
        );
        expect(again).toMatchObject({ registered: 0, duplicates: 1 });

        // A renewal signs again in the token and links the first certificate; both issuances are recorded.
        const renewed = await enrollDeviceCertificate({
          device: bench.device,
          issuer,
          profile,
          ledger: bench.ledger,
          deviceId: bench.deviceId,
        });
        expect(renewed.mode).toBe('renewal');
        expect(
          bench.ledger.listEvents({ limit: 10, type: IdentityEvent.enrolled })[0]!.payload,
        ).toMatchObject({
          previous: {
            certificateSerial: result.certificate.certificateSerial,
            fingerprintSha256: result.certificate.fingerprintSha256,
          },
        });
        const both = offlineRegistrationBody(
          bench.ledger.listEvents({ limit: 10, type: IdentityEvent.issuedOffline }),
        );
        expect(
          await registerOfflineCertificates(station, both.certificates, new AbortController().signal),
        ).toMatchObject({ registered: 1, duplicates: 1 });
        // The whole chain fits one SMP request of a device with the common 2 KiB buffer.
        expect(renewed.chain.reduce((total, der) => total + der.length, 0)).toBeLessThan(2048 - 64);

        // No private key in the station's data folder: not the token's, not the device's.
        for (const name of await readdir(bench.folder)) {
          if (name === 'device') continue;
          const text = await readFile(join(bench.folder, name)).catch(() => Buffer.alloc(0));
          expect(text.includes('PRIVATE KEY'), name).toBe(false);
        }
      });

      it('refuses a subject outside its name constraints before signing, and records nothing', async () => {
        await zeroizeDevice(bench.client);
        const issuer = await OfflineCaIssuer.open({
          caChain,
          signingKey: key,
          ledger: bench.ledger,
          clock: systemClock,
          validityDays: 30,
        });
        const before = bench.ledger.listEvents({ limit: 100 }).length;
        const outside = parseCertificateProfile({
          subject: { organization: 'Fieldline', organizationalUnit: 'line-4' },
        });
        const error = await enrollDeviceCertificate({
          device: bench.device,
          issuer,
          profile: outside,
          ledger: bench.ledger,
          deviceId: bench.deviceId,
        }).catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code: 'OFFLINE_CA_UNUSABLE', details: { step: 'issue' } });
        expect((error as Error).message).toMatch(/outside its name constraints/);
        expect(bench.ledger.listEvents({ limit: 100 })).toHaveLength(before);
      });
    });

    it('is what keeps a forged certificate out: openssl refuses a leaf outside the name constraints even when the token signs it', async () => {
      const ca = new x509.X509Certificate(caChain[0]!);
      const crypto = caSigningCrypto(key);
      const forged = await x509.X509CertificateGenerator.create(
        {
          serialNumber: '4242',
          subject: 'O=Someone Else, CN=intruder',
          issuer: ca.subjectName,
          notBefore: new Date(Date.now() - 60_000),
          notAfter: new Date(Date.now() + 86_400_000),
          publicKey: (await generateP256()).publicKey,
          signingKey: CA_SIGNING_KEY_HANDLE,
          signingAlgorithm: CA_SIGNING_ALGORITHM,
          extensions: [await x509.AuthorityKeyIdentifierExtension.create(ca, false, crypto)],
        },
        crypto,
      );
      await expect(opensslVerify(folder, [new Uint8Array(forged.rawData), ...caChain])).rejects.toThrow(
        /permitted subtree violation/,
      );
    });

    it('names token, PIN and key problems', async () => {
      await expect(openPkcs11CaSigningKey({ ...location, pin: '000000' })).rejects.toMatchObject({
        code: 'PKCS11_PIN_INCORRECT',
      });
      await expect(
        openPkcs11CaSigningKey({ ...location, tokenLabel: 'no-such-token' }),
      ).rejects.toMatchObject({
        code: 'PKCS11_UNAVAILABLE',
        message: expect.stringMatching(/present: "fieldline-ca"/) as unknown,
      });
      await expect(openPkcs11CaSigningKey({ ...location, keyLabel: 'no-such-key' })).rejects.toMatchObject({
        code: 'PKCS11_UNAVAILABLE',
      });
      await expect(
        openPkcs11CaSigningKey({ ...location, modulePath: '/nonexistent/libpkcs11.so' }),
      ).rejects.toMatchObject({ code: 'PKCS11_UNAVAILABLE' });
      await token.pkcs11Tool([
        '--login',
        '--pin',
        token.pin,
        '--keypairgen',
        '--key-type',
        'EC:prime256v1',
        '--label',
        'exportable',
        '--extractable',
      ]);
      await expect(openPkcs11CaSigningKey({ ...location, keyLabel: 'exportable' })).rejects.toMatchObject({
        code: 'OFFLINE_CA_UNUSABLE',
        message: expect.stringMatching(/never leave/) as unknown,
      });
    });

    it('signs with a key that pkcs11-tool generated (an independent PKCS#11 client)', async () => {
      await token.pkcs11Tool([
        '--login',
        '--pin',
        token.pin,
        '--keypairgen',
        '--key-type',
        'EC:prime256v1',
        '--label',
        'tool-made',
        '--usage-sign',
      ]);
      const toolKey = await openPkcs11CaSigningKey({ ...location, keyLabel: 'tool-made' });
      try {
        const csrDer = await createOfflineCaRequest(toolKey, 'O=Fieldline, CN=tool-made');
        expect(await opensslVerifyCsr(csrDer)).toMatch(/self-signature verify OK/);
      } finally {
        await toolKey.close();
      }
    });
  },
);
