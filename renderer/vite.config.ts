import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The renderer bundle. Served from app://lantern/ in Electron and from loopback
 * http in the Chromium harness — so `base: './'` and no inline scripts (strict CSP:
 * Vite's modulepreload polyfill would be inline, hence off).
 */
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'chrome120',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
});
