import { describe, expect, it, vi } from 'vitest';
import { installPermissionHandlers, permissionCheckHandler, permissionRequestHandler } from './permissions';
import { APP_ENTRY_URL, APP_ORIGIN } from './csp';

function request(permission: string, requestingUrl: string): boolean {
  const callback = vi.fn();
  permissionRequestHandler(null, permission, callback, { requestingUrl });
  expect(callback).toHaveBeenCalledOnce();
  return callback.mock.calls[0]![0] as boolean;
}

const DENIED = ['media', 'geolocation', 'openExternal', 'clipboard-read', 'display-capture', 'fullscreen', 'midi', 'midiSysex', 'pointerLock', 'keyboardLock', 'mediaKeySystem', 'idle-detection', 'window-management', 'storage-access', 'top-level-storage-access', 'fileSystem', 'hid', 'serial', 'usb', 'unknown'];

describe('permission request handler', () => {
  it('grants notifications to the app page', () => {
    expect(request('notifications', APP_ENTRY_URL)).toBe(true);
  });

  it('refuses notifications to any other origin', () => {
    for (const url of ['https://www.who.int/', 'app://evil/index.html', 'file:///index.html', 'http://127.0.0.1/', '']) {
      expect(request('notifications', url), url).toBe(false);
    }
  });

  it('lets the app page write to the clipboard (a card\'s copy button) but never read it; no other origin may write', () => {
    expect(request('clipboard-sanitized-write', APP_ENTRY_URL)).toBe(true);
    expect(request('clipboard-read', APP_ENTRY_URL)).toBe(false);
    for (const url of ['https://www.who.int/', 'app://evil/index.html', 'file:///index.html', '']) expect(request('clipboard-sanitized-write', url), url).toBe(false);
  });

  it('refuses every other permission, even to the app page', () => {
    for (const p of DENIED) expect(request(p, APP_ENTRY_URL), p).toBe(false);
  });
});

describe('permission check handler', () => {
  it('mirrors the request policy for origins', () => {
    expect(permissionCheckHandler(null, 'notifications', APP_ORIGIN)).toBe(true);
    expect(permissionCheckHandler(null, 'notifications', 'https://www.who.int')).toBe(false);
    expect(permissionCheckHandler(null, 'notifications', 'null')).toBe(false);
    for (const p of DENIED) expect(permissionCheckHandler(null, p, APP_ORIGIN), p).toBe(false);
  });
});

describe('installPermissionHandlers', () => {
  it('installs request, check and device handlers on the session', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() };
    installPermissionHandlers(session);
    expect(session.setPermissionRequestHandler).toHaveBeenCalledWith(permissionRequestHandler);
    expect(session.setPermissionCheckHandler).toHaveBeenCalledWith(permissionCheckHandler);
    const device = session.setDevicePermissionHandler.mock.calls[0]![0] as (d: unknown) => boolean;
    expect(device({ deviceType: 'usb', origin: APP_ORIGIN })).toBe(false);
  });
});
