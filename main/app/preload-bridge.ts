import type { IpcRenderer } from 'electron';
import {
  envelopeSchema,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  isCommandName,
  isEventName,
  type Bridge,
  type EventName,
} from '../../shared/contract';
import { AppError, toAppError, type SerializedAppError } from '../../shared/errors';

/** The part of `ipcRenderer` the bridge uses; the renderer itself never gets to see it. */
export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on'>;

type PayloadListener = (payload: unknown) => void;

/**
 * `window.bridge` as the contract's `Bridge`: names not in the contract are refused here, before
 * anything is sent, and answers are unwrapped from their envelope into a value or an AppError.
 */
export function createPreloadBridge(ipc: BridgeIpc): Bridge {
  const listenersByEvent = new Map<EventName, Set<PayloadListener>>();

  // The IpcRendererEvent is dropped on purpose: its `sender` is ipcRenderer itself.
  ipc.on(IPC_EVENT_CHANNEL, (_event, message: unknown) => {
    const { name, payload } = (message ?? {}) as { name?: unknown; payload?: unknown };
    if (!isEventName(name)) return;
    for (const listener of [...(listenersByEvent.get(name) ?? [])]) deliver(listener, payload);
  });

  async function invoke(name: unknown, input: unknown): Promise<unknown> {
    if (!isCommandName(name))
      throw new AppError('UNKNOWN_COMMAND', `${quoted(name)} is not a command of the contract`);
    const answer = envelopeSchema.safeParse(await ipc.invoke(IPC_INVOKE_CHANNEL, name, input));
    if (!answer.success) throw new AppError('INTERNAL', `malformed answer to ${name}`);
    if (!answer.data.ok) throw AppError.fromSerialized(answer.data.error);
    return answer.data.value;
  }

  function on(name: unknown, listener: unknown): () => void {
    if (!isEventName(name))
      throw new AppError('UNKNOWN_COMMAND', `${quoted(name)} is not an event of the contract`);
    if (typeof listener !== 'function') throw new AppError('INVALID_INPUT', 'listener must be a function');
    const listeners = listenersByEvent.get(name) ?? new Set<PayloadListener>();
    listenersByEvent.set(name, listeners);
    // A wrapper per subscription, so that subscribing the same function twice needs two unsubscribes.
    const ownListener = (payload: unknown): void => void (listener as PayloadListener)(payload);
    listeners.add(ownListener);
    return () => void listeners.delete(ownListener);
  }

  // The main process answered with the envelope of this very command, so its value has that output type.
  return { invoke: invoke as Bridge['invoke'], on };
}

/** A name from the page, quoted and cut short for the error message. */
function quoted(name: unknown): string {
  return `"${String(name).slice(0, 100)}"`;
}

/**
 * One throwing listener must not keep the event from the others; its error is rethrown on its own
 * task, where it shows up in the renderer's console like any uncaught error.
 */
function deliver(listener: PayloadListener, payload: unknown): void {
  try {
    listener(payload);
  } catch (error: unknown) {
    setTimeout(() => {
      throw error;
    });
  }
}

/**
 * The object handed to `contextBridge`. contextBridge copies an Error as a new Error with only its
 * `message` (electron_api_context_bridge.cc, "Errors aren't serializable"), which would drop the code;
 * a plain object crosses intact. So rejections cross as the wire form `{ code, message, details? }`,
 * which the renderer's client turns back into an AppError (`toAppError` or `AppError.fromSerialized`).
 */
export function exposableBridge(bridge: Bridge): {
  invoke(name: unknown, input?: unknown): Promise<unknown>;
  on: Bridge['on'];
} {
  return {
    async invoke(name, input) {
      try {
        return await (bridge.invoke as (name: unknown, input: unknown) => Promise<unknown>)(name, input);
      } catch (error: unknown) {
        const serialized: SerializedAppError = toAppError(error).toJSON();
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- see above: an Error would lose its code
        throw serialized;
      }
    },
    on: (name, listener) => bridge.on(name, listener),
  };
}
