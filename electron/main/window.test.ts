import { describe, expect, it } from 'vitest';
import { buildWindowOptions, WINDOW_TITLE } from './window';

describe('BrowserWindow options', () => {
  const packaged = buildWindowOptions({ preloadPath: '/app/out/preload/index.cjs', isPackaged: true });
  const dev = buildWindowOptions({ preloadPath: '/app/out/preload/index.cjs', isPackaged: false, iconPath: '/app/icon.png' });

  it('locks down every renderer security flag', () => {
    expect(packaged.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
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
      devTools: false,
    });
    // toEqual already forbids extra keys; spelled out for the checklist items.
    expect(packaged.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(packaged.webPreferences).not.toHaveProperty('additionalArguments');
  });

  it('offers DevTools only in an unpackaged (development) build', () => {
    expect(packaged.webPreferences?.devTools).toBe(false);
    expect(dev.webPreferences?.devTools).toBe(true);
    expect(dev.webPreferences?.sandbox).toBe(true);
  });

  it('opens hidden (shown on ready-to-show) at a workstation size', () => {
    expect(packaged).toMatchObject({ show: false, width: 1280, height: 800, minWidth: 1024, minHeight: 640, title: WINDOW_TITLE });
    expect(WINDOW_TITLE).toBe('Lantern 提灯');
    expect(packaged.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(packaged).not.toHaveProperty('icon');
    expect(dev.icon).toBe('/app/icon.png');
  });
});
