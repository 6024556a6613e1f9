import type { Disposable } from '../core/event-bus';

/**
 * One end of a text-message connection: a WebSocket in the station, an in-memory pipe in tests.
 * The contract session only needs these four operations, so it is tested without sockets.
 */
export interface MessagePeer {
  send(text: string): void;
  onMessage(listener: (text: string) => void): Disposable;
  onClose(listener: () => void): Disposable;
  close(): void;
}

/** Two connected peers; what one sends, the other receives (asynchronously, like a socket). */
export function createInMemoryPair(): [MessagePeer, MessagePeer] {
  const sides = [createSide(), createSide()] as const;
  let isClosed = false;
  const link = (self: ReturnType<typeof createSide>, other: ReturnType<typeof createSide>): MessagePeer => ({
    send(text) {
      if (isClosed) return;
      queueMicrotask(() => other.deliver(text));
    },
    onMessage: (listener) => self.add(self.messageListeners, listener),
    onClose: (listener) => self.add(self.closeListeners, listener),
    close() {
      if (isClosed) return;
      isClosed = true;
      queueMicrotask(() => {
        self.closed();
        other.closed();
      });
    },
  });
  return [link(sides[0], sides[1]), link(sides[1], sides[0])];
}

function createSide() {
  const messageListeners = new Set<(text: string) => void>();
  const closeListeners = new Set<() => void>();
  return {
    messageListeners,
    closeListeners,
    add<T>(set: Set<T>, listener: T): Disposable {
      set.add(listener);
      return { dispose: () => set.delete(listener) };
    },
    deliver(text: string) {
      for (const listener of [...messageListeners]) listener(text);
    },
    closed() {
      for (const listener of [...closeListeners]) listener();
    },
  };
}
