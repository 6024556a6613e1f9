import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** One secret found in plain text: which file, what it was, and where in the file. */
export interface SecretFinding {
  file: string;
  what: string;
  offset: number;
}

/** A value that must never appear in the data folder, under a name for the report. */
export interface KnownSecret {
  what: string;
  value: Buffer;
}

/** Byte prefixes of private keys in DER, whatever file format wraps them. */
const DER_KEY_PREFIXES: KnownSecret[] = [
  // PKCS#8 PrivateKeyInfo, version 0, algorithm id-ecPublicKey.
  { what: 'PKCS#8 EC private key (DER)', value: Buffer.from('020100301306072a8648ce3d0201', 'hex') },
  // PKCS#8 PrivateKeyInfo, version 0, rsaEncryption.
  { what: 'PKCS#8 RSA private key (DER)', value: Buffer.from('020100300d06092a864886f70d0101010500', 'hex') },
  // PKCS#8 PrivateKeyInfo, version 0, Ed25519.
  { what: 'PKCS#8 Ed25519 private key (DER)', value: Buffer.from('020100300506032b6570', 'hex') },
  // SEC1 ECPrivateKey for a 32-byte (P-256) key: SEQUENCE, version 1, OCTET STRING of 32.
  { what: 'SEC1 EC private key (DER)', value: Buffer.from('30770201010420', 'hex') },
];

const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;

/**
 * Every file under `folder` (the SQLite database, its -wal and -shm, logs, JSON state), read as
 * bytes and searched for: PEM private-key headers; PKCS#8 / SEC1 DER prefixes as raw bytes, as hex
 * text and as base64 at each of the three byte alignments; and each known secret (token, PIN,
 * passphrase, a key's raw scalar) the same ways.
 */
export async function scanForSecrets(folder: string, known: readonly KnownSecret[]): Promise<{ scanned: string[]; findings: SecretFinding[] }> {
  const scanned: string[] = [];
  const findings: SecretFinding[] = [];
  const needles = [...DER_KEY_PREFIXES, ...known].flatMap(encodings);
  for (const path of await listFiles(folder)) {
    const file = relative(folder, path);
    const bytes = await readFile(path);
    scanned.push(file);
    const text = bytes.toString('latin1');
    for (const match of text.matchAll(PEM_PRIVATE_KEY)) findings.push({ file, what: `PEM header "${match[0]}"`, offset: match.index });
    // PEM and JSON break base64 into lines (real or `\n`-escaped): searched again with the breaks removed.
    const unbroken = Buffer.from(text.replace(/\\[nr]|\s/g, ''), 'latin1');
    for (const needle of needles) {
      const offset = bytes.indexOf(needle.value);
      if (offset >= 0) {
        findings.push({ file, what: needle.what, offset });
        continue;
      }
      const joined = unbroken.indexOf(needle.value);
      if (joined >= 0) findings.push({ file, what: `${needle.what} (across line breaks)`, offset: joined });
    }
  }
  return { scanned, findings };
}

/** A secret as raw bytes, hex text (both cases), and base64 at the three alignments a longer blob may put it in. */
function encodings(secret: KnownSecret): KnownSecret[] {
  const found: KnownSecret[] = [
    secret,
    { what: `${secret.what} as hex`, value: Buffer.from(secret.value.toString('hex')) },
    { what: `${secret.what} as HEX`, value: Buffer.from(secret.value.toString('hex').toUpperCase()) },
  ];
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), secret.value]).toString('base64').replace(/=+$/, '');
    // The leading characters mix in the padding bytes, the last one the bytes that follow.
    const start = shift === 0 ? 0 : shift + 1;
    const end = (shift + secret.value.length) % 3 === 0 ? encoded.length : encoded.length - 1;
    const core = encoded.slice(start, end);
    if (core.length >= 8) {
      found.push({ what: `${secret.what} as base64`, value: Buffer.from(core) });
      found.push({ what: `${secret.what} as base64url`, value: Buffer.from(core.replace(/\+/g, '-').replace(/\//g, '_')) });
    }
  }
  return found;
}

async function listFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

export function describeFindings(findings: readonly SecretFinding[]): string {
  return findings.map((finding) => `${finding.file} @${finding.offset}: ${finding.what}`).join('\n');
}
