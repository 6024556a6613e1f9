import type { MenuItemConstructorOptions } from 'electron';

/** The renderer's main views, by hash route (renderer/src/shell/views.ts), in navigation order. */
export const MENU_VIEWS = [
  { id: 'devices', label: 'Devices' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'firmware', label: 'Firmware' },
  { id: 'records', label: 'Records' },
  { id: 'station', label: 'Station' },
  { id: 'settings', label: 'Settings' },
] as const;
export type MenuViewId = (typeof MENU_VIEWS)[number]['id'];

/** What the app does for the menu's own items (fieldline-app.ts wires them to the window and runtime). */
export interface MenuActions {
  importBundle: () => void;
  showView: (viewId: MenuViewId) => void;
  openDataFolder: () => void;
}

export interface MenuContext {
  /** `app.isPackaged`: packaged builds get neither reload nor developer tools. */
  isPackaged: boolean;
  platform: NodeJS.Platform;
  actions: MenuActions;
}

/**
 * File / Edit / View / Window / Help. Standard items are Electron roles, so shortcuts and platform
 * wording are Electron's. View is spelled out rather than `role: 'viewMenu'`, because that role always
 * includes reload and "Toggle Developer Tools", which packaged builds must not offer: a reload would
 * drop what a technician was doing, and developer tools would open the renderer to anyone.
 */
export function applicationMenuTemplate({ isPackaged, platform, actions }: MenuContext): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const developerItems: MenuItemConstructorOptions[] = isPackaged
    ? []
    : [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  const viewItems: MenuItemConstructorOptions[] = MENU_VIEWS.map((view, index) => ({
    label: view.label,
    accelerator: `CmdOrCtrl+${index + 1}`,
    click: () => actions.showView(view.id),
  }));
  return [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import Bundle…', accelerator: 'CmdOrCtrl+O', click: () => actions.importBundle() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        ...viewItems,
        { type: 'separator' },
        ...developerItems,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Window',
      submenu: [
        { role: 'minimize' },
        { role: 'zoom' },
        ...(isMac ? [{ role: 'front' } as const] : [{ role: 'close' } as const]),
      ],
    },
    {
      label: 'Help',
      role: 'help',
      submenu: [
        { role: 'about', label: 'About Fieldline' },
        { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      ],
    },
  ];
}
