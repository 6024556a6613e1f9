import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { silentLogger } from '../core/ports/logger';
import { openStationRuntime, type StationRuntime } from '../host/runtime';
import { APP_ENTRY_URL } from './app-origin';
import { runFieldlineApp } from './fieldline-app';
import {
  app,
  behaviour,
  cancellableEvent,
  dialog,
  Menu,
  protocol,
  recorded,
  resetElectronStandIn,
  session,
  safeStorage,
  utilityProcess,
} from './testing/electron-stand-in';

vi.mock('electron', () => import('./testing/electron-stand-in'));
vi.mock('../host/runtime', () => ({ openStationRuntime: vi.fn() }));

const BUNDLE_DIR = path.join('/opt', 'fieldline', 'dist', 'electron');
const DATA_DIR = path.join('/srv', 'fieldline-data');

function fakeRuntime() {
  return {
    dispatcher: { dispatch: vi.fn() },
    onEvent: vi.fn(() => ({ dispose: vi.fn() })),
    close: vi.fn(() => Promise.resolve()),
  };
}

describe('the Fieldline app lifecycle', () => {
  let runtime: ReturnType<typeof fakeRuntime>;

  beforeEach(() => {
    resetElectronStandIn();
    runtime = fakeRuntime();
    vi.mocked(openStationRuntime).mockResolvedValue(runtime as unknown as StationRuntime);
  });

  async function startAndWaitForWindow() {
    runFieldlineApp({ bundleDir: BUNDLE_DIR, dataDir: DATA_DIR, logger: silentLogger });
    await vi.waitFor(() => expect(recorded.windows[0]?.loadURL).toHaveBeenCalled());
    const window = recorded.windows[0];
    if (window === undefined) throw new Error('no window');
    return window;
  }

  it('grants the app:// scheme its privileges before the app is ready, as Electron requires', async () => {
    await startAndWaitForWindow();
    const [registered] = protocol.registerSchemesAsPrivileged.mock.invocationCallOrder;
    const [ready] = app.whenReady.mock.invocationCallOrder;
    expect(registered).toBeLessThan(ready ?? 0);
  });

  it('opens the runtime on the resolved data folder as the electron host', async () => {
    await startAndWaitForWindow();
    expect(openStationRuntime).toHaveBeenCalledWith(
      expect.objectContaining({ dataDir: DATA_DIR, host: 'electron', version: '0.0.0-test' }),
    );
  });

  it('hardens the session, serves the renderer and sets the menu before the window loads', async () => {
    const window = await startAndWaitForWindow();
    expect(session.defaultSession.permissionRequestHandler).toBeDefined();
    expect(session.defaultSession.headersReceivedListener).toBeDefined();
    expect(recorded.protocolHandlers.has('app')).toBe(true);
    expect(Menu.setApplicationMenu).toHaveBeenCalledOnce();
    expect(Menu.setApplicationMenu.mock.invocationCallOrder[0]).toBeLessThan(
      window.loadURL.mock.invocationCallOrder[0] ?? 0,
    );
  });

  it('creates the hardened window with the bundled preload, attaches the IPC host, then loads app://fieldline', async () => {
    const window = await startAndWaitForWindow();
    expect(window.options.webPreferences).toMatchObject({
      preload: path.join(BUNDLE_DIR, 'preload.cjs'),
      sandbox: true,
      contextIsolation: true,
    });
    expect(recorded.ipcHandlers.has(IPC_INVOKE_CHANNEL)).toBe(true);
    expect(window.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL);
  });

  it("guards the window's webContents against navigating away", async () => {
    const window = await startAndWaitForWindow();
    const navigation = cancellableEvent('https://evil.example/');
    window.webContents.emit('will-navigate', navigation);
    expect(navigation.preventDefault).toHaveBeenCalled();
  });

  it('holds the quit until the runtime is closed, then quits', async () => {
    await startAndWaitForWindow();
    const firstQuit = cancellableEvent();
    app.emit('will-quit', firstQuit);
    expect(firstQuit.preventDefault).toHaveBeenCalled();
    expect(runtime.close).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());

    const secondQuit = cancellableEvent();
    app.emit('will-quit', secondQuit);
    expect(secondQuit.preventDefault).not.toHaveBeenCalled();
    expect(runtime.close).toHaveBeenCalledOnce();
  });

  it('seals the station’s secrets with the OS keystore, not the headless key file', async () => {
    await startAndWaitForWindow();
    const keyVault = vi.mocked(openStationRuntime).mock.calls[0]?.[0].keyVault;
    if (keyVault === undefined) throw new Error('the shell did not pass a key vault');
    const sealed = await keyVault.seal(new TextEncoder().encode('station TLS key'));
    expect(safeStorage.encryptString).toHaveBeenCalled();
    expect(Buffer.from(sealed).includes(Buffer.from('station TLS key'))).toBe(false);
    expect(new TextDecoder().decode(await keyVault.open(sealed))).toBe('station TLS key');
  });

  it('runs flash jobs in utility processes forked from the bundled flash-process.cjs, not with fork', async () => {
    await startAndWaitForWindow();
    const spawnFlashProcess = vi.mocked(openStationRuntime).mock.calls[0]?.[0].spawnFlashProcess;
    if (spawnFlashProcess === undefined) throw new Error('the shell did not pass a flash process spawner');
    expect(utilityProcess.fork).not.toHaveBeenCalled();
    const handle = spawnFlashProcess();
    const exited = new Promise<{ code: number | null }>((resolve) => handle.onExit(resolve));
    expect(utilityProcess.fork).toHaveBeenCalledExactlyOnceWith(
      path.join(BUNDLE_DIR, 'flash-process.cjs'),
      [],
      {
        serviceName: 'Fieldline flash',
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    // The stand-in really starts it: under /opt there is no such bundle here, so the child ends at once.
    expect((await exited).code).not.toBe(0);
  });

  it('quits when its window is closed, on every platform', async () => {
    await startAndWaitForWindow();
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalled();
  });

  it('leaves a second instance to the first one, which gets focused', async () => {
    const window = await startAndWaitForWindow();
    app.emit('second-instance');
    expect(window.focus).toHaveBeenCalled();

    resetElectronStandIn();
    app.requestSingleInstanceLock.mockReturnValueOnce(false);
    runFieldlineApp({ bundleDir: BUNDLE_DIR, dataDir: DATA_DIR, logger: silentLogger });
    expect(app.quit).toHaveBeenCalled();
    expect(app.whenReady).not.toHaveBeenCalled();
  });

  it('closes the runtime and exits with 1 when the window cannot load', async () => {
    behaviour.loadUrlError = new Error('ERR_FAILED (-2) loading app://fieldline/index.html');
    runFieldlineApp({ bundleDir: BUNDLE_DIR, dataDir: DATA_DIR, logger: silentLogger });
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(1));
    expect(runtime.close).toHaveBeenCalledOnce();
    expect(dialog.showErrorBox).toHaveBeenCalledWith(
      expect.any(String),
      expect.stringContaining('ERR_FAILED'),
    );
  });

  it('detaches the IPC host when the window closes', async () => {
    const window = await startAndWaitForWindow();
    window.emit('closed');
    expect(recorded.ipcHandlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
  });

  it('shows what to do and exits with 1 when the runtime cannot open', async () => {
    vi.mocked(openStationRuntime).mockRejectedValueOnce(
      new AppError('DATA_DIR_UNUSABLE', `cannot create the data folder ${DATA_DIR}`),
    );
    runFieldlineApp({ bundleDir: BUNDLE_DIR, dataDir: DATA_DIR, logger: silentLogger });
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(1));
    expect(dialog.showErrorBox).toHaveBeenCalledWith(
      'The data folder cannot be used',
      expect.stringContaining(DATA_DIR),
    );
    expect(recorded.windows).toHaveLength(0);
  });
});
