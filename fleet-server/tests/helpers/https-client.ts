import { request } from 'node:https';

export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  bytes: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface ClientCredentials {
  certificatePem: string;
  keyPem: string;
}

/**
 * One HTTPS request over a fresh connection (no agent, so nothing stays open after a test),
 * trusting only the server's CA and optionally presenting a client certificate.
 */
export function httpsRequest(
  baseUrl: string,
  options: {
    method: string;
    path: string;
    caPem: string;
    body?: unknown;
    rawBody?: string | Buffer;
    headers?: Record<string, string>;
    client?: ClientCredentials;
  },
): Promise<HttpsResponse> {
  const url = new URL(options.path, baseUrl);
  const payload =
    options.rawBody ?? (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body), 'utf8'));
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method,
        headers,
        ca: options.caPem,
        agent: false,
        ...(options.client === undefined ? {} : { cert: options.client.certificatePem, key: options.client.keyPem }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
