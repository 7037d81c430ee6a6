import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  preloadPath: string;
  iconPath?: string;
  /** `app.isPackaged`: DevTools exist only in development builds. */
  isPackaged: boolean;
}

export const WINDOW_TITLE = 'Lantern 提灯';

/**
 * One place for every BrowserWindow security flag, written out explicitly (even
 * where Electron's default is already safe) so a future default change or a
 * careless edit shows up in window.test.ts rather than in production. The
 * renderer gets no Node, runs sandboxed and isolated, and reaches main only via
 * the one preload bridge. Window geometry suits a 1280×800 ward workstation.
 */
export function buildWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: WINDOW_TITLE,
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    backgroundColor: '#f7f5f0',
    // Shown on 'ready-to-show' so staff never see an empty white flash.
    show: false,
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: !input.isPackaged,
    },
  };
}
