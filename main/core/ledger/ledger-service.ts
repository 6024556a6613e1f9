import { eventTypeSchema, jsonValueSchema, type JsonValue, type LedgerEvent } from '../../../shared/contract';
import { GENESIS_HASH } from '../../../shared/ledger/canonical-event';
import { parseHlc } from '../../../shared/ledger/hlc';
import { AppError, toAppError } from '../../../shared/errors';
import type { Clock } from '../ports/clock';
import type { EventQuery, LedgerStore, StoredEvent } from '../ports/ledger-store';
import { verifyChain, type ChainReport } from './chain-verifier';
import { projectDevice } from './device-projection';
import { hashEvent } from './event-hash';
import { nextHlc } from './hybrid-clock';
import { uuidV7 } from './uuid-v7';

export interface AppendRequest {
  /** Who did it: an operator name, `station`, or `cli:<user>`. */
  actor: string;
  deviceId: string | null;
  type: string;
  payload: JsonValue;
}

/** Largest payload accepted, as canonical JSON text; evidence larger than this belongs in a file. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** The station's append-only, hash-chained lifecycle record. */
export class LedgerService {
  readonly #store: LedgerStore;
  readonly #clock: Clock;

  constructor(store: LedgerStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  get stationId(): string {
    return this.#store.stationId;
  }

  append(request: AppendRequest): StoredEvent {
    const checked = checkRequest(request);
    return this.#store.append(checked.deviceId, ({ tip, latestHlc, device }) => {
      const hlc = nextHlc(this.#clock, latestHlc);
      const unhashed: Omit<LedgerEvent, 'hash'> = {
        id: uuidV7(wallMsOf(hlc)),
        stationId: this.#store.stationId,
        stationSeq: (tip?.stationSeq ?? 0) + 1,
        hlc,
        actor: checked.actor,
        deviceId: checked.deviceId,
        type: checked.type,
        payload: checked.payload,
        prevHash: tip?.hash ?? GENESIS_HASH,
      };
      const event: LedgerEvent = { ...unhashed, hash: hashEvent(unhashed) };
      return { event, device: projectDevice(device, event) };
    });
  }

  listEvents(query: EventQuery): StoredEvent[] {
    return this.#store.listEvents(query);
  }

  deviceHistory(deviceId: string): StoredEvent[] {
    return this.#store.deviceHistory(deviceId);
  }

  verify(): ChainReport {
    return verifyChain(this.#store.iterateEvents());
  }

  iterateEvents(): IterableIterator<StoredEvent> {
    return this.#store.iterateEvents();
  }
}

function checkRequest(request: AppendRequest): AppendRequest {
  const actor = request.actor.trim();
  if (actor.length === 0 || actor.length > 200) {
    throw new AppError('INVALID_INPUT', 'actor must be 1 to 200 characters');
  }
  const type = eventTypeSchema.safeParse(request.type);
  if (!type.success) throw new AppError('INVALID_INPUT', `event type "${request.type}" ${type.error.issues[0]?.message ?? 'is invalid'}`);
  if (request.deviceId !== null && (request.deviceId.length === 0 || request.deviceId.length > 200)) {
    throw new AppError('INVALID_INPUT', 'deviceId must be 1 to 200 characters');
  }
  const payload = jsonValueSchema.safeParse(request.payload);
  if (!payload.success) throw toAppError(payload.error);
  const sizeBytes = new TextEncoder().encode(JSON.stringify(payload.data)).length;
  if (sizeBytes > MAX_PAYLOAD_BYTES) {
    throw new AppError('INVALID_INPUT', `payload is ${sizeBytes} bytes; the limit is ${MAX_PAYLOAD_BYTES}`);
  }
  return { actor, deviceId: request.deviceId, type: type.data, payload: payload.data };
}

function wallMsOf(hlc: string): number {
  const parsed = parseHlc(hlc);
  if (parsed === null) throw new AppError('INTERNAL', `generated HLC "${hlc}" does not parse`);
  return parsed.wallMs;
}
