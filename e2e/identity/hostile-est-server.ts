import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { encodeCertsOnly, toBase64Lines } from '../../main/core/identity/pkcs7-certs-only';
import { toPem } from '../../main/core/identity/certificate-facts';
import { x509 } from '../../main/core/identity/x509';
import {
  ECDSA_SHA256,
  generateP256,
  type KeyPair,
} from '../../main/core/identity/test-support/identity-fixtures';

/** How the hostile EST server answers the next enroll. */
export type HostileMode =
  'ok' | 'garbage' | 'wrong-content-type' | 'another-key' | 'pending' | 'html-error' | 'server-error';

const DAY_MS = 86_400_000;

/**
 * An EST server on loopback that answers as told: correctly, or with garbage, the wrong content type,
 * a certificate for another key, 202 pending, an HTML error page or a 500. Its CA and TLS certificate
 * are made here; `caPem` is what a client pins.
 */
export class HostileEstServer {
  mode: HostileMode = 'ok';
  requests: { path: string; contentType: string | undefined }[] = [];
  readonly caPem: string;
  readonly caDer: Uint8Array;
  readonly #server: Server;
  readonly #caKeys: KeyPair;
  readonly #ca: x509.X509Certificate;

  private constructor(server: Server, ca: x509.X509Certificate, caKeys: KeyPair) {
    this.#server = server;
    this.#ca = ca;
    this.#caKeys = caKeys;
    this.caDer = new Uint8Array(ca.rawData);
    this.caPem = toPem(this.caDer);
  }

  get url(): string {
    return `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  static async start(): Promise<HostileEstServer> {
    const caKeys = await generateP256();
    const now = Date.now();
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=Hostile EST CA',
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 30 * DAY_MS),
      keys: caKeys,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    const tlsKeys = await generateP256();
    const tls = await x509.X509CertificateGenerator.create({
      serialNumber: '02',
      subject: 'CN=127.0.0.1',
      issuer: ca.subject,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 30 * DAY_MS),
      publicKey: tlsKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
    });
    const keyPem = x509.PemConverter.encode(
      await crypto.subtle.exportKey('pkcs8', tlsKeys.privateKey),
      'PRIVATE KEY',
    );
    const server = createServer(
      { key: keyPem, cert: tls.toString('pem'), minVersion: 'TLSv1.2' },
      (request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          void hostile
            .#answer(request.url ?? '', request.headers['content-type'], Buffer.concat(chunks).toString())
            .then(
              ({ status, headers, body }) => response.writeHead(status, headers).end(body),
              (error: unknown) => response.writeHead(500).end(String(error)),
            );
        });
      },
    );
    const hostile = new HostileEstServer(server, ca, caKeys);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return hostile;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #answer(
    path: string,
    contentType: string | undefined,
    body: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    this.requests.push({ path, contentType });
    const certsOnly = (ders: Uint8Array[]) => ({
      status: 200,
      headers: {
        'content-type': 'application/pkcs7-mime; smime-type=certs-only',
        'content-transfer-encoding': 'base64',
      },
      body: toBase64Lines(encodeCertsOnly(ders)),
    });
    if (path.endsWith('/cacerts')) return certsOnly([this.caDer]);
    switch (this.mode) {
      case 'garbage':
        return {
          status: 200,
          headers: { 'content-type': 'application/pkcs7-mime; smime-type=certs-only' },
          body: 'MIIB this is not a certs-only answer at all',
        };
      case 'wrong-content-type':
        return { ...(await this.#issue(body, certsOnly)), headers: { 'content-type': 'application/json' } };
      case 'another-key': {
        const other = await generateP256();
        return certsOnly([await this.#sign(other.publicKey, 'CN=LAB-ID-0001')]);
      }
      case 'pending':
        return { status: 202, headers: { 'retry-after': '60' }, body: '' };
      case 'html-error':
        return {
          status: 400,
          headers: { 'content-type': 'text/html' },
          body: '<html><body><h1>Bad Request</h1>CSR subject not allowed</body></html>',
        };
      case 'server-error':
        return { status: 503, headers: {}, body: '' };
      case 'ok':
        return this.#issue(body, certsOnly);
    }
  }

  async #issue(
    base64: string,
    certsOnly: (ders: Uint8Array[]) => { status: number; headers: Record<string, string>; body: string },
  ) {
    const csr = new x509.Pkcs10CertificateRequest(Buffer.from(base64.replace(/\s+/g, ''), 'base64'));
    return certsOnly([await this.#sign(csr.publicKey, csr.subject)]);
  }

  async #sign(publicKey: x509.PublicKey | KeyPair['publicKey'], subject: string): Promise<Uint8Array> {
    const now = Date.now();
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: '1234',
      subject,
      issuer: this.#ca.subject,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 10 * DAY_MS),
      publicKey,
      signingKey: this.#caKeys.privateKey,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.#ca),
      ],
    });
    return new Uint8Array(certificate.rawData);
  }
}
