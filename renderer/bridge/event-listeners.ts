import { events, isEventName, type EventName, type EventPayload } from '../../shared/contract';
import { AppError, toAppError } from '../../shared/errors';
import type { ProblemReporter } from './station-bridge';

type AnyListener = (payload: unknown) => void;

/** Fans pushed events out to the views, after checking them against the contract. */
export class EventListeners {
  readonly #byName = new Map<EventName, Set<AnyListener>>();
  readonly #report: ProblemReporter;

  constructor(report: ProblemReporter) {
    this.#report = report;
  }

  add<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    const listeners = this.#byName.get(name) ?? new Set<AnyListener>();
    this.#byName.set(name, listeners);
    // The payload is parsed with this event's schema in `emit`, so it has the listener's type.
    const stored = listener as AnyListener;
    listeners.add(stored);
    return () => listeners.delete(stored);
  }

  emit(name: string, payload: unknown): void {
    if (!isEventName(name)) {
      this.#report(
        new AppError(
          'UNKNOWN_COMMAND',
          `The station sent an event outside the contract: "${name.slice(0, 100)}".`,
        ),
      );
      return;
    }
    const parsed = events[name].payload.safeParse(payload);
    if (!parsed.success) {
      this.#report(toAppError(parsed.error));
      return;
    }
    for (const listener of [...(this.#byName.get(name) ?? [])]) {
      // One failing view must not keep the event from the others.
      try {
        listener(parsed.data);
      } catch (error: unknown) {
        this.#report(toAppError(error));
      }
    }
  }
}
