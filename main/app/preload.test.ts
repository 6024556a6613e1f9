import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { createPreloadBridge } from './preload-bridge';
import type * as ElectronStandIn from './testing/electron-stand-in';

vi.mock('electron', () => import('./testing/electron-stand-in'));

interface ExposedBridge {
  invoke(name: unknown, input?: unknown): Promise<unknown>;
  on(name: unknown, listener: (payload: unknown) => void): () => void;
}

/**
 * Runs the real preload entry (afresh: it acts when imported) against the stand-in and returns what
 * it exposed as `window.bridge`, with the stand-in it talked to (the mocked `electron`, which module
 * resets keep).
 */
async function loadPreload() {
  const electron = (await import('electron')) as unknown as typeof ElectronStandIn;
  electron.resetElectronStandIn();
  vi.resetModules();
  await import('./preload');
  return { bridge: electron.recorded.exposedInMainWorld.get('bridge') as ExposedBridge, electron };
}

describe('the preload', () => {
  it('exposes exactly one object, window.bridge, with invoke and on', async () => {
    const { bridge, electron } = await loadPreload();
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    expect([...electron.recorded.exposedInMainWorld.keys()]).toEqual(['bridge']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
  });

  it('sends a contract command over the invoke channel and resolves with the value', async () => {
    const { bridge, electron } = await loadPreload();
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { devices: [] } });
    await expect(bridge.invoke('devices:list')).resolves.toEqual({ devices: [] });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(
      IPC_INVOKE_CHANNEL,
      'devices:list',
      undefined,
    );
  });

  it.each(['fs:read-file', '__proto__', 'constructor', 42])(
    'refuses the unknown command %s without sending it',
    async (name) => {
      const { bridge, electron } = await loadPreload();
      await expect(bridge.invoke(name)).rejects.toMatchObject({ code: 'UNKNOWN_COMMAND' });
      expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
    },
  );

  it('rejects with the code of an error envelope, in a form that survives contextBridge', async () => {
    const { bridge, electron } = await loadPreload();
    electron.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no such device', details: { id: 'x' } },
    });
    const rejection: unknown = await bridge
      .invoke('ledger:device-history', { deviceId: 'x' })
      .catch((error: unknown) => error);
    // contextBridge keeps only `message` of an Error (as structuredClone drops own properties);
    // the plain wire form keeps the code and details.
    expect(structuredClone(rejection)).toEqual({
      code: 'NOT_FOUND',
      message: 'no such device',
      details: { id: 'x' },
    });
    expect(structuredClone(new AppError('NOT_FOUND', 'no such device'))).not.toHaveProperty('code');
  });

  it('refuses to subscribe to an event outside the contract', async () => {
    const { bridge } = await loadPreload();
    expect(() => bridge.on('fs:changed', () => undefined)).toThrow(/not an event of the contract/);
  });

  it('delivers only the payload of contract events to their listeners, until unsubscribed', async () => {
    const { bridge, electron } = await loadPreload();
    const onLedger = vi.fn();
    const onSync = vi.fn();
    const unsubscribe = bridge.on('ledger:changed', onLedger);
    bridge.on('sync:status-changed', onSync);

    electron.sendToRenderer(IPC_EVENT_CHANNEL, { name: 'ledger:changed', payload: { eventCount: 2 } });
    unsubscribe();
    electron.sendToRenderer(IPC_EVENT_CHANNEL, { name: 'ledger:changed', payload: { eventCount: 3 } });

    expect(onLedger.mock.calls).toEqual([[{ eventCount: 2 }]]);
    expect(onSync).not.toHaveBeenCalled();
  });
});

describe('createPreloadBridge', () => {
  function bridgeAnswering(answer: unknown) {
    const ipc = { invoke: vi.fn(() => Promise.resolve(answer)), on: vi.fn() };
    return { ipc, bridge: createPreloadBridge(ipc) };
  }

  it('unwraps an error envelope into an AppError with the same code and details', async () => {
    const { bridge } = bridgeAnswering({
      ok: false,
      error: { code: 'LEDGER_LOCKED', message: 'busy', details: { retryMs: 50 } },
    });
    const error: unknown = await bridge.invoke('sync:status').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'LEDGER_LOCKED', message: 'busy', details: { retryMs: 50 } });
  });

  it('rejects an unknown command with an UNKNOWN_COMMAND AppError', async () => {
    const { bridge, ipc } = bridgeAnswering({ ok: true, value: null });
    const error: unknown = await (bridge.invoke as (name: string) => Promise<unknown>)('nope:nothing').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNKNOWN_COMMAND' });
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('rejects an answer that is not an envelope as INTERNAL', async () => {
    const { bridge } = bridgeAnswering('not an envelope');
    await expect(bridge.invoke('sync:status')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
