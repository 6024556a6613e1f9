import type {
  CommandInput,
  CommandName,
  CommandOutput,
  EventName,
  EventPayload,
} from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { createConnectionCell } from '../bridge/connection-state';
import type { StationBridge } from '../bridge/station-bridge';

type Handler<N extends CommandName> = (
  input: CommandInput<N> | undefined,
) => CommandOutput<N> | Promise<CommandOutput<N>>;
export type FakeHandlers = { [N in CommandName]?: Handler<N> };

export interface RecordedCall {
  name: CommandName;
  input: unknown;
}

/**
 * An in-memory bridge: answers from the given handlers (NOT_IMPLEMENTED otherwise), records every
 * call, and lets the test push events as the core would.
 */
export class FakeBridge implements StationBridge {
  readonly calls: RecordedCall[] = [];
  readonly connection = createConnectionCell('connected');
  readonly #handlers: FakeHandlers;
  readonly #listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  constructor(handlers: FakeHandlers = {}) {
    this.#handlers = handlers;
  }

  setHandler<N extends CommandName>(name: N, handler: Handler<N>): void {
    (this.#handlers as Record<N, Handler<N>>)[name] = handler;
  }

  invoke<N extends CommandName>(name: N, input?: CommandInput<N>): Promise<CommandOutput<N>> {
    this.calls.push({ name, input });
    const handler: Handler<N> | undefined = this.#handlers[name];
    if (handler === undefined)
      return Promise.reject(new AppError('NOT_IMPLEMENTED', `no fake handler for ${name}`));
    try {
      return Promise.resolve(handler(input));
    } catch (error: unknown) {
      return Promise.reject(error instanceof Error ? error : new AppError('INTERNAL', String(error)));
    }
  }

  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    const listeners = this.#listeners.get(name) ?? new Set();
    this.#listeners.set(name, listeners);
    const stored = listener as (payload: unknown) => void;
    listeners.add(stored);
    return () => listeners.delete(stored);
  }

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) listener(payload);
  }

  callsOf(name: CommandName): RecordedCall[] {
    return this.calls.filter((call) => call.name === name);
  }

  close(): void {}
}
