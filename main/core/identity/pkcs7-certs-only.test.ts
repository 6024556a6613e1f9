import { ContentInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { decodeCertsOnlyBase64, encodeCertsOnly, parseCertsOnly, toBase64Lines } from './pkcs7-certs-only';
import { makeRoot, type TestRoot } from './test-support/identity-fixtures';
import { x509 } from './x509';

let roots: TestRoot[];
beforeAll(async () => {
  roots = await Promise.all([makeRoot(Date.now()), makeRoot(Date.now(), 'CN=Second Root')]);
});

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('PKCS#7 certs-only (RFC 7030 §4.1.3, RFC 5652 §5)', () => {
  it('round-trips certificates in order', () => {
    const ders = roots.map((root) => root.certificate);
    const parsed = parseCertsOnly(encodeCertsOnly(ders));
    expect(parsed.map((der) => Buffer.from(der).toString('hex'))).toEqual(
      ders.map((der) => Buffer.from(der).toString('hex')),
    );
  });

  it('reads what @peculiar/x509 exports (the fleet server encodes with it)', () => {
    const collection = new x509.X509Certificates(
      roots.map((root) => new x509.X509Certificate(root.certificate)),
    );
    const der = new Uint8Array(collection.export('raw'));
    expect(parseCertsOnly(der)).toHaveLength(2);
  });

  it('accepts base64 with or without line breaks (RFC 8951), CRLF, and a PEM PKCS7 block', () => {
    const der = encodeCertsOnly([roots[0]!.certificate]);
    const plain = Buffer.from(der).toString('base64');
    const lines = toBase64Lines(der);
    expect(lines).toContain('\n');
    for (const text of [
      plain,
      lines,
      lines.replace(/\n/g, '\r\n'),
      `-----BEGIN PKCS7-----\n${lines}-----END PKCS7-----\n`,
    ]) {
      expect(Buffer.from(decodeCertsOnlyBase64(text)).equals(Buffer.from(der))).toBe(true);
    }
  });

  it('refuses what is not base64', () => {
    expect(refusal(() => decodeCertsOnlyBase64('<html>error</html>')).message).toMatch(/not base64/);
    expect(refusal(() => decodeCertsOnlyBase64('  \r\n')).message).toMatch(/empty/);
  });

  it('refuses other CMS content, signers and empty certificate sets, naming them', () => {
    const der = encodeCertsOnly([roots[0]!.certificate]);
    const info = AsnConvert.parse(der, ContentInfo);
    const enveloped = new Uint8Array(
      AsnConvert.serialize(new ContentInfo({ contentType: '1.2.840.113549.1.7.3', content: info.content })),
    );
    expect(refusal(() => parseCertsOnly(enveloped)).message).toMatch(/envelopedData/);
    expect(refusal(() => parseCertsOnly(encodeCertsOnly([]))).message).toMatch(/no certificate/);
  });

  it('gives EST_BAD_RESPONSE for arbitrary bytes and text, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect(refusal(() => parseCertsOnly(bytes)).code).toBe('EST_BAD_RESPONSE');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        try {
          parseCertsOnly(decodeCertsOnlyBase64(text));
        } catch (error: unknown) {
          expect((error as AppError).code).toBe('EST_BAD_RESPONSE');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives EST_BAD_RESPONSE for every truncation of a valid answer', () => {
    const der = encodeCertsOnly(roots.map((root) => root.certificate));
    for (let length = 0; length < der.length; length += 7) {
      expect(refusal(() => parseCertsOnly(der.subarray(0, length))).code).toBe('EST_BAD_RESPONSE');
    }
  });
});
