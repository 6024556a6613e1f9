import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { parseCertificateProfile } from './certificate-profile';
import { checkCertificateRequest } from './csr-check';
import { ECDSA_SHA256, generateP256, makeCsr } from './test-support/identity-fixtures';
import { x509 } from './x509';

const SUBJECT = 'O=Fieldline, CN=FL-0042';
const profile = parseCertificateProfile({ subject: { organization: 'Fieldline' } });

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

async function csrWithKeys(
  algorithm: Parameters<typeof crypto.subtle.generateKey>[0],
  signing: object,
): Promise<Uint8Array> {
  const keys = await globalThis.crypto.subtle.generateKey(algorithm as never, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: SUBJECT,
    keys,
    signingAlgorithm: signing as never,
  });
  return new Uint8Array(csr.rawData);
}

describe('checkCertificateRequest (quality.md, "Enrollment")', () => {
  it('accepts a P-256 CSR with the requested subject and returns its key', async () => {
    const keys = await generateP256();
    const checked = checkCertificateRequest(await makeCsr(SUBJECT, keys), {
      profile,
      expectedSubject: SUBJECT,
    });
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    expect(checked).toMatchObject({ subject: SUBJECT, commonName: 'FL-0042', keyAlgorithm: 'p256' });
    expect(Buffer.from(checked.publicKeySpki).equals(Buffer.from(spki))).toBe(true);
  });

  it('refuses a CSR whose signature was made with another key: no proof of possession', async () => {
    const [keys, other] = await Promise.all([generateP256(), generateP256()]);
    const der = await makeCsr(SUBJECT, keys, { signWith: other });
    const refused = refusal(() => checkCertificateRequest(der, { profile, expectedSubject: SUBJECT }));
    expect(refused.code).toBe('CSR_INVALID');
    expect(refused.message).toMatch(/signature does not verify.*proof/);
  });

  it.each([
    [
      'P-384',
      { name: 'ECDSA', namedCurve: 'P-384' },
      { name: 'ECDSA', hash: 'SHA-384' },
      /P-384.*requires P-256/,
    ],
    [
      'RSA',
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      { name: 'RSASSA-PKCS1-v1_5' },
      /RSA.*requires P-256/,
    ],
    ['Ed25519', { name: 'Ed25519' }, { name: 'Ed25519' }, /Ed25519.*requires P-256/],
  ])('refuses a %s key, naming it', async (_name, algorithm, signing, message) => {
    const der = await csrWithKeys(algorithm, signing);
    const refused = refusal(() => checkCertificateRequest(der, { profile, expectedSubject: SUBJECT }));
    expect(refused.code).toBe('CSR_INVALID');
    expect(refused.message).toMatch(message);
  });

  it('refuses an extension the profile does not allow, and accepts it when the profile does', async () => {
    const keys = await generateP256();
    const der = await makeCsr(SUBJECT, keys, {
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'evil.example' }])],
    });
    const refused = refusal(() => checkCertificateRequest(der, { profile, expectedSubject: SUBJECT }));
    expect(refused.message).toMatch(
      /unexpected extension subjectAltName \(2\.5\.29\.17\); the profile allows none/,
    );
    const permissive = parseCertificateProfile({
      subject: { organization: 'Fieldline' },
      csrExtensions: ['subjectAltName'],
    });
    expect(checkCertificateRequest(der, { profile: permissive, expectedSubject: SUBJECT }).commonName).toBe(
      'FL-0042',
    );
  });

  it('refuses a CSR asking to become a CA', async () => {
    const keys = await generateP256();
    const der = await makeCsr(SUBJECT, keys, {
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    expect(
      refusal(() => checkCertificateRequest(der, { profile, expectedSubject: SUBJECT })).message,
    ).toMatch(/basicConstraints/);
  });

  it('refuses attributes other than an extension request', async () => {
    const keys = await generateP256();
    const der = await makeCsr(SUBJECT, keys, {
      attributes: [new x509.ChallengePasswordAttribute('letmein')],
    });
    expect(
      refusal(() => checkCertificateRequest(der, { profile, expectedSubject: SUBJECT })).message,
    ).toMatch(/unexpected attribute challengePassword/);
  });

  it('refuses another subject than the one asked for', async () => {
    const keys = await generateP256();
    const der = await makeCsr('O=Fieldline, CN=FL-9999', keys);
    const refused = refusal(() => checkCertificateRequest(der, { profile, expectedSubject: SUBJECT }));
    expect(refused.message).toMatch(
      /names "O=Fieldline, CN=FL-9999"; the device was asked for "O=Fieldline, CN=FL-0042"/,
    );
  });

  it('refuses the key of the certificate being replaced', async () => {
    const keys = await generateP256();
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    const der = await makeCsr(SUBJECT, keys);
    expect(
      refusal(() => checkCertificateRequest(der, { profile, expectedSubject: SUBJECT, retiredKeys: [spki] }))
        .message,
    ).toMatch(/did not generate a new key pair/);
  });

  it('refuses trailing bytes and non-DER', async () => {
    const der = await makeCsr(SUBJECT, await generateP256());
    const padded = new Uint8Array([...der, 0]);
    expect(
      refusal(() => checkCertificateRequest(padded, { profile, expectedSubject: SUBJECT })).message,
    ).toMatch(/canonical DER/);
    expect(
      refusal(() => checkCertificateRequest(new Uint8Array(), { profile, expectedSubject: SUBJECT })).message,
    ).toMatch(/empty/);
  });

  it('gives CSR_INVALID for arbitrary bytes, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(
          refusal(() => checkCertificateRequest(bytes, { profile, expectedSubject: SUBJECT })).code,
        ).toBe('CSR_INVALID');
      }),
      { numRuns: 400 },
    );
  });

  it('gives CSR_INVALID for every single-byte change of a valid CSR', async () => {
    const der = await makeCsr(SUBJECT, await generateP256());
    fc.assert(
      fc.property(fc.nat({ max: der.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, delta) => {
        const mutated = new Uint8Array(der);
        mutated[index] = (mutated[index]! + delta) & 0xff;
        expect(
          refusal(() => checkCertificateRequest(mutated, { profile, expectedSubject: SUBJECT })).code,
        ).toBe('CSR_INVALID');
      }),
      { numRuns: 300 },
    );
  });

  it('uses the signature algorithm ECDSA with SHA-256 only', async () => {
    const keys = await generateP256();
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: SUBJECT,
      keys,
      signingAlgorithm: { ...ECDSA_SHA256, hash: 'SHA-384' },
    });
    expect(
      refusal(() =>
        checkCertificateRequest(new Uint8Array(csr.rawData), { profile, expectedSubject: SUBJECT }),
      ).message,
    ).toMatch(/ecdsa-with-SHA384/);
  });
});
