import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: string[];
  asarUnpack?: string[];
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[] };
  win?: { target?: string[] };
  mac?: { target?: string[] };
}

const config = parse(
  readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8'),
) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('names the product Fieldline with a reverse-DNS app id', () => {
    expect(config.productName).toBe('Fieldline');
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+){2,}$/);
  });

  it('builds AppImage and deb on Linux, an NSIS installer on Windows and a dmg on macOS', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
  });

  it('packages the bundles, the built renderer and package.json', () => {
    expect(config.files).toEqual(
      expect.arrayContaining(['dist/electron/**/*', 'renderer/dist/**/*', 'package.json']),
    );
  });

  it('keeps native modules outside the asar, where their .node files can be loaded', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/*.node',
        'node_modules/better-sqlite3/**/*',
        'node_modules/@serialport/bindings-cpp/**/*',
        'node_modules/usb/**/*',
      ]),
    );
  });

  // Each fuse is compared exactly: a fuse left out keeps Electron's permissive default and fails here.
  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['onlyLoadAppFromAsar', true],
    ['enableCookieEncryption', true],
    ['grantFileProtocolExtraPrivileges', false],
  ] as const)('sets the %s fuse to %s', (fuse, expected) => {
    expect(config.electronFuses?.[fuse]).toBe(expected);
  });
});
