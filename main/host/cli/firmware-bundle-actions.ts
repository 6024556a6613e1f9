import { AppError } from '../../../shared/errors';
import {
  createBundle,
  FIRMWARE_LIMITS,
  inspectBundle,
  signBundle,
  verifyBundle,
  verifyBundleForDevice,
  type DeviceFacts,
  type VerifiedBundle,
} from '../../core/firmware';
import { writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { loadTrustStore, readLimitedFile, readPrivateKey, writeFileAtomically, type LoadedTrustStore } from './firmware-files';
import { readReleaseFile } from './firmware-release-file';

export interface BundleVerifyOptions {
  trustStore?: string;
  now?: string;
  hardwareId?: string;
  hardwareRevision?: string;
  securityCounter?: string;
  ledgerSecurityCounter?: string;
  slotSize: string[];
  flashRegion: string[];
}

const readBundle = (path: string): Uint8Array => readLimitedFile(path, FIRMWARE_LIMITS.bundleBytes, 'BUNDLE_ARCHIVE_TOO_LARGE');

export async function bundleCreate(output: CliOutput, releasePath: string, outPath: string): Promise<number> {
  const { release, images } = readReleaseFile(releasePath, new Date());
  const bundle = createBundle(release, images);
  writeFileAtomically(outPath, bundle);
  const summary = { ok: true, bundle: outPath, sizeBytes: bundle.length, product: release.product, version: release.version, images: images.map((image) => image.file), signatures: 0 };
  await writeLine(output.stdout, output.isJson ? JSON.stringify(summary) : `created ${outPath} (${bundle.length} bytes, ${images.length} image(s), unsigned: sign it with \`bundle sign --key\`)`);
  return EXIT.ok;
}

export async function bundleSign(output: CliOutput, bundlePath: string, keyPath: string, outPath: string | undefined): Promise<number> {
  const signed = signBundle(readBundle(bundlePath), readPrivateKey(keyPath));
  const target = outPath ?? bundlePath;
  writeFileAtomically(target, signed);
  await writeLine(output.stdout, output.isJson ? JSON.stringify({ ok: true, bundle: target, key: keyPath }) : `signed ${target} with ${keyPath}`);
  return EXIT.ok;
}

/** `bundle verify`: the full check; with --hardware-id, exactly what runs before flashing that device. */
export async function bundleVerify(output: CliOutput, bundlePath: string, options: BundleVerifyOptions): Promise<number> {
  const trust = loadTrustStore(options.trustStore);
  const bytes = readBundle(bundlePath);
  const now = options.now === undefined ? new Date() : parseDate(options.now);
  const device = deviceFrom(options);
  const verified = device
    ? verifyBundleForDevice(bytes, { trustStore: trust.store, now, device, ledgerSecurityCounter: optionalCount(options.ledgerSecurityCounter, '--ledger-security-counter') })
    : verifyBundle(bytes, { trustStore: trust.store, now });
  await printVerified(output, bundlePath, verified, trust, device);
  return EXIT.ok;
}

export async function bundleInspect(output: CliOutput, bundlePath: string, trustStorePath: string | undefined): Promise<number> {
  const trust = loadTrustStore(trustStorePath);
  const inspection = inspectBundle(readBundle(bundlePath), trust.store);
  if (output.isJson) {
    await writeLine(output.stdout, JSON.stringify(inspection));
    return EXIT.ok;
  }
  const { manifest } = inspection;
  await writeLine(output.stdout, `${bundlePath}: ${manifest.product} ${manifest.version} (UNVERIFIED: run \`bundle verify\` to check it)`);
  await writeLine(output.stdout, `  security counter ${manifest.securityCounter}, channel ${manifest.channel}, issued ${manifest.issuedAt}, expires ${manifest.expiresAt}`);
  await writeLine(output.stdout, `  hardware: ${manifest.hardware.map((entry) => `${entry.id} rev ${entry.revisions.join('/')}`).join(', ')}`);
  for (const image of manifest.images) {
    await writeLine(output.stdout, `  image ${image.file}: ${image.protocol} ${'slot' in image ? `slot ${image.slot}` : `at 0x${image.address.toString(16)}`}, ${image.sizeBytes} bytes, sha256 ${image.sha256}`);
  }
  for (const signature of inspection.signatures) {
    await writeLine(output.stdout, `  signature by ${signature.keyName ?? signature.keyId}: ${signature.status}${signature.isDevelopment ? ' (development key)' : ''}`);
  }
  if (inspection.signatures.length === 0) await writeLine(output.stdout, '  no signatures');
  return EXIT.ok;
}

async function printVerified(output: CliOutput, path: string, verified: VerifiedBundle, trust: LoadedTrustStore, device: DeviceFacts | undefined): Promise<void> {
  const images = verified.images.map(({ bytes: _bytes, ...image }) => image);
  if (output.isJson) {
    const { manifest, signedBy, bundleSha256 } = verified;
    await writeLine(output.stdout, JSON.stringify({ ok: true, bundle: path, bundleSha256, manifest, signedBy, images, deviceChecked: device !== undefined, trustStore: trust.path }));
    return;
  }
  const { manifest } = verified;
  await writeLine(output.stdout, `bundle OK: ${manifest.product} ${manifest.version} (security counter ${manifest.securityCounter}, channel ${manifest.channel}, expires ${manifest.expiresAt})`);
  for (const signer of verified.signedBy) await writeLine(output.stdout, `  signed by ${signer.name} (${signer.algorithm}${signer.isDevelopment ? ', DEVELOPMENT KEY' : ''})`);
  for (const image of images) {
    const facts = image.facts.format === 'mcuboot' ? `MCUboot ${image.facts.version}, image hash ${image.facts.imageHash}, signed by ${image.facts.signedBy}` : image.facts.format.toUpperCase();
    await writeLine(output.stdout, `  ${image.file}: ${image.sizeBytes} bytes, sha256 ${image.sha256}, ${facts}`);
  }
  await writeLine(output.stdout, device ? `  fits ${device.hardwareId} revision ${device.hardwareRevision}` : '  no device given: hardware, rollback and slot checks not run (--hardware-id …)');
  if (trust.isDevelopment) await writeLine(output.stdout, '  trust store: DEVELOPMENT keys (resources/dev-keys); not for production devices');
}

function deviceFrom(options: BundleVerifyOptions): DeviceFacts | undefined {
  if (options.hardwareId === undefined) return undefined;
  if (options.hardwareRevision === undefined) throw new AppError('INVALID_INPUT', '--hardware-id needs --hardware-revision');
  return {
    hardwareId: options.hardwareId,
    hardwareRevision: options.hardwareRevision,
    securityCounter: optionalCount(options.securityCounter, '--security-counter') ?? 0,
    slotSizes: Object.fromEntries(options.slotSize.map((pair) => parsePair(pair, '--slot-size'))),
    flashRegions: options.flashRegion.map((pair) => parsePair(pair, '--flash-region')).map(([startAddress, sizeBytes]) => ({ startAddress, sizeBytes })),
  };
}

/** `N=M` with decimal or 0x-hex numbers (`1=0x80000`, `0x10000000=0x200000`). */
function parsePair(text: string, flag: string): [number, number] {
  const match = /^(0x[0-9a-f]+|\d+)=(0x[0-9a-f]+|\d+)$/i.exec(text);
  if (!match?.[1] || !match[2]) throw new AppError('INVALID_INPUT', `${flag} takes NUMBER=NUMBER, not "${text}"`);
  return [Number(match[1]), Number(match[2])];
}

function optionalCount(text: string | undefined, flag: string): number | null {
  if (text === undefined) return null;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new AppError('INVALID_INPUT', `${flag} must be an integer from 0 to 4294967295, not "${text}"`);
  return value;
}

function parseDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new AppError('INVALID_INPUT', `--now must be an ISO date, not "${text}"`);
  return date;
}
