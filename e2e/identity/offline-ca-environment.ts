import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePkcs11CaKey, openPkcs11CaSigningKey } from '../../main/adapters/pkcs11/pkcs11-ca-signing-key';
import { toPem } from '../../main/core/identity/certificate-facts';
import { createOfflineCaRequest, issueSubordinateCa } from '../../main/core/identity/subordinate-ca';
import { makeRoot } from '../../main/core/identity/test-support/identity-fixtures';
import { createSoftHsmToken, type SoftHsmToken } from './softhsm-token';

/** A station offline CA in a fresh SoftHSM2 token, and the environment that points `fieldline` at it. */
export interface OfflineCaEnvironment {
  token: SoftHsmToken;
  /** The station's CA certificate, then the root (DER). */
  caChain: Uint8Array[];
  caPem: string;
  /** FIELDLINE_OFFLINE_CA_* (the PIN through a PIN file) and SOFTHSM2_CONF. */
  env: NodeJS.ProcessEnv;
}

/**
 * The ceremony of protocols.md/identity README: the CA key is generated inside the token, its CSR is
 * signed by a test root (path length 0, name constraints `O=Fieldline, OU=line-3`, 30 days).
 */
export async function createOfflineCaEnvironment(folder: string, modulePath: string, pin?: string): Promise<OfflineCaEnvironment> {
  const token = await createSoftHsmToken(folder, modulePath, 'fieldline-ca', pin);
  const location = { modulePath, tokenLabel: token.tokenLabel, keyLabel: 'station-ca', pin: token.pin };
  await generatePkcs11CaKey(location);
  const key = await openPkcs11CaSigningKey(location);
  try {
    const root = await makeRoot(Date.now());
    const csrDer = await createOfflineCaRequest(key, 'O=Fieldline, OU=line-3, CN=Station line-3 offline CA');
    const ca = await issueSubordinateCa({
      csrDer,
      rootCertificate: root.certificate,
      rootKey: root.key,
      permittedSubtrees: ['O=Fieldline, OU=line-3'],
      validityDays: 30,
      nowMs: Date.now(),
    });
    const caChain = [ca, root.certificate];
    const chainFile = join(folder, 'offline-ca-chain.pem');
    await writeFile(chainFile, caChain.map((der) => toPem(der)).join('\n'));
    const pinFile = join(folder, 'token.pin');
    await writeFile(pinFile, `${token.pin}\n`, { mode: 0o600 });
    return {
      token,
      caChain,
      caPem: toPem(ca),
      env: {
        SOFTHSM2_CONF: process.env['SOFTHSM2_CONF'],
        FIELDLINE_OFFLINE_CA_CHAIN: chainFile,
        FIELDLINE_OFFLINE_CA_PKCS11_MODULE: modulePath,
        FIELDLINE_OFFLINE_CA_PKCS11_TOKEN: token.tokenLabel,
        FIELDLINE_OFFLINE_CA_PKCS11_KEY: 'station-ca',
        FIELDLINE_OFFLINE_CA_PKCS11_PIN_FILE: pinFile,
      },
    };
  } finally {
    await key.close();
  }
}

/** The recipe-style profile the offline CA's name constraints allow. */
export const LINE_3_PROFILE_YAML = 'subject:\n  organization: Fieldline\n  organizationalUnit: line-3\n';
