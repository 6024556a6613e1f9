import type { BrowserWindow, MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../shared/errors';
import { silentLogger } from '../core/ports/logger';
import type { Dispatcher } from '../host/dispatcher';
import { applicationMenuTemplate, MENU_VIEWS, type MenuActions } from './application-menu';
import { createMenuActions } from './menu-actions';
import { BrowserWindow as FakeWindow, behaviour, dialog, resetElectronStandIn, shell } from './testing/electron-stand-in';

vi.mock('electron', () => import('./testing/electron-stand-in'));

const noActions: MenuActions = { importBundle: vi.fn(), showView: vi.fn(), openDataFolder: vi.fn() };

function template(isPackaged: boolean, platform: NodeJS.Platform, actions = noActions): MenuItemConstructorOptions[] {
  return applicationMenuTemplate({ isPackaged, platform, actions });
}

function allItems(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? allItems(item.submenu) : [])]);
}

const allRoles = (items: MenuItemConstructorOptions[]): string[] => allItems(items).flatMap((item) => item.role ?? []);
const submenuOf = (items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] =>
  items.find((item) => item.label === label)?.submenu as MenuItemConstructorOptions[];
const click = (item: MenuItemConstructorOptions | undefined): void =>
  (item?.click as (() => void) | undefined)?.();

describe('the application menu', () => {
  beforeEach(() => resetElectronStandIn());

  it('has File, Edit, View, Window and Help', () => {
    expect(template(true, 'linux').map((item) => item.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
  });

  it('offers reload and developer tools only when running from source', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(allRoles(template(true, platform))).not.toContain('toggleDevTools');
      expect(allRoles(template(true, platform))).not.toContain('reload');
    }
    expect(allRoles(template(false, 'linux'))).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('does not use the View menu role, which always carries reload and developer tools', () => {
    expect(allRoles(template(true, 'linux'))).not.toContain('viewMenu');
  });

  it('lists every main view in View with Ctrl/Cmd+1…6, each showing its view', () => {
    const actions = { ...noActions, showView: vi.fn() };
    const views = submenuOf(template(true, 'linux', actions), 'View').filter((item) => item.accelerator !== undefined);
    expect(views.map((item) => [item.label, item.accelerator])).toEqual(MENU_VIEWS.map((view, index) => [view.label, `CmdOrCtrl+${index + 1}`]));
    click(views[3]);
    expect(actions.showView).toHaveBeenCalledExactlyOnceWith('records');
  });

  it('imports a bundle and quits from File; opens About and the data folder from Help', () => {
    const actions = { importBundle: vi.fn(), showView: vi.fn(), openDataFolder: vi.fn() };
    const menu = template(true, 'win32', actions);
    const file = submenuOf(menu, 'File');
    expect(file.map((item) => item.label ?? item.role ?? item.type)).toEqual(['Import Bundle…', 'separator', 'quit']);
    click(file[0]);
    expect(actions.importBundle).toHaveBeenCalledOnce();
    const help = submenuOf(menu, 'Help');
    expect(help.map((item) => item.role ?? item.label)).toEqual(['about', 'Open Data Folder']);
    click(help[1]);
    expect(actions.openDataFolder).toHaveBeenCalledOnce();
  });

  it('starts with the app menu on macOS, where File closes the window instead of quitting', () => {
    expect(template(true, 'darwin')[0]?.role).toBe('appMenu');
    expect(submenuOf(template(true, 'darwin'), 'File').map((item) => item.role)).toContain('close');
  });
});

describe('the menu actions', () => {
  let window: FakeWindow;
  let dispatcher: { dispatch: ReturnType<typeof vi.fn> };

  beforeEach(() => {
    resetElectronStandIn();
    window = new FakeWindow({});
    dispatcher = { dispatch: vi.fn(() => Promise.resolve({ ok: true, value: { outcome: 'imported' } })) };
  });

  const actions = (): MenuActions =>
    createMenuActions({ window: window as unknown as BrowserWindow, dispatcher: dispatcher as unknown as Dispatcher, dataDir: '/data/fieldline', logger: silentLogger });

  it('shows a view by its hash route in the app origin', () => {
    actions().showView('settings');
    expect(window.webContents.loadURL).toHaveBeenCalledExactlyOnceWith('app://fieldline/index.html#/settings');
    expect(window.loadURL).not.toHaveBeenCalled();
  });

  it('imports the chosen file through firmware:import by path, then shows the Firmware view', async () => {
    const { loadURL } = window.webContents;
    behaviour.openDialogPaths = ['/home/tech/sensor-1.5.0.bundle'];
    actions().importBundle();
    await vi.waitFor(() => expect(loadURL).toHaveBeenCalled());
    expect(dispatcher.dispatch).toHaveBeenCalledExactlyOnceWith('firmware:import', { path: '/home/tech/sensor-1.5.0.bundle' });
    expect(loadURL).toHaveBeenCalledWith('app://fieldline/index.html#/firmware');
    expect(dialog.showErrorBox).not.toHaveBeenCalled();
  });

  it('shows the error table entry when the import fails, and nothing when the dialog is cancelled', async () => {
    const failure = new AppError('NOT_FOUND', 'no such file').toJSON();
    dispatcher.dispatch.mockResolvedValueOnce({ ok: false, error: failure });
    behaviour.openDialogPaths = ['/gone.bundle'];
    actions().importBundle();
    await vi.waitFor(() => expect(dialog.showErrorBox).toHaveBeenCalledOnce());
    expect(String(dialog.showErrorBox.mock.calls[0]?.[1])).toContain('no such file');

    behaviour.openDialogPaths = [];
    actions().importBundle();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(dispatcher.dispatch).toHaveBeenCalledOnce();
  });

  it('opens the data folder in the file manager', () => {
    actions().openDataFolder();
    expect(shell.openPath).toHaveBeenCalledExactlyOnceWith('/data/fieldline');
  });
});
