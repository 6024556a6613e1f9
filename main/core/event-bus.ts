import type { EventName, EventPayload } from '../../shared/contract';

export type CoreEventListener = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

/** Disposes a subscription; returned by every `onX` of the core and its ports. */
export interface Disposable {
  dispose(): void;
}

/** Fans contract events out to every host (IPC, WebSocket, CLI watch). One instance per core. */
export class CoreEventBus {
  readonly #listeners = new Set<CoreEventListener>();

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    for (const listener of [...this.#listeners]) listener(name, payload);
  }

  onEvent(listener: CoreEventListener): Disposable {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  }
}
