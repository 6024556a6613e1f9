import type { Command } from 'commander';
import type { CliOutput } from './cli-output';
import { retireDevice, type RetireOptions } from './retire-command';
import { printStationKey, verifyCertificateFile } from './retire-verify-command';

interface RetireCommandContext {
  output: () => CliOutput;
  dataDir: () => string | undefined;
  stop: AbortSignal;
  setExitCode: (code: number) => void;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `fieldline retire …` (main/core/retirement/README.md; exit codes in exit-codes.ts). */
export function registerRetireCommands(program: Command, context: RetireCommandContext): void {
  const retire = program
    .command('retire')
    .description('wipe a device, verify the wipe, sign a certificate of sanitization, queue its certificate revocation (exit 0/1/2/6)')
    .option('--device <id|port>', 'a device id as `devices` lists it, a serial port path, or udp:host:port')
    .option('--method <clear|purge>', 'NIST SP 800-88 level (default clear; purge needs a device with cryptographic erase)')
    .option('--operator <name>', 'who retires the device (default: this OS user)')
    .option('--setting <name>', 'a setting to delete and check besides those the ledger knows (repeatable)', collect, [])
    .option('--file <path>', 'a device file to check besides those the ledger knows (repeatable)', collect, [])
    .option('--baud <rate>', 'serial line rate (default 115200)')
    .option('--wait <seconds>', 'with a device id: how long discovery looks for it (default 15)')
    .option('--no-mdns', 'with a device id: do not look on the network')
    .option('--no-serial', 'with a device id: do not probe serial ports')
    .action(async (options: RetireOptions) => {
      context.setExitCode(await retireDevice(context.output(), context.dataDir(), options, context.stop));
    });
  retire
    .command('verify-certificate <file>')
    .description('check a certificate of sanitization (or the device.retired event carrying it) against a station key (exit 0/7)')
    .option('--key <pem-file>', "the signing station's public key (default: this station's)")
    .action(async (file: string, options: { key?: string }) => {
      context.setExitCode(await verifyCertificateFile(context.output(), context.dataDir(), file, options));
    });
  retire
    .command('station-key')
    .description("print the public key that signs this station's certificates of sanitization (PEM)")
    .action(async () => {
      context.setExitCode(await printStationKey(context.output(), context.dataDir()));
    });
}
