import { clientMessageSchema, type ServerMessage } from '../../shared/contract';
import type { CoreEventListener, Disposable } from '../core/event-bus';
import type { Logger } from '../core/ports/logger';
import type { Dispatcher } from './dispatcher';
import type { MessagePeer } from './message-peer';

/** Messages larger than this are refused unread: no command of the contract needs more. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

export interface ContractEndpoint {
  dispatcher: Dispatcher;
  onEvent(listener: CoreEventListener): Disposable;
}

/**
 * Serves the contract to one connected client: parses each message, dispatches it, answers with the
 * envelope under the client's id, and forwards every core event. The peer is already authenticated
 * (token and origin are checked by the station server before a socket reaches here).
 */
export function serveContract(peer: MessagePeer, endpoint: ContractEndpoint, logger: Logger): Disposable {
  const send = (message: ServerMessage): void => peer.send(JSON.stringify(message));
  const events = endpoint.onEvent((name, payload) => send({ type: 'event', name, payload }));
  const messages = peer.onMessage((text) => {
    void handleMessage(text, endpoint.dispatcher, send, logger);
  });
  const closed = peer.onClose(() => stop());
  function stop(): void {
    events.dispose();
    messages.dispose();
    closed.dispose();
  }
  return { dispose: stop };
}

async function handleMessage(
  text: string,
  dispatcher: Dispatcher,
  send: (message: ServerMessage) => void,
  logger: Logger,
): Promise<void> {
  if (text.length > MAX_CLIENT_MESSAGE_BYTES) {
    logger.warn({ sizeBytes: text.length }, 'refused an oversized client message');
    return;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    logger.warn({}, 'refused a client message that is not JSON');
    return;
  }
  const parsed = clientMessageSchema.safeParse(raw);
  if (!parsed.success) {
    // Without a valid id there is no one to answer; the message is dropped and logged.
    logger.warn({ issues: parsed.error.issues.length }, 'refused a malformed client message');
    return;
  }
  const envelope = await dispatcher.dispatch(parsed.data.name, parsed.data.input);
  send({ type: 'result', id: parsed.data.id, envelope });
}
