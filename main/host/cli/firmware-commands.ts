import type { Command } from 'commander';
import type { CliOutput } from './cli-output';
import { bundleCreate, bundleInspect, bundleSign, bundleVerify, type BundleVerifyOptions } from './firmware-bundle-actions';
import { imageInspect, imageVerify } from './firmware-image-actions';

export interface FirmwareCommandContext {
  output: () => CliOutput;
  setExitCode: (code: number) => void;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `fieldline bundle create|sign|verify|inspect` and `fieldline image inspect|verify` (main/core/firmware
 * README.md). Refusals are thrown as AppErrors; run-cli prints code, title and action and exits 1.
 */
export function registerFirmwareCommands(program: Command, context: FirmwareCommandContext): void {
  const bundle = program.command('bundle').description('signed firmware release bundles');
  bundle
    .command('create')
    .description('build an unsigned bundle from a release file (YAML: product, hardware, version, securityCounter, channel, images)')
    .requiredOption('--release <file>', 'release file; image paths are relative to it')
    .requiredOption('--out <file>', 'where to write the bundle (.fwb)')
    .action(async (options: { release: string; out: string }) => {
      context.setExitCode(await bundleCreate(context.output(), options.release, options.out));
    });
  bundle
    .command('sign')
    .description('add a release-key signature (Ed25519 or ECDSA P-256) to a bundle')
    .requiredOption('--key <pem>', 'release private key (PEM)')
    .option('--out <file>', 'write the signed bundle here instead of in place')
    .argument('<bundle>')
    .action(async (path: string, options: { key: string; out?: string }) => {
      context.setExitCode(await bundleSign(context.output(), path, options.key, options.out));
    });
  bundle
    .command('verify')
    .description('run every check; with --hardware-id, exactly the checks that run before flashing that device')
    .argument('<bundle>')
    .option('--trust-store <file>', 'trust store (default: $FIELDLINE_TRUST_STORE, else the development store)')
    .option('--now <iso-date>', 'check expiry at this time instead of now')
    .option('--hardware-id <id>', 'the device hardware id')
    .option('--hardware-revision <rev>', 'the device hardware revision')
    .option('--security-counter <n>', 'the device anti-rollback counter (default 0)')
    .option('--ledger-security-counter <n>', 'the highest counter the ledger recorded for the device')
    .option('--slot-size <slot=bytes>', 'an MCUboot slot size, repeatable (1=0x80000)', collect, [])
    .option('--flash-region <start=bytes>', 'a flash region for UF2/DFU images, repeatable', collect, [])
    .action(async (path: string, options: BundleVerifyOptions) => {
      context.setExitCode(await bundleVerify(context.output(), path, options));
    });
  bundle
    .command('inspect')
    .description('show what a bundle claims and who signed it, without requiring valid signatures')
    .argument('<bundle>')
    .option('--trust-store <file>', 'trust store used to name the signers')
    .action(async (path: string, options: { trustStore?: string }) => {
      context.setExitCode(await bundleInspect(context.output(), path, options.trustStore));
    });

  const image = program.command('image').description('bare MCUboot, UF2 and DFU files');
  image
    .command('inspect')
    .description('identify a firmware file and check its integrity (hash, CRC, blocks)')
    .argument('<file>')
    .action(async (path: string) => {
      context.setExitCode(await imageInspect(context.output(), path));
    });
  image
    .command('verify')
    .description('check an MCUboot image’s hash, KEYHASH and signature against a public key')
    .requiredOption('--key <pem>', 'the image public key (PEM)')
    .argument('<file>')
    .action(async (path: string, options: { key: string }) => {
      context.setExitCode(await imageVerify(context.output(), path, options.key));
    });
}
