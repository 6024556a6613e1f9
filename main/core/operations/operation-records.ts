import type { JsonValue, OperationKind } from '../../../shared/contract';
import type { AppendRequest } from '../ledger/ledger-service';
import type { EventQuery, StoredEvent } from '../ports/ledger-store';

/** The ledger events of an operation. Exactly one of the terminal types ends each one. */
export const OperationEvent = {
  started: 'operation.started',
  stepCompleted: 'operation.step-completed',
  stepSkipped: 'operation.step-skipped',
  succeeded: 'operation.succeeded',
  failed: 'operation.failed',
  cancelled: 'operation.cancelled',
} as const;

export const TERMINAL_OPERATION_EVENTS = [
  OperationEvent.succeeded,
  OperationEvent.failed,
  OperationEvent.cancelled,
] as const;

/** What the operation service needs of the ledger (what `LedgerService` offers). */
export interface OperationLedger {
  append(request: AppendRequest): StoredEvent;
  listEvents(query: EventQuery): StoredEvent[];
}

export interface UnfinishedOperation {
  deviceId: string;
  operationId: string;
  kind: OperationKind | null;
  ownerPid: number;
}

/** How far back recovery looks: operations are short, and a station runs few at once. */
const RECOVERY_WINDOW = 1_000;

/** `operation.started` events among the last RECOVERY_WINDOW that no terminal event follows. */
export function findUnfinishedOperations(ledger: OperationLedger): UnfinishedOperation[] {
  const ended = new Set<string>();
  for (const type of TERMINAL_OPERATION_EVENTS)
    for (const event of ledger.listEvents({ type, limit: RECOVERY_WINDOW })) {
      const id = stringField(event.payload, 'operationId');
      if (id !== null) ended.add(id);
    }
  const unfinished: UnfinishedOperation[] = [];
  for (const event of ledger.listEvents({ type: OperationEvent.started, limit: RECOVERY_WINDOW })) {
    const operationId = stringField(event.payload, 'operationId');
    if (operationId === null || ended.has(operationId) || event.deviceId === null) continue;
    const ownerPid = field(event.payload, 'ownerPid');
    unfinished.push({
      deviceId: event.deviceId,
      operationId,
      kind: stringField(event.payload, 'kind') as OperationKind | null,
      ownerPid: typeof ownerPid === 'number' ? ownerPid : -1,
    });
  }
  return unfinished;
}

function stringField(value: JsonValue, key: string): string | null {
  const found = field(value, key);
  return typeof found === 'string' ? found : null;
}

function field(value: JsonValue, key: string): JsonValue | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value[key];
}
