// Lint rules for the whole repository. The import zones below are the architecture's
// dependency rules (architecture.md, "Layout"); a rule that only lives in a README decays.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

const zones = [
  { target: './renderer', from: './main', message: 'The renderer reaches the core only through the contract (renderer/bridge).' },
  { target: './shared', from: './main', message: 'shared/ is imported by main and renderer; it may not import them.' },
  { target: './shared', from: './renderer', message: 'shared/ is imported by main and renderer; it may not import them.' },
  { target: './main/core', from: './main/adapters', message: 'The core sees the outside world only through main/core/ports.' },
  { target: './main/core', from: './main/app', message: 'The core never depends on the Electron shell.' },
  { target: './main/core', from: './main/host', message: 'The core never depends on a transport.' },
];

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', 'release/**', '.tsbuild/**', 'renderer/dist/**', 'bench/results/**', 'test-results/**', 'e2e/artifacts/**', 'fleet-server/dist/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'bin/*.mjs', 'scripts/*.mjs', 'bench/*.mjs', 'e2e/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['main/tsconfig.json', 'renderer/tsconfig.json', 'shared/tsconfig.json', 'e2e/tsconfig.json'] })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // The core may not import electron or any native or I/O library; those live in main/adapters.
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron', 'better-sqlite3', 'serialport', 'usb', 'bonjour-service', 'ws'], patterns: ['@serialport/*'] }],
    },
  },
  {
    // Integration tests of the core compose it with real adapters (SQLite in a temp folder, the device
    // lab): the zone rule protects the core's code, not its tests.
    files: ['main/core/**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: zones.filter((zone) => zone.from !== './main/adapters') }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Only main/app may import electron.
    files: ['main/adapters/**/*.ts', 'main/host/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    files: ['shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['node:*'] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Command-line entry points, scripts and tests print to the terminal on purpose.
    files: ['bin/**', 'scripts/**', 'bench/**', 'e2e/**', '**/*.test.ts', '**/*.test.tsx', 'main/host/cli/**', 'fleet-server/bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
