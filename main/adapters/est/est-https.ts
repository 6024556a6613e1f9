import { request } from 'node:https';
import { AppError } from '../../../shared/errors';

/** The station's TLS identity towards an EST server: the CA it pins, and its client certificate. */
export interface EstTlsIdentity {
  /** CA certificates (PEM) the server's certificate must chain to. */
  caPem: string;
  /** The station's client certificate and key (PEM); RFC 7030 §3.3.2 client authentication. */
  certificatePem?: string;
  keyPem?: string;
}

export interface EstHttpAnswer {
  status: number;
  contentType: string;
  body: string;
  retryAfter: string | undefined;
}

/** A certs-only answer is a few kilobytes; a server sending more is not answering EST. */
const MAX_ANSWER_BYTES = 512 * 1024;

/**
 * One HTTPS exchange with an EST server, TLS 1.2 or newer, the server's certificate checked against
 * the pinned CA. Connection failures and timeouts are EST_UNREACHABLE; an oversized answer is
 * EST_BAD_RESPONSE. The status and body are interpreted by the caller (est-client.ts).
 */
export function estExchange(
  url: URL,
  options: {
    method: 'GET' | 'POST';
    body?: string;
    contentType?: string;
    tls: EstTlsIdentity;
    basicAuth?: { username: string; password: string };
    timeoutMs: number;
    signal?: AbortSignal;
  },
): Promise<EstHttpAnswer> {
  const payload = options.body === undefined ? undefined : Buffer.from(options.body, 'ascii');
  const headers: Record<string, string | number> = { accept: 'application/pkcs7-mime' };
  if (payload !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/pkcs10';
    headers['content-transfer-encoding'] = 'base64';
    headers['content-length'] = payload.length;
  }
  if (options.basicAuth !== undefined) {
    const { username, password } = options.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: options.method,
        ca: options.tls.caPem,
        ...(options.tls.certificatePem === undefined
          ? {}
          : { cert: options.tls.certificatePem, key: options.tls.keyPem }),
        headers,
        timeout: options.timeoutMs,
        minVersion: 'TLSv1.2',
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            response.destroy(
              new AppError(
                'EST_BAD_RESPONSE',
                `the answer from ${url.host} exceeds ${MAX_ANSWER_BYTES} bytes`,
              ),
            );
          } else chunks.push(chunk);
        });
        response.once('error', (error) => reject(unreachable(error, url, options.signal)));
        response.once('end', () => {
          const retryAfter: string | undefined = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString('latin1'),
            retryAfter,
          });
        });
      },
    );
    outgoing.once('timeout', () =>
      outgoing.destroy(
        new AppError('EST_UNREACHABLE', `${url.host} did not answer within ${options.timeoutMs} ms`),
      ),
    );
    outgoing.once('error', (error) => reject(unreachable(error, url, options.signal)));
    outgoing.end(payload);
  });
}

function unreachable(error: unknown, url: URL, signal: AbortSignal | undefined): AppError {
  if (error instanceof AppError) return error;
  if (signal?.aborted)
    return new AppError('CANCELLED', `the request to ${url.host} was cancelled`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('EST_UNREACHABLE', `cannot reach the EST server ${url.host}: ${message}`, {
    cause: error,
  });
}
