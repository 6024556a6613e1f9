import { Command, CommanderError } from 'commander';
import { presentError, toAppError } from '../../shared/errors';
import { resolveDataDir } from './data-dir';
import { openStationRuntime } from './runtime';
import { startStationServer } from './station-server';

/**
 * `npm run station`: opens the core on the data folder, serves the renderer and the contract on
 * 127.0.0.1, prints one line with the URL (carrying this run's token), and stops on SIGINT/SIGTERM.
 */
export async function runStation(argv: string[]): Promise<number> {
  const program = new Command('station')
    .option('--port <number>', 'TCP port on 127.0.0.1 (0 picks a free one)', '4310')
    .option('--data-dir <path>', 'data folder (default: $FIELDLINE_DATA_DIR or $XDG_DATA_HOME/fieldline)')
    .option('--no-mdns', 'do not browse the local network for devices advertised over mDNS')
    .option('--no-serial', 'do not probe serial ports for SMP devices (patterns: FIELDLINE_SERIAL_GLOBS)')
    .option('--no-usb', 'do not watch the USB bus for DFU devices')
    .option(
      '--no-drives',
      'do not watch for UF2 drives (folders: FIELDLINE_DRIVE_FOLDERS, /media, /run/media)',
    )
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (error: unknown) {
    return error instanceof CommanderError && error.exitCode === 0 ? 0 : 2;
  }
  const options = program.opts<{
    port: string;
    dataDir?: string;
    mdns: boolean;
    serial: boolean;
    usb: boolean;
    drives: boolean;
  }>();
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`--port must be a number from 0 to 65535, not "${options.port}"\n`);
    return 2;
  }
  try {
    const runtime = await openStationRuntime({
      dataDir: resolveDataDir({ flag: options.dataDir }),
      host: 'station',
      enableMdns: options.mdns,
      enableSerialDiscovery: options.serial,
      enableUsbDiscovery: options.usb,
      enableDriveDiscovery: options.drives,
    });
    const server = await startStationServer({ endpoint: runtime, logger: runtime.logger, port });
    process.stdout.write(`Fieldline station: ${server.url}\n`);
    await waitForStopSignal();
    await server.close();
    await runtime.close();
    return 0;
  } catch (error: unknown) {
    const appError = toAppError(error);
    const { title, action } = presentError(appError.code);
    process.stderr.write(`error ${appError.code}: ${title}: ${appError.message}\n  → ${action}\n`);
    return 1;
  }
}

function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
