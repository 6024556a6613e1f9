// A station process for crash tests, run as `node --import tsx station-sync-child.ts '<json>'`. It opens a
// data folder the way the station does and either runs one sync pass or appends events, reporting each
// step as a JSON line on stdout (written synchronously, so the parent has the line before any kill).
// With `killAt`, it SIGKILLs itself the moment that step is reported: nothing after it runs, no
// `finally`, no SQLite close, exactly as if the power or the OOM killer had struck there.
import { writeSync } from 'node:fs';
import { toAppError } from '../../shared/errors';
import { FileBackedFleetConnection } from '../../main/adapters/fleet/fleet-connection';
import { SqliteLedgerStore } from '../../main/adapters/ledger/sqlite-ledger-store';
import { LedgerService } from '../../main/core/ledger/ledger-service';
import { systemClock } from '../../main/core/ports/clock';
import { syncOutbox, type SyncStep } from '../../main/core/sync/ledger-sync';
import { ledgerPath } from '../../main/host/data-dir';
import { childCommandSchema, type ChildLine } from './station-child-process';

function emit(line: ChildLine): void {
  writeSync(1, `${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const command = childCommandSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const store = SqliteLedgerStore.open(ledgerPath(command.dataDir));
  if (command.mode === 'append') {
    const ledger = new LedgerService(store, systemClock);
    for (let index = 0; index < command.count; index += 1) {
      const event = ledger.append({ actor: 'tech', deviceId: `crash-${index % 25}`, type: 'config.applied', payload: { index } });
      emit({ appended: event.stationSeq });
    }
    store.close();
    return;
  }
  const client = new FileBackedFleetConnection(command.dataDir, store.stationId).client();
  if (client === null) throw new Error(`${command.dataDir} is not enrolled`);
  const seen = new Map<SyncStep['kind'], number>();
  const onStep = (step: SyncStep): void => {
    emit({ step });
    const occurrence = (seen.get(step.kind) ?? 0) + 1;
    seen.set(step.kind, occurrence);
    if (command.killAt?.kind === step.kind && command.killAt.occurrence === occurrence) process.kill(process.pid, 'SIGKILL');
  };
  try {
    emit({ done: await syncOutbox(store, client, AbortSignal.timeout(60_000), { onStep }) });
  } catch (error: unknown) {
    const appError = toAppError(error);
    emit({ error: { code: appError.code, message: appError.message } });
    process.exitCode = 1;
  } finally {
    store.close();
  }
}

await main();
