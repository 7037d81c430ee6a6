import type { Session } from 'electron';
import { isAppUrl } from './navigation';

/**
 * Session permission policy (Electron security checklist item 5). Chromium grants
 * many permissions by default in Electron; the workstation needs only desktop
 * notifications (new patient message) and writing text to the clipboard (a knowledge
 * card's "copy" button, `navigator.clipboard.writeText`, which Chromium allows only
 * during a click and sanitises), and only for its own origin. Camera, microphone,
 * geolocation, clipboard-read, openExternal, HID/USB/serial … are all refused,
 * whichever page asks.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

/** For `session.setPermissionRequestHandler`. */
export function permissionRequestHandler(
  _webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl?: string },
): void {
  callback(isPermissionAllowed(permission, details.requestingUrl));
}

/** For `session.setPermissionCheckHandler` (origin is e.g. "app://lantern"). */
export function permissionCheckHandler(_webContents: unknown, permission: string, requestingOrigin: string): boolean {
  return isPermissionAllowed(permission, requestingOrigin);
}

type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>;

/** Installs all three handlers on a session (device access: always refused). */
export function installPermissionHandlers(session: PermissionSession): void {
  session.setPermissionRequestHandler(permissionRequestHandler);
  session.setPermissionCheckHandler(permissionCheckHandler);
  session.setDevicePermissionHandler(() => false);
}
