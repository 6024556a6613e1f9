import { Command, CommanderError } from 'commander';
import { AppError, presentError, toAppError } from '../../shared/errors';
import { resolveDataDir } from './data-dir';
import { openStationRuntime } from './runtime';
import { startStationServer } from './station-server';
import { startEventLoopReport } from './event-loop-report';
import { renderLineMetrics } from '../core/line/line-metrics';
import type { UsbBus } from '../core/ports/usb-bus';

/** What a caller in the same process may hand the station instead of the real adapters. */
export interface StationInjections {
  /**
   * The USB bus to watch instead of libusb: the device lab's in-memory VirtualUsbBus for the browser
   * journeys (e2e/support/lab-station-main.ts). The station never closes a bus it was given.
   */
  usbBus?: UsbBus;
}

/**
 * `npm run station`: opens the core on the data folder, serves the renderer and the contract on
 * 127.0.0.1, prints one line with the URL (carrying this run's token), and stops on SIGINT/SIGTERM.
 */
export async function runStation(argv: string[], injected: StationInjections = {}): Promise<number> {
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
      ...(injected.usbBus === undefined ? {} : { usbBus: injected.usbBus }),
    });
    const server = await startStationServer({
      endpoint: runtime,
      logger: runtime.logger,
      port,
      metrics: () => renderLineMetrics(runtime.core.line.snapshot()),
      ...metricsPortFromEnv(),
    });
    const eventLoop = startEventLoopReport(process.env, (line) => process.stderr.write(line));
    process.stdout.write(`Fieldline station: ${server.url}\n`);
    await waitForStopSignal();
    eventLoop.finish();
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

/** `FIELDLINE_METRICS_PORT`: a second loopback port that serves only `/metrics` (see the README). */
function metricsPortFromEnv(): { metricsPort?: number } {
  const text = process.env.FIELDLINE_METRICS_PORT;
  if (text === undefined || text === '') return {};
  const metricsPort = Number(text);
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65_535) {
    throw new AppError('INVALID_INPUT', `FIELDLINE_METRICS_PORT must be a port number from 0 to 65535, not "${text}"`);
  }
  return { metricsPort };
}
