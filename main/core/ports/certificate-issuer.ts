/**
 * What signs a device's CSR: an EST server (RFC 7030, main/adapters/est) or the station's offline
 * issuing CA (main/core/identity/offline-ca-issuer.ts). The enrollment flow
 * (main/core/identity/enroll-device-certificate.ts) checks the CSR before it calls an issuer and checks
 * what comes back before anything reaches the device, so an issuer only has to transport and sign.
 */
export interface CertificateIssuer {
  /** `est` or `offline-ca`: recorded in the ledger with each certificate. */
  readonly kind: 'est' | 'offline-ca';
  /** Who issues, for logs and the ledger: the EST URL, or the offline CA's subject. */
  readonly description: string;
  /** A first certificate for a device (EST `simpleenroll`). */
  enroll(request: IssuanceRequest, signal?: AbortSignal): Promise<IssuerAnswer>;
  /**
   * A new certificate for a device that holds a current one (EST `simplereenroll`, RFC 7030 §4.2.2:
   * same subject). `currentCertificate` is the leaf being renewed, DER.
   */
  reenroll(
    request: IssuanceRequest & { currentCertificate: Uint8Array },
    signal?: AbortSignal,
  ): Promise<IssuerAnswer>;
}

export interface IssuanceRequest {
  /** The checked PKCS#10 request, DER. */
  csrDer: Uint8Array;
  /** The ledger's device id (`hwid:…`), for records; the subject itself comes from the CSR. */
  deviceId: string;
}

/** What an issuer answered, as it answered it; the core finds the leaf and builds the chain. */
export interface IssuerAnswer {
  /** Certificates in the issuer's answer (DER), in any order: the new leaf, possibly with its CAs. */
  certificates: Uint8Array[];
  /** The issuer's CA certificates (DER), e.g. EST `cacerts`: what the chain is built from. */
  caCertificates: Uint8Array[];
}
