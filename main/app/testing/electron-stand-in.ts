/**
 * A stand-in for the `electron` module, for tests: the Electron binary cannot be downloaded on our
 * build machines, and the module throws when imported without it. Tests install it with
 *   vi.mock('electron', () => import('./testing/electron-stand-in'));
 * and then run the real configuration code against it. It does nothing but record what that code
 * asked for (window options, handlers, hooks, exposed APIs) so the tests can assert on it and call it;
 * only `utilityProcess.fork` also does the work, in a real Node child (utility-process-stand-in.ts).
 */
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  ForkOptions,
  MenuItemConstructorOptions,
  Session,
} from 'electron';
import { vi } from 'vitest';
import { nodeUtilityProcess } from './utility-process-stand-in';

type AnyFunction = (...args: never[]) => unknown;
type PermissionRequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
type DevicePermissionHandler = Parameters<Session['setDevicePermissionHandler']>[0];
type HeadersReceivedListener = Parameters<Session['webRequest']['onHeadersReceived']>[0];
type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };
type IpcListener = (event: unknown, ...args: unknown[]) => unknown;

/** What a navigation-like event handler receives: the URL and a way to cancel. */
export interface FakeCancellableEvent {
  url: string;
  preventDefault: ReturnType<typeof vi.fn>;
}

export function cancellableEvent(url = ''): FakeCancellableEvent {
  return { url, preventDefault: vi.fn() };
}

export class FakeWebFrame {
  constructor(
    public url: string,
    public readonly parent: FakeWebFrame | null = null,
  ) {}
}

let nextWebContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly mainFrame = new FakeWebFrame('app://fieldline/index.html');
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: WindowOpenHandler | undefined;
  isDestroyedNow = false;
  /** Main-process navigations of this page (the menu's views); records only. */
  readonly loadURL = vi.fn((_url: string) => Promise.resolve());

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  isDestroyed(): boolean {
    return this.isDestroyedNow;
  }
}

export class BrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn((_url: string) =>
    behaviour.loadUrlError === undefined ? Promise.resolve() : Promise.reject(behaviour.loadUrlError),
  );
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  /** Where the window is (un-maximized), as setBounds left it; starts at the constructor's size. */
  bounds: { x: number; y: number; width: number; height: number };
  isMaximizedNow = false;
  readonly setBounds = vi.fn((bounds: { x: number; y: number; width: number; height: number }) => {
    this.bounds = { ...bounds };
  });
  readonly maximize = vi.fn(() => {
    this.isMaximizedNow = true;
  });

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    this.bounds = { x: 0, y: 0, width: options.width ?? 800, height: options.height ?? 600 };
    recorded.windows.push(this);
    // As in Electron, a new window's webContents is announced to the app.
    app.emit('web-contents-created', {}, this.webContents);
  }

  static getAllWindows(): BrowserWindow[] {
    return [...recorded.windows];
  }

  isDestroyed(): boolean {
    return false;
  }

  isMinimized(): boolean {
    return false;
  }

  isMaximized(): boolean {
    return this.isMaximizedNow;
  }

  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds };
  }
}

export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;
  devicePermissionHandler: DevicePermissionHandler | undefined;
  headersReceivedListener: HeadersReceivedListener | undefined;

  readonly webRequest = {
    onHeadersReceived: (listener: HeadersReceivedListener): void => {
      this.headersReceivedListener = listener;
    },
  };

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }

  setDevicePermissionHandler(handler: DevicePermissionHandler): void {
    this.devicePermissionHandler = handler;
  }
}

type Rect = { x: number; y: number; width: number; height: number };

/** How the stand-in answers, where a test needs Electron to fail. */
export const behaviour = {
  /** When set, `BrowserWindow.loadURL` rejects with it (as Electron does when a load fails). */
  loadUrlError: undefined as Error | undefined,
  /** The displays' work areas, for `screen.getDisplayMatching`; default one 1920×1040 display. */
  workAreas: [{ x: 0, y: 0, width: 1920, height: 1040 }] as Rect[],
  /** What `dialog.showOpenDialog` answers. */
  openDialogPaths: [] as string[],
};

function overlap(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return Math.max(0, width) * Math.max(0, height);
}

/** As Electron: the display that overlaps the rectangle most, else the first (the primary). */
export const screen = {
  getDisplayMatching: vi.fn((rect: Rect) => {
    const areas = behaviour.workAreas;
    const best = areas.reduce((found, area) => (overlap(rect, area) > overlap(rect, found) ? area : found), areas[0]!);
    return { workArea: best, bounds: best };
  }),
};

/** Everything the code under test asked Electron for, since the last `resetElectronStandIn()`. */
export const recorded = {
  windows: [] as BrowserWindow[],
  ipcHandlers: new Map<string, IpcListener>(),
  rendererListeners: new Map<string, IpcListener[]>(),
  exposedInMainWorld: new Map<string, unknown>(),
  privilegedSchemes: [] as CustomScheme[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  menuTemplates: [] as MenuItemConstructorOptions[][],
};

export const ipcMain = {
  handle(channel: string, listener: IpcListener): void {
    // Electron refuses a second handler on a channel; so does the stand-in.
    if (recorded.ipcHandlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    recorded.ipcHandlers.set(channel, listener);
  },
  removeHandler(channel: string): void {
    recorded.ipcHandlers.delete(channel);
  },
};

export const ipcRenderer = {
  invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(() =>
    Promise.resolve({ ok: true, value: null }),
  ),
  on(channel: string, listener: IpcListener): void {
    recorded.rendererListeners.set(channel, [...(recorded.rendererListeners.get(channel) ?? []), listener]);
  },
};

/** Delivers a message from the main process to the preload's listeners on `channel`. */
export function sendToRenderer(channel: string, message: unknown): void {
  for (const listener of recorded.rendererListeners.get(channel) ?? [])
    listener({ sender: ipcRenderer }, message);
}

export const contextBridge = {
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    recorded.exposedInMainWorld.set(key, api);
  }),
};

export const session = { defaultSession: new FakeSession() };

export const shell = {
  openExternal: vi.fn((_url: string) => Promise.resolve()),
  openPath: vi.fn((_path: string) => Promise.resolve('')),
};

export const protocol = {
  registerSchemesAsPrivileged: vi.fn((schemes: CustomScheme[]) => {
    recorded.privilegedSchemes.push(...schemes);
  }),
  handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
    recorded.protocolHandlers.set(scheme, handler);
  }),
};

export const Menu = {
  buildFromTemplate: vi.fn((template: MenuItemConstructorOptions[]) => {
    recorded.menuTemplates.push(template);
    return { template };
  }),
  setApplicationMenu: vi.fn(),
};

export const dialog = {
  showErrorBox: vi.fn(),
  showOpenDialog: vi.fn((..._args: unknown[]) =>
    Promise.resolve({ canceled: behaviour.openDialogPaths.length === 0, filePaths: [...behaviour.openDialogPaths] }),
  ),
};

/**
 * Records each fork and really runs the module in a Node child with a `process.parentPort`
 * (utility-process-stand-in.ts); a test that forks ends the child it started.
 */
export const utilityProcess = {
  fork: vi.fn((modulePath: string, args?: string[], options?: ForkOptions) =>
    nodeUtilityProcess.fork(modulePath, args, options),
  ),
};

/**
 * The OS keystore, as Electron's safeStorage presents it: a reversible stand-in (the "OS" holds a
 * fixed XOR key) reporting the Linux keyring backend, so the vault the shell builds accepts it.
 */
export const safeStorage = {
  isEncryptionAvailable: vi.fn(() => true),
  getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
  encryptString: vi.fn((text: string) => Buffer.from(text, 'utf8').map((byte) => byte ^ 0x5a)),
  decryptString: vi.fn((sealed: Buffer) => Buffer.from(sealed.map((byte) => byte ^ 0x5a)).toString('utf8')),
};

class FakeApp extends EventEmitter {
  isPackaged = false;
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly getPath = vi.fn((_name: string) => '/tmp/fieldline-stand-in/user-data');
  readonly getVersion = vi.fn(() => '0.0.0-test');
  readonly quit = vi.fn();
  readonly exit = vi.fn();
}

export const app = new FakeApp();

/** Forgets everything recorded and every listener registered, for a fresh start in `beforeEach`. */
export function resetElectronStandIn(): void {
  recorded.windows.length = 0;
  recorded.ipcHandlers.clear();
  recorded.rendererListeners.clear();
  recorded.exposedInMainWorld.clear();
  recorded.privilegedSchemes.length = 0;
  recorded.protocolHandlers.clear();
  recorded.menuTemplates.length = 0;
  session.defaultSession = new FakeSession();
  app.removeAllListeners();
  app.isPackaged = false;
  behaviour.loadUrlError = undefined;
  behaviour.workAreas = [{ x: 0, y: 0, width: 1920, height: 1040 }];
  behaviour.openDialogPaths = [];
  vi.clearAllMocks();
}

/** Calls a recorded function with arguments the test builds by hand (fakes standing in for Electron's objects). */
export function callWith<F extends AnyFunction>(fn: F | null | undefined, ...args: unknown[]): ReturnType<F> {
  if (fn === undefined || fn === null) throw new Error('the code under test did not register this handler');
  return (fn as unknown as (...args: unknown[]) => ReturnType<F>)(...args);
}
