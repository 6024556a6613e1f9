import { z } from 'zod';
import { AppError, describeZodError } from '../../../shared/errors';

/** Extensions a CSR may ask for, by name; anything else in a CSR is refused (quality.md, "Enrollment"). */
export const CSR_EXTENSION_OIDS = {
  subjectAltName: '2.5.29.17',
  keyUsage: '2.5.29.15',
  extendedKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
} as const;
export type CsrExtensionName = keyof typeof CSR_EXTENSION_OIDS;

/** Distinguished-name values that need no escaping (RFC 4514 specials excluded, no edge spaces). */
const DN_VALUE = /^[A-Za-z0-9._:@()/-](?:[A-Za-z0-9 ._:@()/-]*[A-Za-z0-9._:@()/-])?$/;
const dnText = z
  .string()
  .min(1)
  .max(64)
  .regex(DN_VALUE, 'may hold letters, digits, space and . _ : @ ( ) / -');
const PLACEHOLDER = /\{(serial|hwid|model)\}/g;

/**
 * The certificate part of a recipe: what subject a device's CSR must carry, which key, which
 * extensions it may request, and what an issued certificate must keep. EST servers choose their own
 * validity and extensions; the offline CA uses `offlineValidityDays`.
 */
export const certificateProfileSchema = z
  .object({
    subject: z
      .object({
        /** Text with `{serial}`, `{hwid}` (lower-case hex) and `{model}` from the device's identity. */
        commonName: z
          .string()
          .min(1)
          .max(64)
          .refine(
            (text) => DN_VALUE.test(text.replace(PLACEHOLDER, 'x')),
            'may hold {serial}, {hwid}, {model}, letters, digits, space and . _ : @ ( ) / -',
          )
          .default('{serial}'),
        organization: dnText.optional(),
        organizationalUnit: dnText.optional(),
        country: z
          .string()
          .regex(/^[A-Z]{2}$/, 'is a two-letter country code')
          .optional(),
      })
      .strict()
      .default({ commonName: '{serial}' }),
    /** The key pair the device generates; P-256 is what the identity group defines (protocols.md §7). */
    keyAlgorithm: z.enum(['p256']).default('p256'),
    /** Extensions a CSR may request; the default is none. A CA basic constraint is always refused. */
    csrExtensions: z
      .array(z.enum(Object.keys(CSR_EXTENSION_OIDS) as [CsrExtensionName, ...CsrExtensionName[]]))
      .default([]),
    /** What an issued certificate must keep of the CSR's subject: all of it, or the common name (EST servers may rewrite the rest). */
    issuedSubject: z.enum(['exact', 'common-name']).default('common-name'),
    /** Validity of certificates the station's offline CA issues (never beyond the CA's own). */
    offlineValidityDays: z.number().int().min(1).max(397).default(90),
    /** SHA-256 fingerprints (hex) of the roots an issued chain may end in; empty trusts the issuer's CA certificates. */
    trustedRootSha256: z.array(z.string().regex(/^[0-9a-f]{64}$/)).default([]),
  })
  .strict();

export type CertificateProfile = z.infer<typeof certificateProfileSchema>;

/** Parses a profile from a recipe; INVALID_INPUT names each wrong field. */
export function parseCertificateProfile(input: unknown): CertificateProfile {
  const parsed = certificateProfileSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('INVALID_INPUT', `certificate profile: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}

/** What the device tells about itself (identity group 64). */
export interface DeviceFacts {
  /** Lower-case hex. */
  hardwareId: string;
  serialNumber: string;
  model: string;
}

/**
 * The subject the device is asked to put in its CSR, in @peculiar/x509's notation, which keeps the
 * order given as the DER order: country, organization, unit, then the common name, so that a CA's
 * directoryName constraint (`O=…`) is a prefix of every subject it may certify (RFC 5280 §4.2.1.10).
 */
export function renderSubject(profile: CertificateProfile, device: DeviceFacts): string {
  const commonName = profile.subject.commonName.replace(PLACEHOLDER, (_match, field: string) => {
    const value =
      field === 'serial' ? device.serialNumber : field === 'hwid' ? device.hardwareId : device.model;
    if (!DN_VALUE.test(value)) {
      throw new AppError(
        'INVALID_INPUT',
        `the device's ${field} "${value.slice(0, 64)}" cannot go into a certificate subject (allowed: letters, digits, space and . _ : @ ( ) / -)`,
        { details: { field } },
      );
    }
    return value;
  });
  if (commonName.length > 64) {
    throw new AppError('INVALID_INPUT', `the common name "${commonName}" is longer than 64 characters`);
  }
  const parts: string[] = [];
  if (profile.subject.country !== undefined) parts.push(`C=${profile.subject.country}`);
  if (profile.subject.organization !== undefined) parts.push(`O=${profile.subject.organization}`);
  if (profile.subject.organizationalUnit !== undefined)
    parts.push(`OU=${profile.subject.organizationalUnit}`);
  parts.push(`CN=${commonName}`);
  return parts.join(', ');
}
