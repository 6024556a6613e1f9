/**
 * Boots the bundled dist/electron/main.cjs under plain Node with a minimal fake `electron`, for
 * electron-bundles.test.ts: it proves the artifact itself starts (externals resolve, the
 * `import.meta.url` shim works, the real runtime opens the data folder), answers over the IPC handler
 * it registers, and closes the runtime when asked to quit.
 * Usage: node --import tsx main-bundle-harness.ts MAIN_CJS DATA_DIR   (prints one JSON line)
 */
import { EventEmitter } from 'node:events';
import Module from 'node:module';

const [mainBundle = '', dataDir = ''] = process.argv.slice(2);
const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
const events: string[] = [];

class FakeApp extends EventEmitter {
  isPackaged = false;
  getPath = (): string => dataDir;
  getVersion = (): string => '0.0.0-harness';
  requestSingleInstanceLock = (): boolean => true;
  whenReady = (): Promise<void> => Promise.resolve();
  quit = (): void => void events.push('quit');
  exit = (code: number): void => void events.push(`exit ${code}`);
}
const app = new FakeApp();

class FakeBrowserWindow extends EventEmitter {
  readonly webContents = Object.assign(new EventEmitter(), {
    mainFrame: { url: 'app://fieldline/index.html', parent: null },
    send: () => undefined,
    isDestroyed: () => false,
    setWindowOpenHandler: () => undefined,
  });

  constructor() {
    super();
    app.emit('web-contents-created', {}, this.webContents);
  }

  loadURL(url: string): Promise<void> {
    events.push(`loadURL ${url}`);
    setTimeout(() => void exercise(this), 0);
    return Promise.resolve();
  }

  isDestroyed(): boolean {
    return false;
  }
}

const fakeElectron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  session: {
    defaultSession: {
      setPermissionRequestHandler: () => undefined,
      setPermissionCheckHandler: () => undefined,
      setDevicePermissionHandler: () => undefined,
      webRequest: { onHeadersReceived: () => undefined },
    },
  },
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) =>
      ipcHandlers.set(channel, handler),
    removeHandler: (channel: string) => ipcHandlers.delete(channel),
  },
  protocol: { registerSchemesAsPrivileged: () => undefined, handle: () => undefined },
  Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: () => undefined },
  dialog: { showErrorBox: (title: string, text: string) => void events.push(`dialog ${title}: ${text}`) },
  shell: { openExternal: () => Promise.resolve() },
};

async function exercise(window: FakeBrowserWindow): Promise<void> {
  const invoke = ipcHandlers.get('fieldline:invoke');
  const fromWindow = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
  const fromElsewhere = {
    sender: window.webContents,
    senderFrame: { url: 'https://evil.example/', parent: null },
  };
  const appInfo = await invoke?.(fromWindow, 'app:info', undefined);
  const foreign = await invoke?.(fromElsewhere, 'app:info', undefined);
  let isQuitHeld = false;
  app.emit('will-quit', { preventDefault: () => (isQuitHeld = true) });
  setTimeout(() => {
    process.stdout.write(`${JSON.stringify({ events, appInfo, foreign, isQuitHeld })}\n`);
    process.exit(0);
  }, 200);
}

type ModuleLoad = (request: string, ...rest: unknown[]) => unknown;
const moduleWithLoad = Module as unknown as { _load: ModuleLoad };
const realLoad = moduleWithLoad._load;
moduleWithLoad._load = function load(this: unknown, request: string, ...rest: unknown[]) {
  return request === 'electron' ? fakeElectron : realLoad.call(this, request, ...rest);
};
process.argv = ['electron', '.', `--data-dir=${dataDir}`];
Module.createRequire(import.meta.url)(mainBundle);
