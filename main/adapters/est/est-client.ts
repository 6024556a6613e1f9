import { z } from 'zod';
import { AppError, isErrorCode } from '../../../shared/errors';
import { decodeCertsOnlyBase64, parseCertsOnly, toBase64Lines } from '../../core/identity/pkcs7-certs-only';
import { estExchange, type EstHttpAnswer, type EstTlsIdentity } from './est-https';

export interface EstClientOptions {
  /** The server, `https://host:port`, or an EST base with a CA label, `https://host/.well-known/est/label`. */
  serverUrl: string;
  tls: EstTlsIdentity;
  /** HTTP basic authentication, for EST servers that want it besides or instead of a client certificate. */
  basicAuth?: { username: string; password: string };
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const WELL_KNOWN = '/.well-known/est';
const fleetErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/**
 * An EST client (RFC 7030, updated by RFC 8951) over HTTPS with the station's client certificate:
 * `cacerts`, `simpleenroll`, `simplereenroll`. CSRs go out as base64 DER (`application/pkcs10`);
 * answers must be `application/pkcs7-mime` certs-only, base64 with or without line breaks. Every
 * other answer is a typed error naming what was wrong: EST_UNREACHABLE (network, timeout, 5xx),
 * EST_REFUSED (4xx, or 202 "pending approval" with its Retry-After), EST_BAD_RESPONSE (wrong content
 * type, not base64, not certs-only). The fleet server's own error codes are kept.
 */
export class EstClient {
  readonly baseUrl: URL;
  readonly #options: EstClientOptions;

  constructor(options: EstClientOptions) {
    this.baseUrl = estBaseUrl(options.serverUrl);
    this.#options = options;
  }

  /** RFC 7030 §4.1: the CA certificates, DER, in the order the server sent them. */
  async cacerts(signal?: AbortSignal): Promise<Uint8Array[]> {
    return readCertsOnlyAnswer(
      this.baseUrl.host,
      'cacerts',
      await this.#exchange('cacerts', 'GET', undefined, signal),
    );
  }

  /** RFC 7030 §4.2.1: a first certificate for the CSR. */
  async simpleEnroll(csrDer: Uint8Array, signal?: AbortSignal): Promise<Uint8Array[]> {
    return readCertsOnlyAnswer(
      this.baseUrl.host,
      'simpleenroll',
      await this.#exchange('simpleenroll', 'POST', csrDer, signal),
    );
  }

  /** RFC 7030 §4.2.2: a renewal or re-key; the subject must be the current certificate's. */
  async simpleReenroll(csrDer: Uint8Array, signal?: AbortSignal): Promise<Uint8Array[]> {
    return readCertsOnlyAnswer(
      this.baseUrl.host,
      'simplereenroll',
      await this.#exchange('simplereenroll', 'POST', csrDer, signal),
    );
  }

  #exchange(
    operation: string,
    method: 'GET' | 'POST',
    csrDer: Uint8Array | undefined,
    signal: AbortSignal | undefined,
  ): Promise<EstHttpAnswer> {
    const url = new URL(`${this.baseUrl.pathname.replace(/\/$/, '')}/${operation}`, this.baseUrl);
    return estExchange(url, {
      method,
      ...(csrDer === undefined ? {} : { body: toBase64Lines(csrDer), contentType: 'application/pkcs10' }),
      tls: this.#options.tls,
      ...(this.#options.basicAuth === undefined ? {} : { basicAuth: this.#options.basicAuth }),
      timeoutMs: this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(signal === undefined ? {} : { signal }),
    });
  }
}

/**
 * Interprets one EST answer: the certificates of a 200 certs-only answer, or the typed error for
 * anything else (exported for its property test).
 */
export function readCertsOnlyAnswer(host: string, operation: string, answer: EstHttpAnswer): Uint8Array[] {
  const where = `${host} (${operation})`;
  const details = { operation, status: answer.status };
  if (answer.status === 202) {
    throw new AppError(
      'EST_REFUSED',
      `${where} put the request on hold for approval; retry after ${answer.retryAfter ?? 'a while'}`,
      {
        details: { ...details, retryAfter: answer.retryAfter ?? null },
      },
    );
  }
  if (answer.status >= 500)
    throw new AppError('EST_UNREACHABLE', `${where} answered ${answer.status}`, { details });
  if (answer.status >= 400) throw refusal(where, answer, details);
  if (answer.status !== 200) {
    throw new AppError(
      'EST_BAD_RESPONSE',
      `${where} answered ${answer.status}; EST answers 200 with a certs-only body`,
      { details },
    );
  }
  checkContentType(answer.contentType, where);
  try {
    return parseCertsOnly(decodeCertsOnlyBase64(answer.body));
  } catch (error: unknown) {
    if (error instanceof AppError)
      throw new AppError(error.code, `${where}: ${error.message}`, { details, cause: error });
    throw error;
  }
}

/** `application/pkcs7-mime`, with `smime-type=certs-only` when a smime-type is given (RFC 7030 §4.1.3, §4.2.3). */
function checkContentType(header: string, where: string): void {
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  const smimeType = parameters
    .find((parameter) => parameter.startsWith('smime-type='))
    ?.slice('smime-type='.length)
    .replace(/"/g, '');
  if (type !== 'application/pkcs7-mime' || (smimeType !== undefined && smimeType !== 'certs-only')) {
    throw new AppError(
      'EST_BAD_RESPONSE',
      `${where} answered Content-Type "${header.slice(0, 100)}"; EST answers application/pkcs7-mime; smime-type=certs-only`,
      {
        details: { contentType: header.slice(0, 100) },
      },
    );
  }
}

function refusal(where: string, answer: EstHttpAnswer, details: Record<string, unknown>): AppError {
  try {
    const parsed = fleetErrorSchema.safeParse(JSON.parse(answer.body));
    if (parsed.success && isErrorCode(parsed.data.error.code)) {
      return new AppError(parsed.data.error.code, `${where}: ${parsed.data.error.message}`, { details });
    }
  } catch {
    // Not the fleet server's JSON error: an EST server's plain-text reason follows.
  }
  const reason = answer.body
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 200);
  return new AppError(
    'EST_REFUSED',
    `${where} refused with ${answer.status}${reason === '' ? '' : `: ${reason}`}`,
    { details },
  );
}

/** `https://host:port` → `https://host:port/.well-known/est`; a URL already under it is kept (CA labels, §3.2.2). */
export function estBaseUrl(serverUrl: string): URL {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new AppError('INVALID_INPUT', `"${serverUrl}" is not a URL; expected https://host:port`);
  }
  if (url.protocol !== 'https:')
    throw new AppError('INVALID_INPUT', `EST runs over HTTPS only (RFC 7030 §3.3), not ${url.protocol}`);
  if (!url.pathname.startsWith(WELL_KNOWN)) url.pathname = WELL_KNOWN;
  url.search = '';
  url.hash = '';
  return url;
}
