import { serverMessageSchema, type ClientMessage, type CommandOutput } from '../../shared/contract';
import { AppError, toAppError } from '../../shared/errors';
import { createConnectionCell } from './connection-state';
import { EventListeners } from './event-listeners';
import { PendingInvokes } from './pending-invokes';
import { reconnectDelayMs } from './reconnect-delay';
import type { ProblemReporter, StationBridge } from './station-bridge';

/** `WebSocket.OPEN`; spelled out because an injected constructor (e.g. from `ws`) may lack the static. */
const SOCKET_OPEN = 1;

export interface WebSocketBridgeOptions {
  /** Full address including the token, see `stationSocketUrl`. */
  url: string;
  /** Opens a socket; tests inject one (e.g. the `ws` client). Defaults to the browser's WebSocket. */
  createSocket?: (url: string) => WebSocket;
  reconnectDelayMs?: (attempt: number) => number;
  onProblem?: ProblemReporter;
}

/**
 * The contract over the station's WebSocket (shared/contract/wire.ts). Invokes made while the socket
 * is not open wait for it; invokes already sent fail with TRANSPORT_CLOSED when it closes, because
 * their answers are lost with it. The socket reconnects with backoff until `close()`.
 */
export function createWebSocketBridge(options: WebSocketBridgeOptions): StationBridge {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url));
  const delayFor = options.reconnectDelayMs ?? reconnectDelayMs;
  const report: ProblemReporter = options.onProblem ?? (() => undefined);
  const connection = createConnectionCell('connecting');
  const pending = new PendingInvokes();
  const listeners = new EventListeners(report);
  let socket: WebSocket | null = null;
  let failedAttempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let isClosed = false;
  let nextId = 0;

  function connect(): void {
    retryTimer = undefined;
    let opened: WebSocket;
    try {
      opened = createSocket(options.url);
    } catch (error: unknown) {
      report(toAppError(error, 'TRANSPORT_CLOSED'));
      scheduleReconnect();
      return;
    }
    socket = opened;
    opened.onopen = () => {
      failedAttempts = 0;
      connection.set('connected');
      pending.sendUnsent((message) => opened.send(message));
    };
    opened.onmessage = (event: MessageEvent) => receive(event.data);
    // An error is always followed by close, where recovery happens.
    opened.onerror = () => undefined;
    opened.onclose = () => {
      if (socket === opened) socket = null;
      pending.rejectOnClose(isClosed);
      if (!isClosed) scheduleReconnect();
    };
  }

  function scheduleReconnect(): void {
    if (connection.current() === 'connected') connection.set('reconnecting');
    retryTimer = setTimeout(connect, delayFor(failedAttempts));
    failedAttempts += 1;
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') {
      report(
        new AppError('INVALID_INPUT', 'The station sent a binary message; the contract uses JSON text.'),
      );
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch (error: unknown) {
      report(new AppError('INVALID_INPUT', 'The station sent a message that is not JSON.', { cause: error }));
      return;
    }
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) {
      report(toAppError(parsed.error));
      return;
    }
    const message = parsed.data;
    if (message.type === 'event') {
      listeners.emit(message.name, message.payload);
    } else if (!pending.settle(message.id, message.envelope)) {
      report(
        new AppError(
          'INVALID_INPUT',
          `The station answered invoke ${message.id}, which nobody is waiting for.`,
        ),
      );
    }
  }

  connect();

  return {
    connection,
    invoke(name, input) {
      if (isClosed)
        return Promise.reject(new AppError('TRANSPORT_CLOSED', 'The bridge to the station was closed.'));
      const id = nextId++;
      // `{}` rather than nothing: inputs with defaults (ledger:list-events) require an object.
      const message: ClientMessage = { type: 'invoke', id, name, input: input ?? {} };
      return new Promise((resolve, reject) => {
        // The value is not parsed again here: the core produced it from the same contract, and
        // re-validating a 100,000-device list would spend the first-paint budget (quality.md).
        pending.add(id, {
          message: JSON.stringify(message),
          resolve: (value) => resolve(value as CommandOutput<typeof name>),
          reject,
        });
        const current = socket;
        if (current !== null && current.readyState === SOCKET_OPEN)
          pending.sendUnsent((text) => current.send(text));
      });
    },
    on: (name, listener) => listeners.add(name, listener),
    close() {
      if (isClosed) return;
      isClosed = true;
      clearTimeout(retryTimer);
      pending.rejectOnClose(true);
      socket?.close();
    },
  };
}
