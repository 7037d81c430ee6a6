/**
 * Sandboxed preload (built as CommonJS: out/preload/index.cjs — sandboxed preloads
 * cannot be ES modules). Exposes exactly `window.lantern.invoke`; see bridge.ts.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { INVOKE_CHANNEL } from '../../shared/contract/bridge';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'lantern',
  createBridge((method, input) => ipcRenderer.invoke(INVOKE_CHANNEL, method, input)),
);
