import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';

/**
 * The options of every Fieldline window (Electron security checklist, items 2–4, 6, 8 and 12).
 * Each value is spelled out even where it equals Electron's default, so that a changed default or
 * an accidental edit shows up in main-window.test.ts instead of in production.
 */
export function hardenedWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    title: 'Fieldline',
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      preload: preloadPath,
      // The preload runs in its own JavaScript world; the page reaches it only through contextBridge.
      contextIsolation: true,
      // The renderer (and the preload) run in Chromium's OS-level sandbox, without Node.
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    },
  };
}

/** Creates the main window; it loads nothing yet, so that the IPC host can be attached first. */
export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow(hardenedWindowOptions(preloadPath));
  window.once('ready-to-show', () => window.show());
  return window;
}
