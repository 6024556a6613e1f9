import type { MenuItemConstructorOptions } from 'electron';

export interface MenuContext {
  /** `app.isPackaged`: packaged builds get no developer tools entry. */
  isPackaged: boolean;
  platform: NodeJS.Platform;
}

/**
 * File / Edit / View / Window / Help, built from roles so that shortcuts and platform wording are
 * Electron's. View is spelled out rather than `role: 'viewMenu'`, because that role always includes
 * "Toggle Developer Tools", which packaged builds must not offer.
 */
export function applicationMenuTemplate({ isPackaged, platform }: MenuContext): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const developerItems: MenuItemConstructorOptions[] = isPackaged ? [] : [{ role: 'toggleDevTools' }];
  return [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { label: 'File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
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
        { role: 'reload' },
        ...developerItems,
        { type: 'separator' },
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
    { label: 'Help', role: 'help', submenu: [{ role: 'about', label: 'About Fieldline' }] },
  ];
}
