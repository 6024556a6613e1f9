import { z } from 'zod';
import { AppError, describeZodError } from '../../../shared/errors';
import { postJson, type TlsIdentity } from './https-json';

const registrationSchema = z.object({
  registered: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  serials: z.array(z.string()),
});
export type OfflineRegistration = z.infer<typeof registrationSchema>;

/** The fleet server's limit per request (fleet-server/src/est/offline-registration.ts). */
const MAX_PER_REQUEST = 100;

/**
 * Registers device certificates this station's offline CA issued (`certificate.issued-offline`
 * payloads, main/core/identity/identity-ledger.ts) at the fleet server: POST /certificates/offline over
 * mutual TLS, in batches of at most 100. The server is idempotent by serial, so a resend after a lost
 * answer is counted as duplicates.
 */
export async function registerOfflineCertificates(
  credentials: { serverUrl: string; tls: TlsIdentity } | { serverUrl: string; caPem: string; certificatePem: string; keyPem: string },
  certificatePems: readonly string[],
  signal: AbortSignal,
): Promise<OfflineRegistration> {
  const total: OfflineRegistration = { registered: 0, duplicates: 0, serials: [] };
  for (let start = 0; start < certificatePems.length; start += MAX_PER_REQUEST) {
    const answer = await postJson(
      new URL('/certificates/offline', credentials.serverUrl),
      { certificates: certificatePems.slice(start, start + MAX_PER_REQUEST) },
      'tls' in credentials
        ? credentials.tls
        : { caPem: credentials.caPem, certificatePem: credentials.certificatePem, keyPem: credentials.keyPem },
      { timeoutMs: 30_000, signal },
    );
    const parsed = registrationSchema.safeParse(answer);
    if (!parsed.success)
      throw new AppError(
        'FLEET_BAD_RESPONSE',
        `the offline registration answer does not parse: ${describeZodError(parsed.error)}`,
      );
    total.registered += parsed.data.registered;
    total.duplicates += parsed.data.duplicates;
    total.serials.push(...parsed.data.serials);
  }
  return total;
}
