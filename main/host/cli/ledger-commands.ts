import { jsonValueSchema, type JsonValue } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { StoredEvent } from '../../core/ports/ledger-store';
import { writeLine, type CliOutput } from './cli-output';
import { EXIT } from './exit-codes';
import { openCliCore } from './open-cli-core';

export async function ledgerVerify(output: CliOutput, dataDir: string | undefined): Promise<number> {
  const { core, close } = openCliCore(dataDir);
  try {
    const report = core.ledger.verify();
    if (output.isJson) {
      await writeLine(output.stdout, JSON.stringify(report));
    } else if (report.isIntact) {
      await writeLine(output.stdout, `ledger intact: ${report.eventsChecked} events from ${report.stations} station(s) verified`);
    } else if (report.firstBroken !== null) {
      const link = report.firstBroken;
      await writeLine(
        output.stdout,
        `ledger BROKEN at position ${link.position} (event ${link.eventId}, station ${link.stationId} #${link.stationSeq}): ${link.reason}\n` +
          `${report.eventsChecked} events before it verified.`,
      );
    }
    return report.isIntact ? EXIT.ok : EXIT.chainBroken;
  } finally {
    close();
  }
}

/** Streams every event as one JSON line, oldest first, without loading the ledger into memory. */
export async function ledgerExport(output: CliOutput, dataDir: string | undefined): Promise<number> {
  const { core, close } = openCliCore(dataDir);
  try {
    for (const event of core.ledger.iterateEvents()) await writeLine(output.stdout, JSON.stringify(event));
    return EXIT.ok;
  } finally {
    close();
  }
}

export interface AppendOptions {
  actor: string;
  type: string;
  device?: string;
  payload?: string;
}

export async function ledgerAppend(output: CliOutput, dataDir: string | undefined, options: AppendOptions): Promise<number> {
  const payload = parsePayload(options.payload);
  const { core, close } = openCliCore(dataDir);
  try {
    const event: StoredEvent = core.append({ actor: options.actor, type: options.type, deviceId: options.device ?? null, payload });
    await writeLine(output.stdout, output.isJson ? JSON.stringify(event) : `appended ${event.type} as ${event.id} (position ${event.position})`);
    return EXIT.ok;
  } finally {
    close();
  }
}

function parsePayload(text: string | undefined): JsonValue {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    throw new AppError('INVALID_INPUT', `--payload is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = jsonValueSchema.safeParse(value);
  if (!parsed.success) throw new AppError('INVALID_INPUT', '--payload must be a JSON value');
  return parsed.data;
}
