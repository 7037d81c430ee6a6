import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import rendererConfig from './renderer/vite.config';

/**
 * One build for the three Electron targets (`electron-vite build` → out/).
 * - main: ESM (package.json "type": "module"), dependencies stay external and are
 *   loaded from node_modules (better-sqlite3 gets its Electron-ABI binary via
 *   LANTERN_NATIVE_BINDING / resources/native, see scripts/electron-native.mjs).
 * - preload: a single self-contained CommonJS file — sandboxed preloads can neither
 *   be ES modules nor require() anything but 'electron'.
 * - renderer: the React app, served to the window from app://lantern/ — the very
 *   settings of renderer/vite.config.ts (also used by the Chromium e2e harness),
 *   so the app and the tests run the same bundle.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: true,
      sourcemap: true,
      rollupOptions: {
        input: { index: resolve(root, 'electron/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      rollupOptions: {
        ...rendererConfig.build?.rollupOptions,
        input: resolve(root, 'renderer/index.html'),
      },
    },
  },
});
