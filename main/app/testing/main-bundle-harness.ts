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
/** Prints the outcome and ends; set once the quit has been asked for. */
let report: (() => void) | undefined;

class FakeApp extends EventEmitter {
  isPackaged = false;
  getPath = (): string => dataDir;
  getVersion = (): string => '0.0.0-harness';
  requestSingleInstanceLock = (): boolean => true;
  whenReady = (): Promise<void> => Promise.resolve();
  quit = (): void => {
    events.push('quit');
    // A little longer, to see anything the app would still do after quitting.
    setTimeout(() => report?.(), 100);
  };
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

  // Restoring and remembering the window's size and place (window-state.ts).
  setBounds(): void {}
  maximize(): void {}
  isMaximized(): boolean {
    return false;
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { x: 0, y: 0, width: 1280, height: 820 };
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
  shell: { openExternal: () => Promise.resolve(), openPath: () => Promise.resolve('') },
  screen: { getDisplayMatching: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }) },
  // A reversible stand-in for the OS keystore (the station seals its secrets with it).
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (text: string) => Buffer.from(text, 'utf8').map((byte) => byte ^ 0x5a),
    decryptString: (sealed: Buffer) => Buffer.from(sealed.map((byte) => byte ^ 0x5a)).toString('utf8'),
  },
  utilityProcess: {
    fork: () => {
      throw new Error('the boot test starts no flash job');
    },
  },
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
  report = () => {
    process.stdout.write(`${JSON.stringify({ events, appInfo, foreign, isQuitHeld })}\n`);
    process.exit(0);
  };
  app.emit('will-quit', { preventDefault: () => (isQuitHeld = true) });
  // The quit waits for the runtime to close, which takes longer on a busy machine; report anyway
  // (without 'quit', failing the test) if it never comes.
  setTimeout(() => report?.(), 10_000);
}

type ModuleLoad = (request: string, ...rest: unknown[]) => unknown;
const moduleWithLoad = Module as unknown as { _load: ModuleLoad };
const realLoad = moduleWithLoad._load;
moduleWithLoad._load = function load(this: unknown, request: string, ...rest: unknown[]) {
  return request === 'electron' ? fakeElectron : realLoad.call(this, request, ...rest);
};
process.argv = ['electron', '.', `--data-dir=${dataDir}`];
Module.createRequire(import.meta.url)(mainBundle);
