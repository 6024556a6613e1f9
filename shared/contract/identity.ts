import { z } from 'zod';
import { defineCommand } from './define';
import { operationSummarySchema } from './operations';

const deviceId = z.string().min(1).max(200);

/**
 * A certificate profile as a recipe writes it (main/core/identity/certificate-profile.ts validates it
 * in the core, where its rules live); the contract only bounds its size.
 */
const profileInput = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 16 * 1024, { message: 'must be at most 16 KiB as JSON' });

export const identityEnroll = defineCommand({
  name: 'identity:enroll',
  input: z.object({ deviceId, profile: profileInput.optional() }).strict(),
  output: z.object({ operation: operationSummarySchema }),
  doc: 'Enrolls (or renews) the device certificate as an `enroll` operation: key generated on the device, CSR checked, issued by the configured issuer (EST or the offline CA), installed, read back, recorded.',
});

export const CERTIFICATE_SOURCES = ['est', 'offline-ca'] as const;

/** One certificate as the ledger recorded it (`certificate.enrolled`). */
export const recordedCertificateSchema = z.object({
  subject: z.string(),
  certificateSerial: z.string(),
  fingerprintSha256: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** The issuing CA's subject. */
  issuer: z.string(),
  /** Who issued it: the EST URL or the offline CA. */
  issuerDescription: z.string(),
  source: z.enum(CERTIFICATE_SOURCES),
  mode: z.enum(['initial', 'renewal', 're-enrollment']),
  /** The installed chain, leaf first, PEM. */
  chainPem: z.string(),
  /** When the ledger recorded it (ISO 8601, from the event's UUIDv7). */
  recordedAt: z.string(),
  /** The ledger event that recorded it. */
  eventId: z.string(),
});
export type RecordedCertificate = z.infer<typeof recordedCertificateSchema>;

export const identityCertificate = defineCommand({
  name: 'identity:certificate',
  input: z.object({ deviceId }).strict(),
  output: z.object({
    deviceId: z.string(),
    /** The last certificate recorded for the device, or null when it was never enrolled here. */
    certificate: recordedCertificateSchema.nullable(),
    /** Earlier certificates, newest first (renewals, re-enrollments after a re-flash). */
    history: z.array(recordedCertificateSchema),
  }),
  doc: 'The device certificate the ledger recorded for a device, and the ones before it.',
});
