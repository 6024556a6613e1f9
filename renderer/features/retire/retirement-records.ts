import { z } from 'zod';
import type { LedgerEvent } from '../../../shared/contract';

/**
 * The parts of the retirement records (main/core/retirement/README.md, "Ledger events") the Retire
 * flow shows. Read leniently: the view shows what is there, while the signature is checked by
 * `fieldline retire verify-certificate`, which knows the strict form.
 */
const verificationSchema = z.object({ checked: z.string(), how: z.string(), result: z.string() });

export const sanitizationCertificateSchema = z.object({
  format: z.string(),
  body: z.object({
    device: z.object({ id: z.string(), hardwareId: z.string(), serial: z.string(), model: z.string() }),
    method: z.object({ standard: z.string(), level: z.string(), technique: z.string() }),
    actions: z.array(
      z.object({ name: z.string(), command: z.string(), targets: z.array(z.string()), result: z.string(), verification: verificationSchema }),
    ),
    remaining: z.array(z.string()),
    revocations: z.array(z.object({ certificateSerial: z.string(), fingerprintSha256: z.string(), reason: z.string() })),
    operator: z.string(),
    station: z.object({ id: z.string() }),
    operationId: z.string(),
    completedAt: z.string(),
    followsEventId: z.string(),
  }),
  signature: z.object({ algorithm: z.string(), keyId: z.string(), publicKey: z.string(), value: z.string() }),
});
export type SanitizationCertificate = z.infer<typeof sanitizationCertificateSchema>;

const retiredPayloadSchema = z.object({ operationId: z.string(), certificate: sanitizationCertificateSchema });

const wipeFailedPayloadSchema = z.object({
  remaining: z.array(z.string()),
  checks: z.array(z.object({ checked: z.string(), how: z.string(), remaining: z.array(z.string()) })),
});
export type WipeFailure = z.infer<typeof wipeFailedPayloadSchema> & { eventId: string };

/** The signed certificate of sanitization `device.retired` carries for this operation, or null (not yet, or unreadable). */
export function certificateOfOperation(events: readonly LedgerEvent[], operationId: string): { certificate: SanitizationCertificate; eventId: string } | null {
  for (const event of events) {
    if (event.type !== 'device.retired') continue;
    const parsed = retiredPayloadSchema.safeParse(event.payload);
    if (parsed.success && parsed.data.operationId === operationId) return { certificate: parsed.data.certificate, eventId: event.id };
  }
  return null;
}

/**
 * What a failed wipe left, from the `device.wipe-failed` recorded after this operation started
 * (that event does not name the operation; one retirement runs per device at a time).
 * `events` are oldest first, as `ledger:device-history` answers.
 */
export function wipeFailureOfOperation(events: readonly LedgerEvent[], operationId: string): WipeFailure | null {
  const start = events.findIndex(
    (event) => event.type === 'operation.started' && isRecord(event.payload) && event.payload['operationId'] === operationId,
  );
  if (start === -1) return null;
  for (const event of events.slice(start + 1)) {
    if (event.type !== 'device.wipe-failed') continue;
    const parsed = wipeFailedPayloadSchema.safeParse(event.payload);
    if (parsed.success) return { ...parsed.data, eventId: event.id };
  }
  return null;
}

/** The file name of a downloaded certificate: the serial and the day, so a folder of them sorts. */
export function certificateFileName(certificate: SanitizationCertificate): string {
  const serial = certificate.body.device.serial.replace(/[^A-Za-z0-9._-]/g, '_') || 'device';
  return `sanitization-certificate-${serial}-${certificate.body.completedAt.slice(0, 10)}.json`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
