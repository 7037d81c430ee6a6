import type { HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { APP_HOST, APP_SCHEME } from './csp';

/**
 * Navigation and window-opening policy for every webContents. The renderer is a
 * local app: it never navigates anywhere but app://lantern/, never opens windows,
 * and may hand only well-known https documentation links to the OS browser.
 * (Electron security checklist items 13, 14 and 15.)
 */

/** Hosts whose https pages may be opened in the user's browser. */
export const EXTERNAL_ALLOW_LIST: readonly string[] = Object.freeze(['www.nhc.gov.cn', 'www.who.int']);

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

function parse(url: unknown): URL | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True only for app://lantern/… — no other host, no credentials, no port. */
export function isAppUrl(url: unknown): boolean {
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.hostname === APP_HOST && u.port === '' && u.username === '' && u.password === '';
}

/**
 * The allow-list hospital IT may set (LANTERN_EXTERNAL_HOSTS="a.example.cn,b.example.cn").
 * Only bare DNS host names are accepted; anything else falls back to the default.
 */
export function parseAllowList(raw: string | undefined): readonly string[] {
  if (raw === undefined || raw.trim() === '') return EXTERNAL_ALLOW_LIST;
  const hosts = raw.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (hosts.length === 0 || !hosts.every((h) => HOSTNAME.test(h))) return EXTERNAL_ALLOW_LIST;
  return Object.freeze([...new Set(hosts)]);
}

/** True for https URLs on an allow-listed host (default port, no credentials). */
export function isAllowedExternalUrl(url: unknown, allowList: readonly string[] = EXTERNAL_ALLOW_LIST): boolean {
  const u = parse(url);
  return u !== null && u.protocol === 'https:' && u.port === '' && u.username === '' && u.password === '' && allowList.includes(u.hostname);
}

/** 'will-navigate' / 'will-redirect' listener: only in-app navigation goes ahead. */
export function handleWillNavigate(event: { preventDefault(): void }, url: string): void {
  if (!isAppUrl(url)) event.preventDefault();
}

/**
 * `webContents.setWindowOpenHandler`: never a new Electron window. An allow-listed
 * https link goes to the OS browser; javascript:, file:, http: and everything else
 * is dropped.
 */
export function windowOpenHandler(
  details: Pick<HandlerDetails, 'url'>,
  openExternal: (url: string) => Promise<void>,
  allowList: readonly string[] = EXTERNAL_ALLOW_LIST,
): WindowOpenHandlerResponse {
  if (isAllowedExternalUrl(details.url, allowList)) {
    const href = new URL(details.url).href;
    openExternal(href).catch(() => undefined);
  }
  return { action: 'deny' };
}

/** 'will-attach-webview' listener: the app uses no <webview>, so none may attach. */
export function handleWillAttachWebview(event: { preventDefault(): void }): void {
  event.preventDefault();
}
