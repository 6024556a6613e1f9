import type { CertificateIssuer, IssuanceRequest, IssuerAnswer } from '../../core/ports/certificate-issuer';
import { EstClient, type EstClientOptions } from './est-client';

/**
 * The `CertificateIssuer` over EST: `enroll` is simpleenroll, `reenroll` simplereenroll, and the chain
 * is built from `cacerts`, fetched once per issuer. The core checks what comes back
 * (main/core/identity/issued-chain.ts).
 */
export class EstCertificateIssuer implements CertificateIssuer {
  readonly kind = 'est';
  readonly description: string;
  readonly client: EstClient;
  #caCertificates: Promise<Uint8Array[]> | undefined;

  constructor(options: EstClientOptions) {
    this.client = new EstClient(options);
    this.description = `EST ${this.client.baseUrl.href}`;
  }

  async enroll(request: IssuanceRequest, signal?: AbortSignal): Promise<IssuerAnswer> {
    const certificates = await this.client.simpleEnroll(request.csrDer, signal);
    return { certificates, caCertificates: await this.#cacerts(signal) };
  }

  async reenroll(
    request: IssuanceRequest & { currentCertificate: Uint8Array },
    signal?: AbortSignal,
  ): Promise<IssuerAnswer> {
    const certificates = await this.client.simpleReenroll(request.csrDer, signal);
    return { certificates, caCertificates: await this.#cacerts(signal) };
  }

  #cacerts(signal: AbortSignal | undefined): Promise<Uint8Array[]> {
    this.#caCertificates ??= this.client.cacerts(signal).catch((error: unknown) => {
      this.#caCertificates = undefined;
      throw error;
    });
    return this.#caCertificates;
  }
}
