import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { CaSigningKey } from '../ports/ca-signing-key';
import type { CertificateIssuer, IssuanceRequest, IssuerAnswer } from '../ports/certificate-issuer';
import type { Clock } from '../ports/clock';
import { CA_SIGNING_ALGORITHM, CA_SIGNING_KEY_HANDLE, caSigningCrypto } from './ca-signing-crypto';
import { certificateFacts, parseCertificate, toPem } from './certificate-facts';
import { CLOCK_SKEW_MS } from './issued-chain';
import { IdentityEvent, type CertificateIssuedOfflinePayload, type IdentityLedger } from './identity-ledger';
import { checkOfflineCaCertificate, type OfflineCaPolicy } from './offline-ca-policy';
import { isSubjectPermitted, readNameConstraints } from './name-constraints';
import { bytesEqual, toArrayBuffer } from './der-bytes';
import { x509 } from './x509';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface OfflineCaIssuerOptions {
  /** The station's subordinate CA certificate (DER), then the certificates above it up to the root. */
  caChain: readonly Uint8Array[];
  signingKey: CaSigningKey;
  /** Every issuance is appended here (`certificate.issued-offline`) before the certificate is returned. */
  ledger: IdentityLedger;
  clock: Clock;
  /** Validity of issued device certificates; clipped to the CA's own. */
  validityDays: number;
  actor?: string;
  policy?: Partial<OfflineCaPolicy>;
}

/**
 * The station's offline issuing CA (product.md, "Certificates"): a subordinate CA with short validity
 * and directory-name constraints whose key stays in a PKCS#11 token or the OS keystore. It signs the
 * checked CSR with the device profile (not a CA, digital signature, client authentication), refuses
 * subjects its name constraints exclude, and records each certificate in the ledger, in the same step,
 * so the fleet server registers it at the next sync (POST /certificates/offline).
 */
export class OfflineCaIssuer implements CertificateIssuer {
  readonly kind = 'offline-ca';
  readonly description: string;
  readonly #options: OfflineCaIssuerOptions;
  readonly #ca: x509.X509Certificate;

  private constructor(options: OfflineCaIssuerOptions, ca: x509.X509Certificate) {
    this.#options = options;
    this.#ca = ca;
    this.description = `offline CA "${ca.subject}" (${options.signingKey.description})`;
  }

  /** Checks the CA certificate, its chain and the key (offline-ca-policy.ts) before it may sign. */
  static async open(options: OfflineCaIssuerOptions): Promise<OfflineCaIssuer> {
    const [caDer] = options.caChain;
    if (caDer === undefined)
      throw new AppError('OFFLINE_CA_UNUSABLE', 'no offline CA certificate is configured');
    const ca = parseCertificate(caDer, 'OFFLINE_CA_UNUSABLE', 'the offline CA certificate');
    await checkOfflineCaCertificate(options.caChain, options.clock.nowMs(), options.policy);
    if (!bytesEqual(ca.publicKey.rawData, options.signingKey.publicKeySpki)) {
      throw new AppError(
        'OFFLINE_CA_UNUSABLE',
        `the key ${options.signingKey.description} is not the key of the offline CA certificate "${ca.subject}"`,
      );
    }
    return new OfflineCaIssuer(options, ca);
  }

  enroll(request: IssuanceRequest, signal?: AbortSignal): Promise<IssuerAnswer> {
    return this.#issue(request, signal);
  }

  reenroll(
    request: IssuanceRequest & { currentCertificate: Uint8Array },
    signal?: AbortSignal,
  ): Promise<IssuerAnswer> {
    return this.#issue(request, signal);
  }

  async #issue(request: IssuanceRequest, signal: AbortSignal | undefined): Promise<IssuerAnswer> {
    const csr = await readSignedCsr(request.csrDer);
    const nowMs = this.#options.clock.nowMs();
    const ca = this.#ca;
    if (ca.notAfter.getTime() <= nowMs) {
      throw new AppError(
        'OFFLINE_CA_UNUSABLE',
        `the offline CA certificate expired at ${ca.notAfter.toISOString()}`,
      );
    }
    const constraints = readNameConstraints(ca);
    if (constraints !== undefined && !isSubjectPermitted(csr.subject, constraints)) {
      throw new AppError(
        'OFFLINE_CA_UNUSABLE',
        `the offline CA may only certify names under ${constraints.permitted.map((name) => `"${name}"`).join(' or ')}; "${csr.subject}" is outside its name constraints`,
        { details: { subject: csr.subject, permitted: constraints.permitted } },
      );
    }
    const notAfterMs = Math.min(nowMs + this.#options.validityDays * DAY_MS, ca.notAfter.getTime());
    const crypto = caSigningCrypto(this.#options.signingKey, signal);
    const certificate = await x509.X509CertificateGenerator.create(
      {
        serialNumber: randomSerialHex(),
        subject: csr.subjectName,
        issuer: ca.subjectName,
        notBefore: new Date(nowMs - CLOCK_SKEW_MS),
        notAfter: new Date(notAfterMs),
        publicKey: csr.publicKey,
        signingKey: CA_SIGNING_KEY_HANDLE,
        signingAlgorithm: CA_SIGNING_ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
          await x509.SubjectKeyIdentifierExtension.create(csr.publicKey, false, crypto),
          await x509.AuthorityKeyIdentifierExtension.create(ca, false, crypto),
        ],
      },
      crypto,
    );
    // A token that signs with another key, or a broken signature, must not reach a device.
    if (!(await certificate.verify({ publicKey: ca.publicKey, signatureOnly: true }).catch(() => false))) {
      throw new AppError(
        'OFFLINE_CA_UNUSABLE',
        `the signature made with ${this.#options.signingKey.description} does not verify with the CA certificate`,
      );
    }
    const der = new Uint8Array(certificate.rawData);
    this.#record(request.deviceId, der);
    return {
      certificates: [der],
      caCertificates: this.#options.caChain.map((entry) => new Uint8Array(entry)),
    };
  }

  #record(deviceId: string, der: Uint8Array): void {
    const facts = certificateFacts(new x509.X509Certificate(toArrayBuffer(der)));
    const caFacts = certificateFacts(this.#ca);
    const payload: CertificateIssuedOfflinePayload = {
      certificatePem: toPem(der),
      certificateSerial: facts.certificateSerial,
      fingerprintSha256: facts.fingerprintSha256,
      subject: facts.subject,
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
      caCertificatePem: toPem(new Uint8Array(this.#ca.rawData)),
      caFingerprintSha256: caFacts.fingerprintSha256,
      caKey: this.#options.signingKey.description,
    };
    this.#options.ledger.append({
      actor: this.#options.actor ?? 'station',
      deviceId,
      type: IdentityEvent.issuedOffline,
      payload,
    });
  }
}

/**
 * The CSR to sign. The enrollment flow checked it against the profile already; the CA still refuses
 * one whose signature does not verify, since it signs with the station's own key whoever calls it.
 */
async function readSignedCsr(der: Uint8Array): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(toArrayBuffer(der));
  } catch (error: unknown) {
    throw new AppError('CSR_INVALID', 'the offline CA was given something that is not a PKCS#10 request', {
      cause: error,
    });
  }
  if (!(await csr.verify().catch(() => false))) {
    throw new AppError(
      'CSR_INVALID',
      'the offline CA refuses a CSR whose signature does not verify: no proof of possession',
    );
  }
  return csr;
}

/** A positive 128-bit serial without a leading zero byte, so every tool prints it the same (fleet-server/src/pki/x509.ts). */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
