import { DiscoverableSerialPorts } from '../adapters/serial/discoverable-serial-ports';
import { splitPatternList } from '../adapters/serial/path-globs';
import { SerialportPorts } from '../adapters/serial/serialport-ports';
import type { Core } from '../core/create-core';
import { SerialDiscovery, type SerialDiscoveryOptions } from '../core/discovery/serial-discovery';
import type { Logger } from '../core/ports/logger';

/** The environment variable that adds serial port patterns (comma-separated absolute paths). */
export const SERIAL_GLOBS_ENV = 'FIELDLINE_SERIAL_GLOBS';

export interface SerialDiscoverySetup {
  /** Patterns probed besides the OS's USB serial ports; default: `$FIELDLINE_SERIAL_GLOBS`. */
  serialGlobs?: readonly string[];
  discovery?: SerialDiscoveryOptions;
  env?: NodeJS.ProcessEnv;
}

/**
 * Serial discovery on the real serialport adapter, reporting into the core's registry. A pattern that
 * is not an absolute path fails here with INVALID_INPUT naming it, rather than silently probing nothing.
 */
export function startSerialDiscovery(
  core: Core,
  logger: Logger,
  setup: SerialDiscoverySetup = {},
): { stop: () => Promise<void> } {
  const log = logger.child({ transport: 'serial' });
  const globs = setup.serialGlobs ?? splitPatternList((setup.env ?? process.env)[SERIAL_GLOBS_ENV]);
  const ports = new DiscoverableSerialPorts(new SerialportPorts(), {
    extraGlobs: globs,
    onListError: (error) =>
      log.warn(
        { err: error },
        'the OS serial port list failed; using the last one and the configured patterns',
      ),
  });
  const discovery = new SerialDiscovery(ports, core.registry, log, setup.discovery);
  discovery.start();
  log.info({ patterns: ports.patterns }, 'serial discovery started');
  return { stop: () => discovery.stop() };
}
