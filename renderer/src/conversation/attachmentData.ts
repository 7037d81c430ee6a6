import { ATTACHMENT_MIMES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '../../../shared/contract/limits';
import type { LanternClient } from '../lib/client';

/** The attachment methods of the client: what the composer and the timeline need. */
export type AttachmentsApi = LanternClient['attachments'];
export type OpenAttachment = AttachmentsApi['open'];

/** The file picker's filter. A hint only: the service decides the type from the content. */
export const ATTACH_ACCEPT = ATTACHMENT_MIMES.join(',');

// 32 KiB per String.fromCharCode call: far below any engine's argument limit.
const CHUNK = 0x8000;

/** Bytes → base64 without building one argument list per byte (a 10 MB file would overflow the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) parts.push(String.fromCharCode(...bytes.subarray(i, i + CHUNK)));
  return btoa(parts.join(''));
}

export async function fileToBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

export function base64ToBlob(dataBase64: string, mime: string): Blob {
  const bin = atob(dataBase64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}

/** 512 B · 38 KB · 2.4 MB */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * What can be said before a byte is read: too many files, or a file too large. Returns
 * the error code (localized by shared/i18n/errors) or null. The type is the service's call.
 */
export function precheck(files: readonly { size: number }[], alreadyAttached: number): { code: string; tooLarge: number[] } | null {
  if (alreadyAttached + files.length > MAX_ATTACHMENTS_PER_MESSAGE) return { code: 'attachments.too_many', tooLarge: [] };
  const tooLarge = files.flatMap((f, i) => (f.size > MAX_ATTACHMENT_BYTES ? [i] : []));
  return tooLarge.length ? { code: 'attachments.too_large', tooLarge } : null;
}

/** Starts a download of a blob URL under the file's name (an `<a download>` never added to the page). */
export function downloadUrl(url: string, filename: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.click();
}
