import { CA_PEM_MAX_BYTES } from './enrollment-input';

export type CertificateFileResult = { ok: true; text: string } | { ok: false; problem: string };

/** An X.509 certificate in DER starts with an ASN.1 SEQUENCE with a long-form length (30 81|82|83). */
const DER_SEQUENCE = 0x30;
const PEM_LINE_LENGTH = 64;

/**
 * Reads a chosen .pem/.crt file in the browser: the core receives only its text, after the form has
 * checked it. A binary (DER) .crt is wrapped as PEM, since that is how many CAs hand theirs out.
 * Oversized files are refused before they are read.
 */
export async function readCertificateFile(file: File): Promise<CertificateFileResult> {
  if (file.size > CA_PEM_MAX_BYTES) {
    return { ok: false, problem: `${file.name} is larger than a CA certificate (64 KiB at most)` };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch {
    // The browser gives no reason worth showing (the file moved, or access was withdrawn).
    return { ok: false, problem: `${file.name} could not be read; choose it again or paste its text` };
  }
  return { ok: true, text: isDer(bytes) ? derToPem(bytes) : new TextDecoder().decode(bytes) };
}

function isDer(bytes: Uint8Array): boolean {
  const lengthByte = bytes[1] ?? 0;
  return bytes[0] === DER_SEQUENCE && lengthByte >= 0x81 && lengthByte <= 0x83;
}

function derToPem(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(new RegExp(`.{1,${PEM_LINE_LENGTH}}`, 'g')) ?? [];
  return ['-----BEGIN CERTIFICATE-----', ...lines, '-----END CERTIFICATE-----', ''].join('\n');
}
