import { toAppError, type AppError } from '../../../shared/errors';
import { SerialSmpTransport } from '../drivers/smp/serial-smp-transport';
import { SmpClient } from '../drivers/smp/smp-client';
import { silentLogger } from '../ports/logger';
import type { SerialPort, SerialPortInfo, SerialPorts } from '../ports/serial-port';
import type { SightingReport } from './sighting-report';
import { probeSmpDevice, type SmpProbeFindings, type SmpProbeOptions } from './smp-device-probe';

export interface SerialProbeOptions extends SmpProbeOptions {
  /** Line rate to open the port at; Zephyr's console UART default. A pseudo-terminal ignores it. */
  baudRate?: number;
  /** How long each SMP request waits for its answer; a silent port costs (retries + 1) × this. */
  requestTimeoutMs?: number;
}

/** `answered`: an SMP device (possibly without identifiers); `unidentified`: anything else, with why. */
export type SerialProbeOutcome =
  | { kind: 'answered'; report: SightingReport; findings: SmpProbeFindings }
  | { kind: 'unidentified'; reason: string; code: AppError['code'] };

export const SERIAL_PROBE_DEFAULTS = { baudRate: 115_200, requestTimeoutMs: 300 } as const;

/**
 * Opens one serial port, asks it SMP questions over console framing (smp-device-probe.ts), and closes
 * it again whatever happens. Closing matters: the port is opened with an exclusive lock, so a job that
 * later flashes or configures the device (in a worker, architecture.md) could not open it while
 * discovery held it, and an idle handle per device would pin file descriptors for nothing. Whether the
 * device is still there is then told by the port listing, not by an open handle.
 */
export async function probeSerialPort(
  ports: SerialPorts,
  info: SerialPortInfo,
  options: SerialProbeOptions = {},
  signal?: AbortSignal,
): Promise<SerialProbeOutcome> {
  let port: SerialPort;
  try {
    port = await ports.open(
      info.path,
      { baudRate: options.baudRate ?? SERIAL_PROBE_DEFAULTS.baudRate },
      signal,
    );
  } catch (error: unknown) {
    const appError = toAppError(error);
    return { kind: 'unidentified', reason: `cannot open: ${appError.message}`, code: appError.code };
  }
  const traffic = { bytes: 0, brokenFrames: 0 };
  const counting = port.onData((bytes) => (traffic.bytes += bytes.length));
  const transport = new SerialSmpTransport(port);
  const faults = transport.onFault(() => (traffic.brokenFrames += 1));
  // The client's own fault warnings would repeat for every garbage frame; the outcome sums them up.
  const client = new SmpClient(transport, {
    timeoutMs: options.requestTimeoutMs ?? SERIAL_PROBE_DEFAULTS.requestTimeoutMs,
    logger: silentLogger,
  });
  try {
    const findings = await probeSmpDevice(client, options, signal);
    return { kind: 'answered', report: serialSighting(info, findings), findings };
  } catch (error: unknown) {
    const appError = toAppError(error);
    return { kind: 'unidentified', reason: describeFailure(appError, traffic), code: appError.code };
  } finally {
    client.dispose();
    counting.dispose();
    faults.dispose();
    await port.close().catch(() => undefined);
  }
}

/**
 * The sighting of an SMP device on a serial port. The serial number read over SMP wins; the USB serial
 * number the OS lists stands in when the device has no identity group, so a USB CDC-ACM device still
 * merges with its USB sighting.
 */
function serialSighting(info: SerialPortInfo, findings: SmpProbeFindings): SightingReport {
  const report: SightingReport = {
    transport: 'serial',
    address: info.path,
    identifiers: {},
    protocol: 'smp',
  };
  if (findings.hardwareId !== undefined) report.identifiers.hardwareId = findings.hardwareId;
  const serial = findings.serial ?? info.serialNumber;
  if (serial !== undefined) report.identifiers.serial = serial;
  if (findings.model !== undefined) report.model = findings.model;
  if (findings.firmwareVersion !== undefined) report.firmwareVersion = findings.firmwareVersion;
  return report;
}

/** One line for the log that tells silence, garbage and a device that went quiet mid-probe apart. */
function describeFailure(error: AppError, traffic: { bytes: number; brokenFrames: number }): string {
  const step = typeof error.details?.step === 'string' ? error.details.step : 'echo';
  if (error.code !== 'DEVICE_NOT_RESPONDING') return error.message;
  if (step !== 'echo') return `stopped answering during SMP ${step}: ${error.message}`;
  if (traffic.bytes === 0) return `silent: ${error.message}`;
  if (traffic.brokenFrames > 0)
    return `not SMP: ${traffic.bytes} bytes received, ${traffic.brokenFrames} broken console frames, ${error.message}`;
  return `not SMP: ${traffic.bytes} bytes of console text but no SMP frame, ${error.message}`;
}
