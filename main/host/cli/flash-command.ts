import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JobProgress, JobSummary, JsonValue, LedgerEvent } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { SerialportPorts } from '../../adapters/serial/serialport-ports';
import { NodeDatagramNetwork } from '../../adapters/udp/node-datagram-network';
import { createCore, type Core } from '../../core/create-core';
import { SMP_SERIAL_DEFAULT_BAUD } from '../../core/drivers/smp/smp-flasher-link';
import type { FlashEndpoint } from '../../core/jobs/flash-endpoint';
import { registryDeviceLocator } from '../../core/jobs/device-locator';
import { identifySmpDevice } from '../../core/jobs/identify-smp-device';
import { systemClock } from '../../core/ports/clock';
import { readAppVersion } from '../app-version';
import { resolveDataDir } from '../data-dir';
import { readBundleProtocols } from '../flash-process/bundle-protocols';
import { ProcessFlashExecutor } from '../flash-process/process-flash-executor';
import { openStationRuntime } from '../runtime';
import { writeError, writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { parseDeviceArgument, uf2DriveDeviceId, usbDfuDeviceId } from './flash-device-argument';
import { cliActor } from './cli-actor';
import { openCliDataFolder } from './cli-data-folder';

export { parseDeviceArgument } from './flash-device-argument';

export interface FlashOptions {
  bundle: string;
  device: string;
  hardwareRevision?: string;
  trustStore?: string;
  baud?: string;
  /** Seconds to look for a device given by id (discovery), default 15. */
  wait?: string;
  mdns: boolean;
  serial: boolean;
}

/** Codes of a bundle refused for this device before anything was written (exit 4). */
const REFUSAL_CODE = /^(BUNDLE_|IMAGE_|TRUST_STORE_)/;

/**
 * `fieldline flash --bundle <file> --device <id|port>`: one flash job (verify bundle → flash → verify →
 * test/confirm) in its own flash process, recorded in the ledger. With `--json` every job change and
 * progress batch is a JSON line on stdout, then one `result` line. A job that a crash left unfinished
 * for the same device and bundle is resumed rather than started again. Exit codes: exit-codes.ts.
 */
export async function flashDevice(
  output: CliOutput,
  dataDirFlag: string | undefined,
  options: FlashOptions,
  stop: AbortSignal,
): Promise<number> {
  const baudRate = options.baud === undefined ? SMP_SERIAL_DEFAULT_BAUD : Number(options.baud);
  const waitSeconds = options.wait === undefined ? 15 : Number(options.wait);
  if (!Number.isInteger(baudRate) || baudRate <= 0 || !Number.isFinite(waitSeconds) || waitSeconds < 0) {
    await writeLine(output.stderr, '--baud must be a positive integer and --wait a number of seconds');
    return EXIT.usage;
  }
  const bundlePath = resolve(options.bundle);
  try {
    statSync(bundlePath);
  } catch (error: unknown) {
    await writeError(
      output,
      new AppError('NOT_FOUND', `cannot read the bundle ${bundlePath}`, { cause: error }),
    );
    return EXIT.failed;
  }
  const dataDir = resolveDataDir({ flag: dataDirFlag });
  const given = parseDeviceArgument(options.device, baudRate);
  const ports = { serialPorts: new SerialportPorts(), datagrams: new NodeDatagramNetwork() };
  const deviceId = await deviceIdOf(given, ports, stop);

  const flashing = openFlashCore(dataDir);
  try {
    const { core } = flashing;
    const reporter = new FlashReporter(output);
    const subscription = core.events.onEvent((name, payload) => {
      if (name === 'jobs:changed') reporter.changed((payload as { job: JobSummary }).job);
      if (name === 'jobs:progress') reporter.progress((payload as { jobs: JobProgress[] }).jobs);
    });
    // A job for this device and bundle that a crash left unfinished resumes; any other is ended.
    const recovered = core.jobs.recover({
      resume: (job) => job.deviceId === deviceId && job.bundlePath === bundlePath,
    });
    const resumed = recovered.find((job) => job.deviceId === deviceId && job.state === 'queued');
    const job =
      resumed ??
      core.jobs.start({
        deviceId,
        bundlePath,
        endpoint:
          given.kind === 'id'
            ? await findById(dataDir, deviceId, options, waitSeconds, stop)
            : given.endpoint,
        trustStorePath: options.trustStore === undefined ? null : resolve(options.trustStore),
        ...(options.hardwareRevision === undefined ? {} : { hardwareRevision: options.hardwareRevision }),
      });
    const cancel = (): void => void core.jobs.cancel(job.id);
    stop.addEventListener('abort', cancel, { once: true });
    const done = await core.jobs.whenDone(job.id);
    stop.removeEventListener('abort', cancel);
    await reporter.flush();
    subscription.dispose();
    await reporter.result(done, firmwareEvent(core, done));
    return exitCodeOf(done);
  } finally {
    await flashing.close();
  }
}

/** The ledger's id for the device: given, or asked of the device the way discovery names it. */
async function deviceIdOf(
  given: ReturnType<typeof parseDeviceArgument>,
  ports: Parameters<typeof identifySmpDevice>[0],
  stop: AbortSignal,
): Promise<string> {
  if (given.kind === 'id') return given.deviceId;
  const { endpoint } = given;
  if (endpoint.kind === 'uf2-drive') return uf2DriveDeviceId(endpoint);
  if (endpoint.kind === 'usb-dfu') return usbDfuDeviceId(endpoint.serialNumber);
  return (await identifySmpDevice(ports, endpoint, stop)).deviceId;
}

/** Runs discovery until the device is seen (serial, network, USB, UF2 drive), then lets the ports go. */
async function findById(
  dataDir: string,
  deviceId: string,
  options: FlashOptions,
  waitSeconds: number,
  stop: AbortSignal,
): Promise<FlashEndpoint> {
  const runtime = await openStationRuntime({
    dataDir,
    host: 'cli',
    enableMdns: options.mdns,
    enableSerialDiscovery: options.serial,
  });
  try {
    const locator = registryDeviceLocator(runtime.core.registry);
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const endpoint = locator.locate(deviceId).endpoints[0];
      if (endpoint !== undefined) return endpoint;
      if (stop.aborted) throw new AppError('CANCELLED', 'Cancelled while looking for the device');
      if (Date.now() > deadline) {
        throw new AppError(
          'NOT_FOUND',
          `Device ${deviceId} was not found on any serial port, network, USB bus or UF2 drive within ${waitSeconds} s`,
          {
            details: { deviceId },
          },
        );
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    }
  } finally {
    await runtime.close();
  }
}

function openFlashCore(dataDir: string): { core: Core; close: () => Promise<void> } {
  const { store, log, close } = openCliDataFolder(dataDir);
  const core = createCore(
    {
      ledgerStore: store,
      clock: systemClock,
      logger: log.logger,
      flashExecutor: new ProcessFlashExecutor({ logger: log.logger.child({ area: 'flash' }) }),
      jobs: { actor: cliActor(), bundleProtocols: readBundleProtocols },
    },
    { host: 'cli', version: readAppVersion(), dataDir, platform: process.platform },
  );
  return {
    core,
    close: async () => {
      await core.jobs.stop();
      close();
    },
  };
}

function firmwareEvent(core: Core, job: JobSummary): LedgerEvent | null {
  for (const type of ['firmware.flashed', 'firmware.reverted']) {
    const event = core.ledger
      .deviceHistory(job.deviceId)
      .filter(
        (candidate) => candidate.type === type && (candidate.payload as { jobId?: unknown }).jobId === job.id,
      )
      .at(-1);
    if (event !== undefined) return event;
  }
  return null;
}

function exitCodeOf(job: JobSummary): number {
  if (job.state === 'succeeded') return EXIT.ok;
  if (job.state === 'reverted') return EXIT.reverted;
  if (job.error && job.error.step === 'verify-bundle' && REFUSAL_CODE.test(job.error.code))
    return EXIT.refusedBeforeWrite;
  return EXIT.failed;
}


/** Prints a job as it goes: JSON lines, or a line per step and a progress line every second. */
class FlashReporter {
  readonly #output: CliOutput;
  #lines: Promise<void> = Promise.resolve();
  #lastStep = '';
  #lastTextProgressMs = 0;

  constructor(output: CliOutput) {
    this.#output = output;
  }

  changed(job: JobSummary): void {
    if (this.#output.isJson) return this.#write(JSON.stringify({ event: 'job', job }));
    if (job.step === this.#lastStep) return;
    this.#lastStep = job.step;
    this.#write(`${job.step.padEnd(14)} ${job.deviceId} at ${job.address}`);
  }

  progress(jobs: JobProgress[]): void {
    for (const progress of jobs) {
      if (this.#output.isJson) {
        this.#write(JSON.stringify({ event: 'progress', ...progress }));
        continue;
      }
      const now = Date.now();
      if (now - this.#lastTextProgressMs < 1_000 && progress.bytesDone < progress.totalBytes) continue;
      this.#lastTextProgressMs = now;
      const percent =
        progress.totalBytes === 0 ? 0 : Math.floor((progress.bytesDone * 100) / progress.totalBytes);
      const eta = progress.etaSeconds === null ? '' : `, ${progress.etaSeconds} s left`;
      this.#write(
        `${'upload'.padEnd(14)} ${percent}% of ${progress.totalBytes} bytes, ${(progress.bytesPerSecond / 1024).toFixed(1)} KiB/s${eta}`,
      );
    }
  }

  async result(job: JobSummary, firmware: LedgerEvent | null): Promise<void> {
    const evidence =
      firmware === null ? null : ((firmware.payload as { evidence?: JsonValue }).evidence ?? null);
    if (this.#output.isJson) {
      this.#write(
        JSON.stringify({
          event: 'result',
          state: job.state,
          job,
          firmwareEvent: firmware?.type ?? null,
          evidence,
        }),
      );
      return this.flush();
    }
    if (job.state === 'succeeded') {
      const verified =
        evidence !== null && typeof evidence === 'object' && !Array.isArray(evidence)
          ? evidence.verifiedHash
          : null;
      const hash = typeof verified === 'string' ? verified : '';
      this.#write(
        `flashed ${job.firmwareVersion ?? ''} on ${job.deviceId}: running and confirmed (image hash ${hash})`,
      );
    } else {
      const error = job.error;
      this.#write(
        `${job.state} at ${job.step}: ${error ? `${error.code} ${error.message}` : ''}${error?.isRetryable ? ' (retryable)' : ''}`,
      );
    }
    return this.flush();
  }

  flush(): Promise<void> {
    return this.#lines;
  }

  #write(line: string): void {
    this.#lines = this.#lines.then(() => writeLine(this.#output.stdout, line));
  }
}
