import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type Envelope } from '../../shared/contract';
import type { CommandHandlers } from '../core/command-handlers';
import { CoreEventBus } from '../core/event-bus';
import type { Logger } from '../core/ports/logger';
import { createDispatcher, type Dispatcher } from '../host/dispatcher';
import { APP_ORIGIN } from './app-origin';
import { installIpcHost } from './ipc-host';
import { FakeWebContents, FakeWebFrame, recorded, resetElectronStandIn } from './testing/electron-stand-in';

vi.mock('electron', () => import('./testing/electron-stand-in'));

const APP_INFO = {
  name: 'Fieldline',
  version: '1.0.0',
  stationId: 'st-1',
  dataDir: '/d',
  host: 'electron',
  platform: 'linux',
} as const;

function recordingLogger(): Logger & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  const logger = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ ...fields, message }),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

describe('the IPC host', () => {
  let window: FakeWebContents;
  let dispatch: MockInstance<Dispatcher['dispatch']>;
  let listEvents: ReturnType<typeof vi.fn>;
  let events: CoreEventBus;
  let logger: ReturnType<typeof recordingLogger>;

  beforeEach(() => {
    resetElectronStandIn();
    window = new FakeWebContents();
    listEvents = vi.fn(() => ({ events: [], nextBefore: null }));
    // Only the commands these tests call; the real dispatcher refuses names and parses inputs.
    const handlers = {
      'app:info': () => APP_INFO,
      'ledger:list-events': listEvents,
    } as unknown as CommandHandlers;
    const dispatcher = createDispatcher(handlers, recordingLogger());
    dispatch = vi.spyOn(dispatcher, 'dispatch');
    events = new CoreEventBus();
    logger = recordingLogger();
    installIpcHost({
      contents: window as unknown as WebContents,
      dispatcher,
      onEvent: (listener) => events.onEvent(listener),
      allowedOrigin: APP_ORIGIN,
      logger,
    });
  });

  /** Calls the handler the host registered, as Electron would for a message from `sender`/`frame`. */
  function invokeFrom(
    sender: FakeWebContents,
    frame: FakeWebFrame | null,
    name: unknown,
    input?: unknown,
  ): Promise<Envelope<unknown>> {
    const handler = recorded.ipcHandlers.get(IPC_INVOKE_CHANNEL);
    if (handler === undefined) throw new Error(`no handler on ${IPC_INVOKE_CHANNEL}`);
    const event = { sender, senderFrame: frame } as unknown as IpcMainInvokeEvent;
    return handler(event, name, input) as Promise<Envelope<unknown>>;
  }

  it('serves a call from the main frame of our window on our origin', async () => {
    await expect(invokeFrom(window, window.mainFrame, 'app:info')).resolves.toEqual({
      ok: true,
      value: APP_INFO,
    });
  });

  describe('refuses with FORBIDDEN_SENDER, without calling the dispatcher', () => {
    it('a main frame that shows a foreign origin', async () => {
      window.mainFrame.url = 'https://evil.example/';
      await expect(invokeFrom(window, window.mainFrame, 'app:info')).resolves.toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN_SENDER' },
      });
      expect(dispatch).not.toHaveBeenCalled();
      expect(logger.warnings).toEqual([
        expect.objectContaining({ url: 'https://evil.example/', command: 'app:info' }),
      ]);
    });

    it('a subframe, even on our own origin', async () => {
      const subframe = new FakeWebFrame('app://fieldline/index.html', window.mainFrame);
      await expect(invokeFrom(window, subframe, 'app:info')).resolves.toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN_SENDER' },
      });
      expect(dispatch).not.toHaveBeenCalled();
    });

    it('another webContents', async () => {
      const other = new FakeWebContents();
      await expect(invokeFrom(other, other.mainFrame, 'app:info')).resolves.toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN_SENDER' },
      });
      expect(dispatch).not.toHaveBeenCalled();
    });

    it('a frame that is already gone', async () => {
      await expect(invokeFrom(window, null, 'app:info')).resolves.toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN_SENDER' },
      });
      expect(dispatch).not.toHaveBeenCalled();
    });
  });

  it('answers UNKNOWN_COMMAND for a name outside the contract', async () => {
    await expect(
      invokeFrom(window, window.mainFrame, 'fs:read-file', { path: '/etc/passwd' }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_COMMAND' },
    });
  });

  it('answers INVALID_INPUT for input the contract rejects, without running the command', async () => {
    await expect(
      invokeFrom(window, window.mainFrame, 'ledger:list-events', { limit: 5000 }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(listEvents).not.toHaveBeenCalled();
  });

  it('forwards core events to the window as { name, payload }', () => {
    events.emit('ledger:changed', { eventCount: 3 });
    expect(window.sent).toEqual([
      { channel: IPC_EVENT_CHANNEL, args: [{ name: 'ledger:changed', payload: { eventCount: 3 } }] },
    ]);
  });

  it('sends nothing to a destroyed window', () => {
    window.isDestroyedNow = true;
    events.emit('ledger:changed', { eventCount: 3 });
    expect(window.sent).toEqual([]);
  });
});

describe('disposing the IPC host', () => {
  beforeEach(() => resetElectronStandIn());

  it('removes the handler and stops forwarding events', () => {
    const window = new FakeWebContents();
    const events = new CoreEventBus();
    const host = installIpcHost({
      contents: window as unknown as WebContents,
      dispatcher: createDispatcher({} as CommandHandlers, recordingLogger()),
      onEvent: (listener) => events.onEvent(listener),
      allowedOrigin: APP_ORIGIN,
      logger: recordingLogger(),
    });
    host.dispose();
    events.emit('ledger:changed', { eventCount: 1 });
    expect(recorded.ipcHandlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
    expect(window.sent).toEqual([]);
  });
});
