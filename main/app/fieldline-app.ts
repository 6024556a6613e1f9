import path from 'node:path';
import { app, BrowserWindow, dialog, Menu, safeStorage, screen, session, utilityProcess } from 'electron';
import { presentError, toAppError } from '../../shared/errors';
import type { Logger } from '../core/ports/logger';
import { SafeStorageKeyVault } from '../adapters/key-vault/safe-storage-key-vault';
import { openStationRuntime, type StationRuntime } from '../host/runtime';
import { APP_ENTRY_URL, APP_ORIGIN } from './app-origin';
import { applicationMenuTemplate } from './application-menu';
import { installIpcHost } from './ipc-host';
import { createMainWindow } from './main-window';
import { createMenuActions } from './menu-actions';
import { applyWindowState, rememberWindowState } from './remember-window-state';
import { registerAppScheme, serveRenderer } from './renderer-protocol';
import { applySessionHardening } from './session-hardening';
import { guardEveryWebContents } from './web-contents-guard';
import { restoreWindowState, windowStatePath } from './window-state';
import { FLASH_PROCESS_BUNDLE, utilityFlashProcessSpawner } from './utility-flash-process';

export interface FieldlineAppOptions {
  /** The folder of the bundled main.cjs: preload.cjs lies beside it, renderer/dist two levels up. */
  bundleDir: string;
  dataDir: string;
  logger: Logger;
}

/** The app's lifecycle: one instance, hardening before any page exists, the runtime closed on quit. */
export function runFieldlineApp(options: FieldlineAppOptions): void {
  registerAppScheme();
  if (!app.requestSingleInstanceLock()) {
    // The running instance owns the ledger and the device ports; it is focused instead ('second-instance').
    app.quit();
    return;
  }
  guardEveryWebContents(app, APP_ORIGIN, options.logger);
  app.on('second-instance', () => {
    const [mainWindow] = BrowserWindow.getAllWindows();
    if (mainWindow === undefined) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // Quit with the last window on macOS too: the runtime holds the ledger and the device ports, which
  // must not stay locked by an app that shows no window.
  app.on('window-all-closed', () => app.quit());
  app
    .whenReady()
    .then(() => openMainWindow(options))
    .catch((error: unknown) => failStartup(error, options.logger));
}

async function openMainWindow({ bundleDir, dataDir, logger }: FieldlineAppOptions): Promise<void> {
  applySessionHardening(session.defaultSession, logger);
  serveRenderer(path.resolve(bundleDir, '..', '..', 'renderer', 'dist'), logger);

  const runtime = await openStationRuntime({
    dataDir,
    host: 'electron',
    version: app.getVersion(),
    logger,
    // The station's secrets (TLS key, sealed CA key, retirement key) are sealed by the OS keystore; where
    // it would fall back to plain text (Linux basic_text) the vault refuses and says why.
    keyVault: new SafeStorageKeyVault(safeStorage),
    // Flash jobs run in utility processes: the run-as-node fuse forbids child_process.fork here.
    spawnFlashProcess: utilityFlashProcessSpawner(utilityProcess, path.join(bundleDir, FLASH_PROCESS_BUNDLE)),
  });
  closeRuntimeBeforeQuit(runtime, logger);
  try {
    const window = createMainWindow(path.join(bundleDir, 'preload.cjs'));
    const statePath = windowStatePath(dataDir);
    applyWindowState(window, restoreWindowState(statePath, screen, logger));
    rememberWindowState(window, statePath, logger);
    const actions = createMenuActions({ window, dispatcher: runtime.dispatcher, dataDir, logger });
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(applicationMenuTemplate({ isPackaged: app.isPackaged, platform: process.platform, actions })),
    );
    const ipcHost = installIpcHost({
      contents: window.webContents,
      dispatcher: runtime.dispatcher,
      onEvent: (listener) => runtime.onEvent(listener),
      allowedOrigin: APP_ORIGIN,
      logger,
    });
    window.on('closed', () => ipcHost.dispose());
    await window.loadURL(APP_ENTRY_URL);
  } catch (error: unknown) {
    // A failed start exits without 'will-quit', so the ledger is closed here.
    await runtime.close();
    throw error;
  }
}

/** Holds the quit until the runtime has closed the ledger, so its last writes are on disk. */
function closeRuntimeBeforeQuit(runtime: StationRuntime, logger: Logger): void {
  let closing: Promise<void> | undefined;
  let isClosed = false;
  app.on('will-quit', (event) => {
    if (isClosed) return;
    event.preventDefault();
    closing ??= runtime
      .close()
      .catch((error: unknown) => logger.error({ err: error }, 'closing the station runtime failed'))
      .finally(() => {
        isClosed = true;
        app.quit();
      });
  });
}

/** A failed start shows the error table's title and action for its code, then exits with 1. */
function failStartup(error: unknown, logger: Logger): void {
  const appError = toAppError(error);
  logger.error({ err: error, code: appError.code }, 'Fieldline could not start');
  const { title, action } = presentError(appError.code);
  dialog.showErrorBox(title, `${action}\n\n${appError.message}`);
  app.exit(1);
}
