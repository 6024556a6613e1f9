import { request } from 'node:https';
import { z } from 'zod';
import { AppError, isErrorCode } from '../../../shared/errors';

export interface TlsIdentity {
  /** CA certificates (PEM) the server's certificate must chain to. */
  caPem: string;
  /** The station's client certificate and key (PEM), once enrolled. */
  certificatePem?: string;
  keyPem?: string;
}

/** Largest answer accepted from the fleet server: an ack is tiny, a catalog holds manifests and PEMs. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const serverErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) });

interface RequestOptions {
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * POSTs JSON over HTTPS (mutual TLS when an identity is given) and returns the parsed answer. Network
 * failures, timeouts and 5xx become FLEET_UNREACHABLE (retry later); an answer that is not the JSON we
 * expect becomes FLEET_BAD_RESPONSE; a refusal keeps the server's own code when it is one of ours.
 */
export async function postJson(url: URL, body: unknown, tls: TlsIdentity, options: RequestOptions): Promise<unknown> {
  const answer = await exchange('POST', url, Buffer.from(JSON.stringify(body)), {}, tls, options);
  return interpret(answer.status, answer.text, url);
}

/**
 * GETs a JSON document, revalidating a cached copy: with `etag` it sends If-None-Match, and a 304
 * answer comes back as `{ isModified: false }`. Errors as for postJson.
 */
export async function getJsonIfChanged(
  url: URL,
  etag: string | null,
  tls: TlsIdentity,
  options: RequestOptions,
): Promise<{ isModified: false } | { isModified: true; etag: string | null; body: unknown }> {
  const headers: Record<string, string> = etag === null ? {} : { 'if-none-match': etag };
  const answer = await exchange('GET', url, null, headers, tls, options);
  if (answer.status === 304) return { isModified: false };
  return { isModified: true, etag: answer.etag, body: interpret(answer.status, answer.text, url) };
}

function exchange(
  method: 'GET' | 'POST',
  url: URL,
  payload: Buffer | null,
  extraHeaders: Record<string, string>,
  tls: TlsIdentity,
  options: RequestOptions,
): Promise<{ status: number; etag: string | null; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...extraHeaders };
    if (payload !== null) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    const outgoing = request(
      url,
      {
        method,
        ca: tls.caPem,
        ...(tls.certificatePem === undefined ? {} : { cert: tls.certificatePem, key: tls.keyPem }),
        headers,
        timeout: options.timeoutMs,
        signal: options.signal,
        minVersion: 'TLSv1.2',
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) response.destroy(new AppError('FLEET_BAD_RESPONSE', `the answer from ${url.host} exceeds ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.once('error', (error) => reject(asFleetError(error, url)));
        response.once('end', () => {
          const etag = response.headers.etag;
          resolve({ status: response.statusCode ?? 0, etag: typeof etag === 'string' ? etag : null, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    outgoing.once('timeout', () => outgoing.destroy(new AppError('FLEET_UNREACHABLE', `${url.host} did not answer within ${options.timeoutMs} ms`)));
    outgoing.once('error', (error) => reject(asFleetError(error, url)));
    outgoing.end(payload ?? undefined);
  });
}

function interpret(status: number, text: string, url: URL): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (status >= 500) throw new AppError('FLEET_UNREACHABLE', `${url.host} answered ${status}`);
    throw new AppError('FLEET_BAD_RESPONSE', `${url.host} answered ${status} with something that is not JSON`, { details: { status } });
  }
  if (status >= 200 && status < 300) return parsed;
  if (status >= 500) throw new AppError('FLEET_UNREACHABLE', `${url.host} answered ${status}`, { details: { status } });
  const refusal = serverErrorSchema.safeParse(parsed);
  if (!refusal.success) throw new AppError('FLEET_BAD_RESPONSE', `${url.host} answered ${status} without an error body`, { details: { status } });
  const { code, message, details } = refusal.data.error;
  if (!isErrorCode(code)) throw new AppError('FLEET_BAD_RESPONSE', `${url.host} refused with an unknown code ${code.slice(0, 64)}: ${message}`, { details: { status } });
  throw new AppError(code, message, { details: { ...details, status } });
}

function asFleetError(error: unknown, url: URL): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('FLEET_UNREACHABLE', `cannot reach ${url.host}: ${message}`, { cause: error });
}
