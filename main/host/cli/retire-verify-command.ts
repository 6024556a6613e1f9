import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppError, toAppError } from '../../../shared/errors';
import { verifySanitizationCertificate } from '../../core/retirement/sanitization-certificate';
import { PUBLIC_KEY_FILE, StationSigningKey } from '../../core/retirement/station-signing-key';
import { UnavailableKeyVault } from '../../adapters/key-vault/unavailable-key-vault';
import { resolveDataDir } from '../data-dir';
import { writeError, writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { retirementFolder } from './retire-command';

/**
 * `fieldline retire verify-certificate <file> [--key <pem>]`: checks a certificate of sanitization —
 * the document itself, or the `device.retired` ledger event (as `ledger export` prints it) that carries
 * it — against a station public key: `--key`, else this station's own. Exit 0 valid, 7 invalid.
 */
export async function verifyCertificateFile(
  output: CliOutput,
  dataDirFlag: string | undefined,
  file: string,
  options: { key?: string },
): Promise<number> {
  const document = certificateIn(await readJson(resolve(file)));
  const publicKeyPem = options.key === undefined ? await stationPublicKeyPem(dataDirFlag) : await readText(resolve(options.key), 'the station public key');
  try {
    const certificate = verifySanitizationCertificate(document, publicKeyPem);
    const { device, method, completedAt, operator } = certificate.body;
    if (output.isJson)
      await writeLine(output.stdout, JSON.stringify({ event: 'certificate', isValid: true, keyId: certificate.signature.keyId, body: certificate.body }));
    else
      await writeLine(
        output.stdout,
        `valid: ${device.serial} (${device.model}) sanitized by NIST SP 800-88 ${method.level} at ${completedAt} by ${operator}, signed by station key ${certificate.signature.keyId}`,
      );
    return EXIT.ok;
  } catch (error: unknown) {
    const failure = toAppError(error);
    if (failure.code !== 'SANITIZATION_CERTIFICATE_INVALID') throw failure;
    await writeError(output, failure);
    return EXIT.certificateInvalid;
  }
}

/** `fieldline retire station-key`: prints the public key that signs this station's certificates (PEM). */
export async function printStationKey(output: CliOutput, dataDirFlag: string | undefined): Promise<number> {
  const exported = await new StationSigningKey(retirementFolder(resolveDataDir({ flag: dataDirFlag })), new UnavailableKeyVault()).publicKey();
  if (exported === null) throw noKeyYet();
  if (output.isJson) await writeLine(output.stdout, JSON.stringify({ keyId: exported.keyId, publicKeyPem: exported.pem }));
  else await writeLine(output.stdout, exported.pem.trimEnd());
  return EXIT.ok;
}

async function stationPublicKeyPem(dataDirFlag: string | undefined): Promise<string> {
  // Reading the public key needs no vault: it is kept in the clear beside the sealed private key.
  const exported = await new StationSigningKey(retirementFolder(resolveDataDir({ flag: dataDirFlag })), new UnavailableKeyVault()).publicKey();
  if (exported === null) throw noKeyYet();
  return exported.pem;
}

function noKeyYet(): AppError {
  return new AppError('NOT_FOUND', `this station has no signing key yet (${PUBLIC_KEY_FILE}): it makes one at its first retirement; pass --key with the signing station's public key`);
}

/** The certificate itself, or the one a `device.retired` event carries. */
function certificateIn(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'device.retired')
    return ((value as { payload?: { certificate?: unknown } }).payload ?? {}).certificate;
  return value;
}

async function readJson(path: string): Promise<unknown> {
  const text = await readText(path, 'the certificate');
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', `${path} is not JSON`, { cause: error });
  }
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error: unknown) {
    throw new AppError('NOT_FOUND', `cannot read ${what} at ${path}`, { cause: error });
  }
}
