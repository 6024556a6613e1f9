import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, isErrorCode } from '../../../shared/errors';
import { encodeCertsOnly, toBase64Lines } from '../../core/identity/pkcs7-certs-only';
import { makeRoot } from '../../core/identity/test-support/identity-fixtures';
import { estBaseUrl, readCertsOnlyAnswer } from './est-client';

const CERTS_ONLY = 'application/pkcs7-mime; smime-type=certs-only';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  }
  return 'ok';
}

describe('EST answers (RFC 7030 §4, RFC 8951)', () => {
  it('reads a certs-only answer with or without line breaks, and with any certs-only content type spelling', async () => {
    const der = encodeCertsOnly([(await makeRoot(Date.now())).certificate]);
    for (const body of [toBase64Lines(der), Buffer.from(der).toString('base64')]) {
      for (const contentType of [
        CERTS_ONLY,
        'application/pkcs7-mime',
        'Application/PKCS7-MIME; smime-type="certs-only"',
      ]) {
        expect(
          readCertsOnlyAnswer('est', 'cacerts', { status: 200, contentType, body, retryAfter: undefined }),
        ).toHaveLength(1);
      }
    }
  });

  it('names each wrong answer', () => {
    const answer = (status: number, contentType: string, body: string, retryAfter?: string) => () =>
      readCertsOnlyAnswer('est.example', 'simpleenroll', { status, contentType, body, retryAfter });
    expect(codeOf(answer(200, 'text/html', '<html/>'))).toBe('EST_BAD_RESPONSE');
    expect(codeOf(answer(200, 'application/pkcs7-mime; smime-type=server-generated-key', 'AAAA'))).toBe(
      'EST_BAD_RESPONSE',
    );
    expect(codeOf(answer(202, '', '', '120'))).toBe('EST_REFUSED');
    expect(codeOf(answer(302, 'text/html', ''))).toBe('EST_BAD_RESPONSE');
    expect(codeOf(answer(401, 'text/plain', 'client certificate required'))).toBe('EST_REFUSED');
    expect(
      codeOf(answer(400, 'application/json', '{"error":{"code":"CSR_INVALID","message":"bad CSR"}}')),
    ).toBe('CSR_INVALID');
    expect(codeOf(answer(400, 'application/json', '{"error":{"code":"NOT_OURS","message":"x"}}'))).toBe(
      'EST_REFUSED',
    );
    expect(codeOf(answer(503, '', ''))).toBe('EST_UNREACHABLE');
  });

  it('gives a typed error for any status, content type and body, never a crash', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.oneof(fc.constant(CERTS_ONLY), fc.string({ maxLength: 60 })),
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('base64')),
        ),
        (status, contentType, body) => {
          const code = codeOf(() =>
            readCertsOnlyAnswer('est', 'simpleenroll', { status, contentType, body, retryAfter: undefined }),
          );
          expect(code === 'ok' || isErrorCode(code)).toBe(true);
          if (status !== 200) expect(code).not.toBe('ok');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('adds /.well-known/est to a server URL, keeps a CA label, and insists on HTTPS', () => {
    expect(estBaseUrl('https://fleet.example:8443').href).toBe('https://fleet.example:8443/.well-known/est');
    expect(estBaseUrl('https://est.example/.well-known/est/line-3').href).toBe(
      'https://est.example/.well-known/est/line-3',
    );
    expect(() => estBaseUrl('http://est.example')).toThrow(/HTTPS only/);
    expect(() => estBaseUrl('not a url')).toThrow(AppError);
  });
});
