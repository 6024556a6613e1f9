import { createPrivateKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateDeviceKeyAndCsr,
  IdentityCommand,
  installCertificateChain,
  readDeviceIdentity,
  readInstalledCertificate,
  zeroizeDevice,
} from '../../../../main/core/drivers/smp/identity-commands';
import { resetDevice } from '../../../../main/core/drivers/smp/os-commands';
import { SmpClient } from '../../../../main/core/drivers/smp/smp-client';
import { InMemorySmpLink } from '../../transports/in-memory-smp-link';
import { x509 } from './device-x509';
import { startSmpDeviceFixture, type SmpDeviceFixture } from './smp-lab-device-fixture';

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date('2036-01-01T00:00:00Z');

let fixture: SmpDeviceFixture;
afterEach(async () => {
  expect(fixture.device.faults).toEqual([]);
  await fixture.dispose();
});

/** A lab CA that issues a device certificate for a CSR, as the fleet's EST server would. */
async function startCa() {
  const keys = await globalThis.crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Fieldline Lab Device CA',
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: SIGNING,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return {
    der: new Uint8Array(certificate.rawData),
    async issue(csrDer: Uint8Array, serialNumber = '02'): Promise<Uint8Array> {
      const request = new x509.Pkcs10CertificateRequest(new Uint8Array(csrDer));
      const issued = await x509.X509CertificateGenerator.create({
        serialNumber,
        subject: request.subject,
        issuer: certificate.subject,
        notBefore,
        notAfter,
        publicKey: request.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: SIGNING,
      });
      return new Uint8Array(issued.rawData);
    },
  };
}

const identityRequest = (op: 'read' | 'write', commandId: number, body: Record<string, unknown> = {}) =>
  fixture.client.request({ op, group: 64, commandId, body: body as never });

describe('lab SMP device: identity group 64 (protocols.md §7)', () => {
  it('reads the hardware id, serial number and model', async () => {
    fixture = await startSmpDeviceFixture({ hardwareId: '00c0ffee12345678', model: 'lab-sensor-7' });
    await expect(readDeviceIdentity(fixture.client)).resolves.toEqual({
      hardwareId: new Uint8Array(Buffer.from('00c0ffee12345678', 'hex')),
      model: 'lab-sensor-7',
      serialNumber: 'LAB-0001',
    });
  });

  it('generates a P-256 key inside the device and answers a CSR that proves possession; the key never leaves', async () => {
    fixture = await startSmpDeviceFixture();
    const link = new InMemorySmpLink(fixture.device);
    const client = new SmpClient(link, { timeoutMs: 5_000 });
    const answers: Uint8Array[] = [];
    link.onPacket((packet) => answers.push(packet));
    const csrDer = await generateDeviceKeyAndCsr(client, { subject: 'CN=LAB-0001,O=Fieldline' });
    client.dispose();

    const csr = new x509.Pkcs10CertificateRequest(new Uint8Array(csrDer));
    expect(await csr.verify()).toBe(true);
    expect(csr.subject).toBe('CN=LAB-0001, O=Fieldline');
    expect(csr.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });

    const keyPath = join(fixture.config.stateDir, 'credentials', 'device-key.pem');
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    const privateKey = createPrivateKey(await readFile(keyPath, 'utf8'));
    const scalar = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(Buffer.from(answer).indexOf(scalar)).toBe(-1);
      expect(Buffer.from(answer).indexOf(pkcs8)).toBe(-1);
    }
  });

  it('installs a certificate chain for its key and reads it back, also after a power cycle', async () => {
    fixture = await startSmpDeviceFixture();
    const ca = await startCa();
    const leaf = await ca.issue(await generateDeviceKeyAndCsr(fixture.client, { subject: 'CN=LAB-0001' }));
    await installCertificateChain(fixture.client, [leaf, ca.der]);
    await expect(readInstalledCertificate(fixture.client)).resolves.toEqual({
      certificate: leaf,
      chain: [leaf, ca.der],
    });
    await fixture.powerCycle();
    await expect(readInstalledCertificate(fixture.client)).resolves.toMatchObject({ certificate: leaf });
  });

  it('takes a chain one certificate per request, in order, and answers it one certificate per read', async () => {
    fixture = await startSmpDeviceFixture();
    const ca = await startCa();
    const leaf = await ca.issue(await generateDeviceKeyAndCsr(fixture.client, { subject: 'CN=LAB-0001' }));
    const part = (index: number, cert: Uint8Array, count = 2) =>
      identityRequest('write', IdentityCommand.certificate, { cert, index, count });
    // Out of order: the second certificate first is refused, and nothing is installed.
    await expect(part(1, ca.der)).rejects.toMatchObject({ code: 'DEVICE_REJECTED' });
    await expect(readInstalledCertificate(fixture.client)).rejects.toMatchObject({ details: { rc: 3 } });
    // A part alone installs nothing until the last one arrives; then the whole chain is checked.
    await part(0, leaf);
    await expect(readInstalledCertificate(fixture.client)).rejects.toMatchObject({ details: { rc: 3 } });
    await part(1, ca.der);
    await expect(identityRequest('read', IdentityCommand.certificate, { index: 1 })).resolves.toEqual({
      cert: ca.der,
      count: 2,
    });
    await expect(
      identityRequest('write', IdentityCommand.certificate, { cert: leaf, index: 0, count: 5 }),
    ).rejects.toMatchObject({ details: { group: 64, rc: 8 } });
  });

  it('refuses a chain before a key exists, for another key, out of order, or that is not X.509', async () => {
    fixture = await startSmpDeviceFixture();
    const ca = await startCa();
    const otherKeys = await globalThis.crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
    const otherCsr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=someone-else',
      keys: otherKeys,
      signingAlgorithm: SIGNING,
    });
    const foreign = await ca.issue(new Uint8Array(otherCsr.rawData), '03');
    const rejectedWith = (rc: number) => ({ code: 'DEVICE_REJECTED', details: { group: 64, rc } });

    await expect(installCertificateChain(fixture.client, [foreign, ca.der])).rejects.toMatchObject(
      rejectedWith(2),
    );
    const leaf = await ca.issue(await generateDeviceKeyAndCsr(fixture.client, { subject: 'CN=LAB-0001' }));
    await expect(installCertificateChain(fixture.client, [foreign, ca.der])).rejects.toMatchObject(
      rejectedWith(7),
    );
    await expect(installCertificateChain(fixture.client, [ca.der, leaf])).rejects.toMatchObject(
      rejectedWith(6),
    );
    await expect(
      installCertificateChain(fixture.client, [new Uint8Array(300).fill(0x30)]),
    ).rejects.toMatchObject(rejectedWith(6));
    await expect(
      identityRequest('write', IdentityCommand.certificate, { chain: Array.from({ length: 5 }, () => leaf) }),
    ).rejects.toMatchObject(rejectedWith(8));
    await expect(readInstalledCertificate(fixture.client)).rejects.toMatchObject(rejectedWith(3));
  });

  it('refuses an unknown algorithm and a subject that names nothing; v1 requests get legacy codes', async () => {
    fixture = await startSmpDeviceFixture();
    await expect(
      identityRequest('write', IdentityCommand.keyAndCsr, { subject: 'CN=x', alg: 'rsa2048' }),
    ).rejects.toMatchObject({ details: { group: 64, rc: 4 } });
    for (const subject of ['garbage', 'CN=', ''])
      await expect(generateDeviceKeyAndCsr(fixture.client, { subject })).rejects.toMatchObject({
        details: { group: 64, rc: 5 },
      });
    await expect(identityRequest('write', IdentityCommand.keyAndCsr, { alg: 'p256' })).rejects.toMatchObject({
      details: { kind: 'smp-error', rc: 3 },
    });
    const v1 = new SmpClient(new InMemorySmpLink(fixture.device), { version: 0 });
    await expect(readInstalledCertificate(v1)).rejects.toMatchObject({
      details: { kind: 'smp-error', rc: 5 },
    });
    await expect(installCertificateChain(v1, [new Uint8Array(40)])).rejects.toMatchObject({
      details: { kind: 'smp-error', rc: 6 },
    });
    v1.dispose();
  });

  it('drops the installed certificate when a new key pair is generated', async () => {
    fixture = await startSmpDeviceFixture();
    const ca = await startCa();
    const leaf = await ca.issue(await generateDeviceKeyAndCsr(fixture.client, { subject: 'CN=LAB-0001' }));
    await installCertificateChain(fixture.client, [leaf]);
    await generateDeviceKeyAndCsr(fixture.client, { subject: 'CN=LAB-0001' });
    await expect(readInstalledCertificate(fixture.client)).rejects.toMatchObject({ details: { rc: 3 } });
    await expect(installCertificateChain(fixture.client, [leaf])).rejects.toMatchObject({
      details: { rc: 7 },
    });
  });

  it('zeroize erases key, certificates and settings (runtime and saved); the identity stays', async () => {
    fixture = await startSmpDeviceFixture();
    const ca = await startCa();
    const leaf = await ca.issue(await generateDeviceKeyAndCsr(fixture.client, { subject: 'CN=LAB-0001' }));
    await installCertificateChain(fixture.client, [leaf, ca.der]);
    const settings = (op: 'read' | 'write', commandId: number, body: Record<string, unknown> = {}) =>
      fixture.client.request({ op, group: 3, commandId, body: body as never });
    await settings('write', 0, { name: 'fieldline/site', val: Uint8Array.from([7]) });
    await settings('write', 3);

    await zeroizeDevice(fixture.client);

    const afterwards = async (): Promise<void> => {
      await expect(readInstalledCertificate(fixture.client)).rejects.toMatchObject({ details: { rc: 3 } });
      await expect(installCertificateChain(fixture.client, [leaf])).rejects.toMatchObject({
        details: { rc: 2 },
      });
      await expect(settings('read', 0, { name: 'fieldline/site' })).rejects.toMatchObject({
        details: { group: 3, rc: 3 },
      });
      await expect(readDeviceIdentity(fixture.client)).resolves.toMatchObject({ serialNumber: 'LAB-0001' });
    };
    await afterwards();
    await expect(stat(join(fixture.config.stateDir, 'credentials'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    const boot = fixture.nextBoot();
    await resetDevice(fixture.client);
    await boot;
    await afterwards();
    await fixture.powerCycle();
    await afterwards();
  });
});
