import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { AppError } from '../../../shared/errors';
import { FileBackedFleetConnection } from '../../adapters/fleet/fleet-connection';
import { openLocalKeyVault } from '../../adapters/key-vault/local-key-vault-setup';
import { SMP_SERIAL_DEFAULT_BAUD, type SmpEndpoint } from '../../core/drivers/smp/smp-flasher-link';
import { parseCertificateProfile, type CertificateProfile } from '../../core/identity/certificate-profile';
import { enrollDevice, type EnrolledDevice } from '../../core/identity/enroll-device';
import { systemClock } from '../../core/ports/clock';
import { openCertificateIssuer } from '../certificate-issuers';
import { resolveDataDir } from '../data-dir';
import { writeLine, type CliOutput } from './cli-output';
import { openDeviceClient, locateSmpDevice, parseEnrollTarget } from './enroll-device-link';
import { EXIT } from './exit-codes';
import { openCliCore } from './open-cli-core';
import { cliActor } from './cli-actor';

export interface EnrollOptions {
  device: string;
  profile?: string;
  issuer?: string;
  baud?: string;
  /** Seconds to look for a device given by id (discovery), default 15. */
  wait?: string;
  mdns: boolean;
  serial: boolean;
}

/**
 * `fieldline enroll --device <id|port>`: opens the device over SMP (serial port, `udp:host:port`, or a
 * device id found by discovery), builds the issuer the configuration names (main/host/certificate-issuers.ts),
 * runs the enrollment and prints the certificate. With `--json` each step is a JSON line, then one
 * `result` line. Exit 0 enrolled, 1 failed (the error names the step), 2 usage.
 */
export async function enrollDeviceCommand(
  output: CliOutput,
  dataDirFlag: string | undefined,
  options: EnrollOptions,
  stop: AbortSignal,
): Promise<number> {
  const baudRate = options.baud === undefined ? SMP_SERIAL_DEFAULT_BAUD : Number(options.baud);
  const waitSeconds = options.wait === undefined ? 15 : Number(options.wait);
  if (!Number.isInteger(baudRate) || baudRate <= 0 || !Number.isFinite(waitSeconds) || waitSeconds < 0) {
    await writeLine(output.stderr, '--baud must be a positive integer and --wait a number of seconds');
    return EXIT.usage;
  }
  if (options.issuer !== undefined && options.issuer !== 'est' && options.issuer !== 'offline') {
    await writeLine(output.stderr, `--issuer must be est or offline, not "${options.issuer}"`);
    return EXIT.usage;
  }
  const profile = options.profile === undefined ? parseCertificateProfile({}) : readProfileFile(options.profile);
  const dataDir = resolveDataDir({ flag: dataDirFlag });
  const given = parseEnrollTarget(options.device, baudRate);
  const endpoint: SmpEndpoint =
    given.kind === 'endpoint'
      ? given.endpoint
      : await locateSmpDevice({ dataDir, deviceId: given.deviceId, waitSeconds, mdns: options.mdns, serial: options.serial }, stop);

  const cli = openCliCore(dataDir);
  try {
    const { core } = cli;
    const vault = openLocalKeyVault({ dataDir });
    const actor = cliActor();
    const ledger = { append: core.append, listEvents: core.ledger.listEvents.bind(core.ledger) };
    const opened = await openCertificateIssuer({
      choice: options.issuer,
      fleet: new FileBackedFleetConnection(dataDir, core.info.stationId, vault),
      vault,
      ledger,
      clock: systemClock,
      offlineValidityDays: profile.offlineValidityDays,
      actor,
    });
    try {
      const device = await openDeviceClient(endpoint, stop);
      try {
        const reporter = new StepReporter(output);
        const enrolled = await enrollDevice({
          device: device.client,
          profile,
          issuer: opened.issuer,
          ledger,
          actor,
          signal: stop,
          ...(given.kind === 'id' ? { deviceId: given.deviceId } : {}),
          onStep: (step) => reporter.step(step),
        });
        await reporter.flush();
        await printResult(output, enrolled);
        return EXIT.ok;
      } finally {
        await device.close();
      }
    } finally {
      await opened.close();
    }
  } finally {
    cli.close();
  }
}

/** A certificate profile file (YAML or JSON), validated; a recipe's `certificate:` part is taken as the profile. */
export function readProfileFile(path: string): CertificateProfile {
  let document: unknown;
  try {
    document = parse(readFileSync(resolve(path), 'utf8'));
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', `cannot read the certificate profile ${path} as YAML or JSON`, { cause: error, details: { field: 'profile' } });
  }
  const profile =
    document !== null && typeof document === 'object' && 'certificate' in document ? (document).certificate : document;
  try {
    return parseCertificateProfile(profile ?? {});
  } catch (error: unknown) {
    if (error instanceof AppError) throw new AppError(error.code, `the certificate profile ${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

async function printResult(output: CliOutput, enrolled: EnrolledDevice): Promise<void> {
  const { certificate } = enrolled;
  if (output.isJson) {
    await writeLine(output.stdout, JSON.stringify({ event: 'result', ...enrolled }));
    return;
  }
  const lines = [
    `enrolled ${enrolled.deviceId} (${enrolled.mode}, ${enrolled.source}: ${enrolled.issuerDescription})`,
    `  subject      ${certificate.subject}`,
    `  issuer       ${certificate.issuer}`,
    `  serial       ${certificate.certificateSerial}`,
    `  fingerprint  SHA-256 ${certificate.fingerprintSha256}`,
    `  valid        ${certificate.notBefore} to ${certificate.notAfter}`,
  ];
  for (const line of lines) await writeLine(output.stdout, line);
}


/** Prints each step as it starts: a JSON line, or a plain line. */
class StepReporter {
  readonly #output: CliOutput;
  #lines: Promise<void> = Promise.resolve();

  constructor(output: CliOutput) {
    this.#output = output;
  }

  step(step: string): void {
    const line = this.#output.isJson ? JSON.stringify({ event: 'step', step }) : `${step}`;
    this.#lines = this.#lines.then(() => writeLine(this.#output.stdout, line));
  }

  flush(): Promise<void> {
    return this.#lines;
  }
}
