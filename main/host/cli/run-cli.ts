import { Command, CommanderError } from 'commander';
import { writeError, type CliOutput } from './cli-output';
import { listDevices, type DevicesOptions } from './devices-command';
import { enrollDeviceCommand, type EnrollOptions as DeviceEnrollOptions } from './enroll-command';
import { EXIT } from './exit-codes';
import { flashDevice, type FlashOptions } from './flash-command';
import { registerFirmwareCommands } from './firmware-commands';
import { registerRecipeCommands } from './recipe-commands';
import { ledgerAppend, ledgerExport, ledgerVerify, type AppendOptions } from './ledger-commands';
import { registerRetireCommands } from './retire-commands';
import { syncCatalog, syncEnroll, syncNow, type EnrollOptions } from './sync-commands';

interface GlobalOptions {
  json?: boolean;
  dataDir?: string;
}

/**
 * Runs one `fieldline` command line and returns its exit code (see exit-codes.ts). Output streams are
 * parameters so tests run the CLI in-process.
 */
export async function runCli(
  argv: string[],
  streams: Pick<CliOutput, 'stdout' | 'stderr'> = process,
  stop: AbortSignal = interruptSignal(),
): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('fieldline')
    .description('Fieldline: provision and service IoT devices, keep their lifecycle record.')
    .option('--json', 'print JSON lines (one object per line) instead of text')
    .option('--data-dir <path>', 'data folder (default: $FIELDLINE_DATA_DIR or $XDG_DATA_HOME/fieldline)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => streams.stdout.write(text), writeErr: (text) => streams.stderr.write(text) });

  const output = (): CliOutput => ({ isJson: program.opts<GlobalOptions>().json === true, ...streams });
  const dataDir = (): string | undefined => program.opts<GlobalOptions>().dataDir;

  program
    .command('devices')
    .description('list the devices the station knows; --wait/--watch discover live')
    .option('--wait <seconds>', 'discover for this long, print what was found, exit')
    .option('--watch', 'print the list, then every change as a JSON line, until Ctrl-C')
    .option('--no-mdns', 'with --wait/--watch: do not browse the network over mDNS')
    .option('--no-serial', 'with --wait/--watch: do not probe serial ports (see FIELDLINE_SERIAL_GLOBS)')
    .option('--no-usb', 'with --wait/--watch: do not watch the USB bus')
    .option('--no-drives', 'with --wait/--watch: do not watch for UF2 drives (see FIELDLINE_DRIVE_FOLDERS)')
    .action(async (options: DevicesOptions) => {
      exitCode = await listDevices(output(), dataDir(), options, stop);
    });

  const ledger = program.command('ledger').description('the lifecycle record');
  ledger
    .command('verify')
    .description('check every hash link of the ledger; exit 3 names the first broken link')
    .action(async () => {
      exitCode = await ledgerVerify(output(), dataDir());
    });
  ledger
    .command('export')
    .description('stream every event, oldest first, as JSON lines')
    .option('--json', 'JSON lines (the only export format so far)')
    .action(async () => {
      exitCode = await ledgerExport(output(), dataDir());
    });
  ledger
    .command('append')
    .description('append an event (for tests and scripting)')
    .requiredOption('--actor <name>', 'who did it')
    .requiredOption('--type <type>', 'dotted event type, e.g. note.added')
    .option('--device <id>', 'the device the event is about')
    .option('--payload <json>', 'event payload as JSON', undefined)
    .action(async (options: AppendOptions) => {
      exitCode = await ledgerAppend(output(), dataDir(), options);
    });

  const sync = program
    .command('sync')
    .description('send waiting records to the fleet server now and print the sync status')
    .action(async () => {
      exitCode = await syncNow(output(), dataDir());
    });
  sync
    .command('enroll')
    .description('enroll this station at a fleet server with a one-time bootstrap token')
    .requiredOption('--server <url>', 'https://host:port of the fleet server')
    .requiredOption('--token <token>', 'bootstrap token from the fleet server administrator')
    .requiredOption('--ca <pem-file>', 'the fleet CA certificate, to trust the server on first contact')
    .action(async (options: EnrollOptions) => {
      exitCode = await syncEnroll(output(), dataDir(), options);
    });
  sync
    .command('catalog')
    .description("print the station's copy of the fleet catalog (bundles, recipes, trust anchors, revocations)")
    .action(async () => {
      exitCode = await syncCatalog(output(), dataDir());
    });

  program
    .command('flash')
    .description('flash a device with a signed bundle: verify it, upload, verify, test, confirm (exit 0/1/2/4/5)')
    .requiredOption('--bundle <file>', 'the signed firmware bundle (.fwb)')
    .requiredOption('--device <id|port>', 'a device id as `devices` lists it, a serial port path, or udp:host:port')
    .option('--hardware-revision <rev>', 'the device hardware revision the bundle must list (default A)')
    .option('--trust-store <file>', 'trust store (default: $FIELDLINE_TRUST_STORE, else the development store)')
    .option('--baud <rate>', 'serial line rate (default 115200)')
    .option('--wait <seconds>', 'with a device id: how long discovery looks for it (default 15)')
    .option('--no-mdns', 'with a device id: do not look on the network')
    .option('--no-serial', 'with a device id: do not probe serial ports')
    .action(async (options: FlashOptions) => {
      exitCode = await flashDevice(output(), dataDir(), options, stop);
    });

  program
    .command('enroll')
    .description('enroll a device certificate: key generated on the device, CSR checked, issued (EST or offline CA), installed, read back, recorded')
    .requiredOption('--device <id|port>', 'a device id as `devices` lists it, a serial port path, or udp:host:port')
    .option('--profile <file>', 'certificate profile, YAML or JSON (default: CN = the device serial)')
    .option('--issuer <est|offline>', 'EST (fleet server or FIELDLINE_EST_URL) or the offline CA (default: $FIELDLINE_ISSUER, else EST when configured)')
    .option('--baud <rate>', 'serial line rate (default 115200)')
    .option('--wait <seconds>', 'with a device id: how long discovery looks for it (default 15)')
    .option('--no-mdns', 'with a device id: do not look on the network')
    .option('--no-serial', 'with a device id: do not probe serial ports')
    .action(async (options: DeviceEnrollOptions) => {
      exitCode = await enrollDeviceCommand(output(), dataDir(), options, stop);
    });

  registerFirmwareCommands(program, { output, setExitCode: (code) => { exitCode = code; } });
  registerRecipeCommands(program, { output, dataDir, stop, setExitCode: (code) => { exitCode = code; } });
  registerRetireCommands(program, { output, dataDir, stop, setExitCode: (code) => { exitCode = code; } });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    await writeError(output(), error);
    return EXIT.failed;
  }
}

/** Aborts on Ctrl-C or SIGTERM, so long-running commands (`devices --watch`) stop cleanly. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const abort = (): void => {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
    controller.abort();
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return controller.signal;
}
