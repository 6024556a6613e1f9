import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tool } from './identity-fixture';

/** Where Debian's softhsm2 package puts its PKCS#11 module. */
export const SOFTHSM_MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
];

/** The SoftHSM2 module path, or a reason why the PKCS#11 tests cannot run here. */
export function findSoftHsm(): { modulePath: string } | { missing: string } {
  const modulePath = SOFTHSM_MODULE_CANDIDATES.find((path) => existsSync(path));
  if (modulePath === undefined)
    return {
      missing: `SoftHSM2 is not installed (no libsofthsm2.so in ${SOFTHSM_MODULE_CANDIDATES.join(', ')}); apt-get install -y softhsm2 opensc`,
    };
  return { modulePath };
}

export interface SoftHsmToken {
  modulePath: string;
  tokenLabel: string;
  pin: string;
  soPin: string;
  /** pkcs11-tool (OpenSC), an independent PKCS#11 client, against this token. */
  pkcs11Tool(args: string[]): Promise<string>;
}

/**
 * A fresh SoftHSM2 token in `folder`: its own softhsm2.conf (SOFTHSM2_CONF is set for this process,
 * before the module is first initialized, so the module and the tools see the same token store).
 */
export async function createSoftHsmToken(
  folder: string,
  modulePath: string,
  tokenLabel = 'fieldline-ca',
  pin = '246810',
): Promise<SoftHsmToken> {
  const tokens = join(folder, 'tokens');
  await mkdir(tokens, { recursive: true });
  const conf = join(folder, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env['SOFTHSM2_CONF'] = conf;
  const soPin = '13579135';
  await tool('softhsm2-util', [
    '--init-token',
    '--free',
    '--label',
    tokenLabel,
    '--pin',
    pin,
    '--so-pin',
    soPin,
  ]);
  return {
    modulePath,
    tokenLabel,
    pin,
    soPin,
    pkcs11Tool: async (args) =>
      (await tool('pkcs11-tool', ['--module', modulePath, '--token-label', tokenLabel, ...args])).toString(),
  };
}
