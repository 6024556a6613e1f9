import type { Envelope } from '../../shared/contract';
import { AppError } from '../../shared/errors';

interface PendingInvoke {
  /** The serialized `invoke` message, kept until the socket is open to send it. */
  readonly message: string;
  isSent: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: AppError) => void;
}

/** Invokes waiting for their `result`, in the order they were made. */
export class PendingInvokes {
  readonly #byId = new Map<number, PendingInvoke>();

  add(id: number, invoke: Omit<PendingInvoke, 'isSent'>): void {
    this.#byId.set(id, { ...invoke, isSent: false });
  }

  /** Sends every invoke not sent yet; called whenever the socket is open. */
  sendUnsent(send: (message: string) => void): void {
    for (const invoke of this.#byId.values()) {
      if (invoke.isSent) continue;
      send(invoke.message);
      invoke.isSent = true;
    }
  }

  /** Returns false for an id nobody waits for (a late or duplicated answer). */
  settle(id: number, envelope: Envelope<unknown>): boolean {
    const invoke = this.#byId.get(id);
    if (invoke === undefined) return false;
    this.#byId.delete(id);
    if (envelope.ok) invoke.resolve(envelope.value);
    else invoke.reject(AppError.fromSerialized(envelope.error));
    return true;
  }

  /**
   * A closed socket loses the answers to what it carried, so those invokes fail; unsent ones stay
   * queued for the next connection unless `includeUnsent` (the bridge itself is closing).
   */
  rejectOnClose(includeUnsent: boolean): void {
    for (const [id, invoke] of this.#byId) {
      if (!invoke.isSent && !includeUnsent) continue;
      this.#byId.delete(id);
      invoke.reject(
        new AppError('TRANSPORT_CLOSED', 'The connection to the station closed before it answered.'),
      );
    }
  }
}
