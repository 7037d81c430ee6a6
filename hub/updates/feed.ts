import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * A release folder as IT drops it (`<hub data>/updates/<channel>/`): the channel files
 * electron-builder writes (`latest.yml` for Windows NSIS, `latest-linux.yml` for the
 * AppImage), the artifacts they list and their `.blockmap` files. Optional
 * `rollout.json` `{ "stagingPercentage": 20 }` overrides the percentage in every
 * channel file, so IT can widen a rollout without editing YAML.
 */

// js-yaml is what electron-updater itself parses latest.yml with (a dependency of
// electron-updater; CommonJS without bundled types, hence required and typed here).
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown; dump(value: unknown, opts?: { lineWidth?: number; noRefs?: boolean }): string };

export const CHANNEL_RE = /^[a-z][a-z0-9-]{0,31}$/;
/** A plain file name: no separators, no `..`, no control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
export const FILE_NAME_RE = /^(?!\.\.?$)[^/\\\u0000-\u001f]{1,200}$/;
const SHA512_BASE64 = /^[A-Za-z0-9+/]{86}==$/;

const fileEntrySchema = z.looseObject({
  url: z.string().regex(FILE_NAME_RE, 'must be a file name in this folder (no path, no URL)'),
  sha512: z.string().regex(SHA512_BASE64, 'must be a base64 SHA-512 (88 characters)'),
  size: z.number().int().nonnegative().optional(),
});

export const updateInfoSchema = z.looseObject({
  version: z.string().min(1),
  files: z.array(fileEntrySchema).min(1),
  path: z.string().optional(),
  sha512: z.string().optional(),
  releaseDate: z.string().optional(),
  stagingPercentage: z.number().min(0).max(100).optional(),
});
export type UpdateInfo = z.infer<typeof updateInfoSchema>;

const rolloutSchema = z.strictObject({ stagingPercentage: z.number().min(0).max(100) });

export class FeedError extends Error {
  constructor(
    readonly code: 'updates.not_found' | 'updates.release_invalid' | 'updates.sha512_mismatch',
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'FeedError';
  }
}

export function isChannelFile(name: string): boolean {
  return /^[A-Za-z0-9._-]+\.yml$/.test(name);
}

/** Parses and validates a channel file; a broken one is a clear error, never served. */
export function parseChannelFile(text: string, name: string): UpdateInfo {
  let raw: unknown;
  try {
    raw = yaml.load(text);
  } catch (e) {
    throw new FeedError('updates.release_invalid', `${name} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, 409);
  }
  const parsed = updateInfoSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new FeedError('updates.release_invalid', `${name} is invalid: ${first.path.join('.') || '(file)'} ${first.message}`, 409);
  }
  return parsed.data;
}

interface HashCacheEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  sha512: Promise<string>;
}

/**
 * SHA-512 (base64) of files, computed once per (size, mtime, inode) — an installer is
 * hashed on its first request and again only when IT replaces it.
 */
export class HashCache {
  private readonly entries = new Map<string, HashCacheEntry>();

  sha512(path: string): Promise<string> {
    const st = statSync(path);
    const hit = this.entries.get(path);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino) return hit.sha512;
    const sha512 = new Promise<string>((resolve, reject) => {
      const h = createHash('sha512');
      createReadStream(path)
        .on('data', (c) => h.update(c))
        .on('error', reject)
        .on('end', () => resolve(h.digest('base64')));
    });
    sha512.catch(() => this.entries.delete(path));
    this.entries.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha512 });
    return sha512;
  }
}

export interface ChannelRelease {
  /** Channel file name (latest.yml, latest-linux.yml, …). */
  file: string;
  info: UpdateInfo;
}

export class ReleaseFolder {
  constructor(
    readonly dir: string,
    readonly hashes: HashCache,
  ) {}

  channelDir(channel: string): string {
    if (!CHANNEL_RE.test(channel)) throw new FeedError('updates.not_found', `No update channel "${channel.slice(0, 40)}"`, 404);
    const d = join(this.dir, channel);
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new FeedError('updates.not_found', `No update channel "${channel}" (no folder ${channel}/ in the hub's updates folder)`, 404);
    return d;
  }

  /** The channel's rollout override, if IT set one. */
  rollout(channel: string): number | null {
    const p = join(this.channelDir(channel), 'rollout.json');
    if (!existsSync(p)) return null;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(p, 'utf8'));
    } catch (e) {
      throw new FeedError('updates.release_invalid', `${channel}/rollout.json is not valid JSON: ${(e as Error).message}`, 409);
    }
    const r = rolloutSchema.safeParse(json);
    if (!r.success) throw new FeedError('updates.release_invalid', `${channel}/rollout.json must be {"stagingPercentage": 0-100}`, 409);
    return r.data.stagingPercentage;
  }

  /** A channel file, validated, every artifact it lists present and matching its sha512. */
  async release(channel: string, file: string): Promise<ChannelRelease> {
    const dir = this.channelDir(channel);
    const path = join(dir, file);
    if (!isChannelFile(file) || !existsSync(path)) throw new FeedError('updates.not_found', `No ${file} in channel "${channel}"`, 404);
    const info = parseChannelFile(readFileSync(path, 'utf8'), `${channel}/${file}`);
    for (const entry of info.files) await this.verify(channel, entry.url, entry.sha512, entry.size, file);
    return { file, info };
  }

  /** Every valid channel file of the channel (invalid ones are skipped: they serve nothing). */
  releases(channel: string): ChannelRelease[] {
    const dir = this.channelDir(channel);
    const out: ChannelRelease[] = [];
    for (const name of readdirSync(dir).sort()) {
      if (!isChannelFile(name)) continue;
      try {
        out.push({ file: name, info: parseChannelFile(readFileSync(join(dir, name), 'utf8'), name) });
      } catch {
        continue;
      }
    }
    return out;
  }

  /**
   * What a request for `file` in `channel` may serve: an artifact listed by a channel
   * file (with the sha512 to verify) or that artifact's `.blockmap` (for differential
   * downloads; it has no hash of its own in the channel file). Anything else: null.
   */
  lookup(channel: string, file: string): { path: string; sha512: string | null; size?: number; listedIn: string } | null {
    if (!FILE_NAME_RE.test(file)) return null;
    const dir = this.channelDir(channel);
    for (const r of this.releases(channel)) {
      for (const entry of r.info.files) {
        if (entry.url === file) return { path: join(dir, file), sha512: entry.sha512, ...(entry.size !== undefined ? { size: entry.size } : {}), listedIn: r.file };
        if (`${entry.url}.blockmap` === file && existsSync(join(dir, file))) return { path: join(dir, file), sha512: null, listedIn: r.file };
      }
    }
    return null;
  }

  async verify(channel: string, file: string, sha512: string, size: number | undefined, listedIn: string): Promise<void> {
    const path = join(this.channelDir(channel), file);
    if (!existsSync(path)) throw new FeedError('updates.sha512_mismatch', `${channel}/${file} is listed in ${listedIn} but missing: the release folder is incomplete — copy the whole release again`, 409);
    const actualSize = statSync(path).size;
    if (size !== undefined && actualSize !== size) {
      throw new FeedError('updates.sha512_mismatch', `${channel}/${file} has ${actualSize} bytes but ${listedIn} says ${size}: the copy is incomplete or from another build — copy the release again`, 409);
    }
    const actual = await this.hashes.sha512(path);
    if (actual !== sha512) {
      throw new FeedError('updates.sha512_mismatch', `${channel}/${file} does not match the sha512 in ${listedIn}: damaged or from another build — copy the release again. Refusing to serve it.`, 409);
    }
  }

  /** The channel file as served: the rollout override applied, otherwise byte for byte. */
  render(channel: string, release: ChannelRelease, original: string): string {
    const pct = this.rollout(channel);
    if (pct === null) return original;
    return yaml.dump({ ...release.info, stagingPercentage: pct }, { lineWidth: -1, noRefs: true });
  }
}
