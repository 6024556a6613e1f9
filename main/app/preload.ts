/**
 * The preload of the Fieldline window. It runs sandboxed, where `require` knows only a few modules,
 * so scripts/build-electron.mjs bundles it (with shared/contract and zod) into one CommonJS file with
 * `electron` as its only import. It exposes exactly one object, `window.bridge`.
 */
import './zod-without-eval';
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge, exposableBridge } from './preload-bridge';

contextBridge.exposeInMainWorld('bridge', exposableBridge(createPreloadBridge(ipcRenderer)));
