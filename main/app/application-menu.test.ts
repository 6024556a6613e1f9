import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate } from './application-menu';

function allRoles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role === undefined ? [] : [item.role]),
    ...(Array.isArray(item.submenu) ? allRoles(item.submenu) : []),
  ]);
}

describe('the application menu', () => {
  it('has File, Edit, View, Window and Help', () => {
    const labels = applicationMenuTemplate({ isPackaged: true, platform: 'linux' }).map((item) => item.label);
    expect(labels).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
  });

  it('offers no developer tools in a packaged build', () => {
    expect(allRoles(applicationMenuTemplate({ isPackaged: true, platform: 'linux' }))).not.toContain(
      'toggleDevTools',
    );
    expect(allRoles(applicationMenuTemplate({ isPackaged: true, platform: 'darwin' }))).not.toContain(
      'toggleDevTools',
    );
  });

  it('offers developer tools when running from source', () => {
    expect(allRoles(applicationMenuTemplate({ isPackaged: false, platform: 'linux' }))).toContain(
      'toggleDevTools',
    );
  });

  it('does not use the View menu role, which always carries developer tools', () => {
    expect(allRoles(applicationMenuTemplate({ isPackaged: true, platform: 'linux' }))).not.toContain(
      'viewMenu',
    );
  });

  it('starts with the app menu on macOS, and quits from File elsewhere', () => {
    expect(applicationMenuTemplate({ isPackaged: true, platform: 'darwin' })[0]?.role).toBe('appMenu');
    expect(allRoles(applicationMenuTemplate({ isPackaged: true, platform: 'win32' }))).toContain('quit');
  });
});
