import type { CommandInput } from '../../../shared/contract';

export type EnrollmentField = 'serverUrl' | 'token' | 'caPem';
export type EnrollmentErrors = Partial<Record<EnrollmentField, string>>;

/** The contract's limits for `sync:enroll-station` (shared/contract/sync.ts), checked before sending. */
const TOKEN_MIN_LENGTH = 10;
const TOKEN_MAX_LENGTH = 200;
export const CA_PEM_MAX_BYTES = 64 * 1024;

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/;
const PRIVATE_KEY_MARKER = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export interface EnrollmentValues {
  serverUrl: string;
  token: string;
  caPem: string;
}

/** Fields in the order they appear in the form; the first with an error gets the focus. */
export const ENROLLMENT_FIELDS: readonly EnrollmentField[] = ['serverUrl', 'token', 'caPem'];

/** What is wrong with each field, in words that say what to enter; an empty object when all is well. */
export function validateEnrollment(values: EnrollmentValues): EnrollmentErrors {
  const errors: EnrollmentErrors = {};
  const serverUrl = checkServerUrl(values.serverUrl.trim());
  if (serverUrl !== null) errors.serverUrl = serverUrl;
  const token = checkToken(values.token.trim());
  if (token !== null) errors.token = token;
  const caPem = checkCaPem(values.caPem.trim());
  if (caPem !== null) errors.caPem = caPem;
  return errors;
}

export function checkServerUrl(text: string): string | null {
  if (text === '') return 'Enter the fleet server’s address, e.g. https://fleet.example.com';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'This is not a web address; it should look like https://fleet.example.com';
  }
  if (url.protocol !== 'https:')
    return 'The fleet server is reached over https: start the address with https://';
  if (url.hostname === '') return 'The address needs a host name, e.g. https://fleet.example.com';
  return null;
}

export function checkToken(text: string): string | null {
  if (text === '') return 'Enter the bootstrap token from the fleet administrator';
  if (text.length < TOKEN_MIN_LENGTH)
    return 'This is shorter than a bootstrap token; check that all of it was copied';
  if (text.length > TOKEN_MAX_LENGTH)
    return 'This is longer than a bootstrap token; check that only the token was copied';
  return null;
}

export function checkCaPem(text: string): string | null {
  if (text === '') return 'Paste the fleet CA certificate, or choose its .pem or .crt file';
  if (PRIVATE_KEY_MARKER.test(text))
    return 'This is a private key, not a certificate: do not share it. Use the fleet CA certificate';
  if (new TextEncoder().encode(text).length > CA_PEM_MAX_BYTES)
    return 'This is larger than a CA certificate (64 KiB at most)';
  if (!CERTIFICATE_BLOCK.test(text)) {
    return 'This does not look like a PEM certificate: it should start with -----BEGIN CERTIFICATE-----';
  }
  return null;
}

/** The command's input, trimmed; call only once `validateEnrollment` found nothing wrong. */
export function toEnrollInput(values: EnrollmentValues): CommandInput<'sync:enroll-station'> {
  return {
    serverUrl: values.serverUrl.trim(),
    token: values.token.trim(),
    caPem: `${values.caPem.trim()}\n`,
  };
}
