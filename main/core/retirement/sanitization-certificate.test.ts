import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { canonicalJson } from '../../../shared/ledger/canonical-event';
import { LocalKeyVault } from '../../adapters/key-vault/local-key-vault';
import { UnavailableKeyVault } from '../../adapters/key-vault/unavailable-key-vault';
import { makeTempDir } from '../../test-support/temp-dir';
import {
  signSanitizationCertificate,
  signedText,
  verifySanitizationCertificate,
  type SanitizationBody,
  type SanitizationCertificate,
} from './sanitization-certificate';
import { SEALED_KEY_FILE, StationSigningKey } from './station-signing-key';

function testVault(): LocalKeyVault {
  const key = randomBytes(32);
  return new LocalKeyVault('test key file', () => ({ kind: 'key-file', path: '/test/vault.key', key }));
}

function body(overrides: Partial<SanitizationBody> = {}): SanitizationBody {
  return {
    device: { id: 'hwid:0A1B', hardwareId: '0a1b', serial: 'FL-0001', model: 'fieldline-lab-nrf52840' },
    method: { standard: 'NIST SP 800-88 Rev. 1', level: 'clear', technique: 'logical sanitization over SMP' },
    actions: [
      {
        name: 'zeroize',
        command: 'identity (64) zeroize (3)',
        targets: ['device key'],
        result: 'done',
        verification: { checked: 'device key', how: 'identity (64) read (0)', result: 'clean' },
      },
    ],
    remaining: [],
    revocations: [{ certificateSerial: '1f', fingerprintSha256: 'ab'.repeat(32), reason: 'cessationOfOperation' }],
    operator: 'ada',
    station: { id: 'station-1' },
    operationId: 'op-1',
    completedAt: '2026-11-27T20:00:00.000Z',
    followsEventId: '0193aaaa-0000-7000-8000-000000000001',
    ...overrides,
  };
}

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('certificate of sanitization', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  afterEach(() => dir?.remove());

  async function signed(overrides: Partial<SanitizationBody> = {}): Promise<{ certificate: SanitizationCertificate; publicKeyPem: string }> {
    dir = makeTempDir('fieldline-retire-key-');
    const key = new StationSigningKey(dir.path, testVault());
    const certificate = await signSanitizationCertificate(body(overrides), await key.signer());
    return { certificate, publicKeyPem: (await key.publicKey())!.pem };
  }

  it('signs with the station key and verifies with its exported public key', async () => {
    const { certificate, publicKeyPem } = await signed();
    expect(certificate.signature.algorithm).toBe('Ed25519');
    expect(verifySanitizationCertificate(structuredClone(certificate), publicKeyPem)).toEqual(certificate);
    // Survives a trip through a file: JSON text, parsed again.
    expect(verifySanitizationCertificate(JSON.parse(JSON.stringify(certificate)), publicKeyPem).body.device.serial).toBe('FL-0001');
  });

  it('signs the canonical text: sorted keys, no whitespace, the signature value left out', async () => {
    const { certificate, publicKeyPem } = await signed();
    const text = signedText(certificate);
    expect(text).toBe(canonicalJson({ body: certificate.body, format: certificate.format, signature: { algorithm: 'Ed25519', keyId: certificate.signature.keyId, publicKey: certificate.signature.publicKey } }));
    expect(text).not.toContain(certificate.signature.value);
    expect(text.indexOf('"body"')).toBeLessThan(text.indexOf('"format"'));
    // Key order in the object does not matter: the same content gives the same text.
    const reordered = JSON.parse(JSON.stringify({ signature: certificate.signature, body: certificate.body, format: certificate.format })) as SanitizationCertificate;
    expect(signedText(reordered)).toBe(text);
    expect(verify(null, Buffer.from(text), publicKeyPem, Buffer.from(certificate.signature.value, 'base64'))).toBe(true);
  });

  it('detects tampering with any field, and a certificate signed by another key', async () => {
    const { certificate, publicKeyPem } = await signed();
    const altered = structuredClone(certificate);
    altered.body.device.serial = 'FL-0002';
    expect(refusal(() => verifySanitizationCertificate(altered, publicKeyPem)).message).toMatch(/altered/);
    const otherMethod = structuredClone(certificate);
    otherMethod.body.method.level = 'purge';
    expect(refusal(() => verifySanitizationCertificate(otherMethod, publicKeyPem)).code).toBe('SANITIZATION_CERTIFICATE_INVALID');
    const flipped = structuredClone(certificate);
    const signature = Buffer.from(flipped.signature.value, 'base64');
    signature[0] = signature[0]! ^ 1;
    flipped.signature.value = signature.toString('base64');
    expect(refusal(() => verifySanitizationCertificate(flipped, publicKeyPem)).message).toMatch(/altered/);
    const stranger = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(refusal(() => verifySanitizationCertificate(certificate, stranger)).message).toMatch(/signed by station key [0-9a-f]{64}, not by the given key/);
    const extra = { ...structuredClone(certificate), note: 'added later' };
    expect(refusal(() => verifySanitizationCertificate(extra, publicKeyPem)).message).toMatch(/not a Fieldline certificate of sanitization/);
  });

  it('refuses to sign, or to accept, a certificate that lists anything remaining', async () => {
    dir = makeTempDir('fieldline-retire-key-');
    const key = new StationSigningKey(dir.path, testVault());
    await expect(signSanitizationCertificate(body({ remaining: ['setting wifi/psk'] }), await key.signer())).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const { certificate, publicKeyPem } = await signed();
    const withRemaining = { ...certificate, body: { ...certificate.body, remaining: ['file /lfs1/app.cfg'] } };
    expect(refusal(() => verifySanitizationCertificate(withRemaining, publicKeyPem)).message).toMatch(/remaining/);
  });

  it('refuses a key that is not a public key, and a non-Ed25519 key, naming it', async () => {
    const { certificate } = await signed();
    expect(refusal(() => verifySanitizationCertificate(certificate, 'not a key'))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not a PEM/) as unknown });
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(refusal(() => verifySanitizationCertificate(certificate, p256)).message).toMatch(/not an Ed25519 key/);
  });
});

describe('StationSigningKey', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  afterEach(() => dir?.remove());

  it('generates its key on first use, keeps it sealed, and signs with the same key afterwards', async () => {
    dir = makeTempDir('fieldline-retire-key-');
    const vault = testVault();
    const key = new StationSigningKey(dir.path, vault);
    expect(await key.publicKey()).toBeNull();
    const first = await key.signer();
    const again = await new StationSigningKey(dir.path, vault).signer();
    expect(again.keyId).toBe(first.keyId);
    expect((await key.publicKey())!.keyId).toBe(first.keyId);
    for (const name of readdirSync(dir.path)) {
      const bytes = readFileSync(join(dir.path, name));
      expect(bytes.includes('PRIVATE KEY')).toBe(false);
      // The PKCS#8 header of an Ed25519 key; it must never be in a file in the clear.
      expect(bytes.includes(Buffer.from('302e020100300506032b657004220420', 'hex'))).toBe(false);
    }
    expect(readFileSync(join(dir.path, SEALED_KEY_FILE)).subarray(0, 6).toString()).toBe('FLLV1\n');
  });

  it('refuses where no vault can seal, rather than keeping the key in the clear', async () => {
    dir = makeTempDir('fieldline-retire-key-');
    await expect(new StationSigningKey(dir.path, new UnavailableKeyVault()).signer()).rejects.toMatchObject({ code: 'KEY_VAULT_UNAVAILABLE' });
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('refuses to sign when the published public key is not the sealed key', async () => {
    dir = makeTempDir('fieldline-retire-key-');
    const vault = testVault();
    await new StationSigningKey(dir.path, vault).signer();
    const other = makeTempDir('fieldline-retire-key-');
    try {
      await new StationSigningKey(other.path, vault).signer();
      const { copyFileSync } = await import('node:fs');
      copyFileSync(join(other.path, 'station-signing-key.pub.pem'), join(dir.path, 'station-signing-key.pub.pem'));
    } finally {
      other.remove();
    }
    await expect(new StationSigningKey(dir.path, vault).signer()).rejects.toThrow(/does not belong to the sealed station signing key/);
  });
});
