import type { Channel } from './types';
/**
 * File checks by content, never by the name or the declared type: a PNG must start
 * with the PNG signature, a PDF with "%PDF-". Used by the workstation when an agent
 * attaches a file and by the hub when one arrives.
 */
export type SniffedMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'application/pdf';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ascii = (d: Uint8Array, from: number, to: number) => String.fromCharCode(...d.subarray(from, to));

export function sniffFileType(data: Uint8Array): SniffedMime | null {
  if (data.length >= 8 && PNG.every((b, i) => data[i] === b)) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 12 && ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 12) === 'WEBP') return 'image/webp';
  if (data.length >= 5 && ascii(data, 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

export const FILE_EXT: Record<SniffedMime, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'application/pdf': 'pdf' };

export const isImageMime = (mime: string) => mime === 'image/png' || mime === 'image/jpeg' || mime === 'image/webp';

/** A file name safe to show and to put in a header: no paths, no control characters, at most 120 characters. */
export function safeFilename(name: string | null | undefined, fallback: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = Array.from(base)
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f && !'"<>|:*?'.includes(c))
    .join('')
    .trim()
    .slice(0, 120);
  return clean || fallback;
}

/** The file name with the extension its content calls for (a PDF named "scan.png" becomes "scan.pdf"). */
export function withExtension(name: string, mime: SniffedMime): string {
  const ext = FILE_EXT[mime];
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const have = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (have === ext || (ext === 'jpg' && have === 'jpeg')) return name;
  return `${stem}.${ext}`;
}

/**
 * Channels whose outbound replies can carry files: web chat (the widget shows and
 * downloads them) and email (MIME attachments). WeChat/WeCom media upload, SMS,
 * phone records and device alerts carry text only.
 */
export const FILE_CHANNELS = ['webchat', 'email'] as const satisfies readonly Channel[];
export const channelCarriesFiles = (channel: Channel): boolean => (FILE_CHANNELS as readonly Channel[]).includes(channel);

/**
 * The hub names each file of an inbound message in its text (`[图片] name (type, size)
 * /attachments/<id>`, for search and previews). Where the files themselves are shown,
 * those lines are left out.
 */
export function bodyWithoutFileLines(body: string, fileIds: readonly string[]): string {
  if (!fileIds.length) return body;
  return body
    .split('\n')
    .filter((line) => !fileIds.some((id) => line.trimEnd().endsWith(`/attachments/${id}`)))
    .join('\n')
    .trim();
}

/** The inbox preview of a reply: its text, or the names of its files when it has none. */
export function replyPreview(body: string, filenames: readonly string[], max = 120): string {
  return (body || filenames.map((f) => `[附件] ${f}`).join(' ')).slice(0, max);
}
