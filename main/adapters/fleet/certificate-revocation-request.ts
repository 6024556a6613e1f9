import { z } from 'zod';
import { AppError, describeZodError } from '../../../shared/errors';
import { postJson, type TlsIdentity } from './https-json';

const revocationAnswerSchema = z.object({
  isNewRevocation: z.boolean(),
  revokedAt: z.string().nullable().optional(),
});

/**
 * Revokes a device certificate at the fleet server: POST /certificates/:serial/revoke with the RFC 5280
 * reason code, over mutual TLS (main/core/sync/certificate-revocation-sync.ts sends what retirement
 * queued). Revoking twice is harmless: the server keeps the first time and reason.
 */
export async function revokeDeviceCertificate(
  connection: { serverUrl: string; tls: TlsIdentity },
  serial: string,
  reasonCode: number,
  signal: AbortSignal,
): Promise<{ isNewRevocation: boolean; revokedAt: string | null }> {
  if (!/^[0-9a-f]{1,64}$/.test(serial))
    throw new AppError('INVALID_INPUT', `the certificate serial ${serial.slice(0, 80)} is not lower-case hex`);
  const answer = await postJson(
    new URL(`/certificates/${serial}/revoke`, connection.serverUrl),
    { reason: reasonCode },
    connection.tls,
    { timeoutMs: 30_000, signal },
  );
  const parsed = revocationAnswerSchema.safeParse(answer);
  if (!parsed.success)
    throw new AppError('FLEET_BAD_RESPONSE', `the revocation answer does not parse: ${describeZodError(parsed.error)}`);
  return { isNewRevocation: parsed.data.isNewRevocation, revokedAt: parsed.data.revokedAt ?? null };
}
