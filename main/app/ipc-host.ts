import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { failed, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type Envelope } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { CoreEventListener, Disposable } from '../core/event-bus';
import type { Logger } from '../core/ports/logger';
import type { Dispatcher } from '../host/dispatcher';
import { isSameOrigin } from './app-origin';

export interface IpcHostOptions {
  /** The webContents of our one window: the only one allowed to call, and the one events go to. */
  contents: WebContents;
  dispatcher: Dispatcher;
  onEvent(listener: CoreEventListener): Disposable;
  allowedOrigin: string;
  logger: Logger;
}

/**
 * The Electron transport of the contract. Every call is checked before it reaches the dispatcher:
 * it must come from the main frame of our window while that frame shows our own origin (Electron
 * security checklist, item 17), so an iframe, another webContents or a page that navigated away is
 * answered FORBIDDEN_SENDER. Names and inputs are then refused or parsed by the dispatcher, and every
 * answer is an envelope so the error code survives IPC (Electron keeps only `message` of a throw).
 */
export function installIpcHost(options: IpcHostOptions): Disposable {
  const { contents, dispatcher, allowedOrigin, logger } = options;

  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, name: unknown, input: unknown): Promise<Envelope<unknown>> => {
    const refusal = whyUntrustedSender(event, contents, allowedOrigin);
    if (refusal !== undefined) {
      logger.warn(
        { reason: refusal, url: event.senderFrame?.url, command: String(name).slice(0, 100) },
        'IPC call refused',
      );
      return Promise.resolve(
        failed(new AppError('FORBIDDEN_SENDER', `IPC call refused: ${refusal}`).toJSON()),
      );
    }
    return dispatcher.dispatch(name, input);
  });

  const subscription = options.onEvent((name, payload) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, { name, payload });
  });

  return {
    dispose() {
      ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
      subscription.dispose();
    },
  };
}

/** Why a call may not be served, or `undefined` when it comes from our window's main frame on our origin. */
export function whyUntrustedSender(
  event: IpcMainInvokeEvent,
  contents: WebContents,
  allowedOrigin: string,
): string | undefined {
  if (event.sender !== contents) return 'the sender is not the Fieldline window';
  const frame = event.senderFrame;
  if (frame === null) return 'the sending frame is gone';
  if (frame.parent !== null) return 'the sender is a subframe';
  if (!isSameOrigin(frame.url, allowedOrigin)) return 'the sender is not on the app origin';
  return undefined;
}
