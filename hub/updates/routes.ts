import { randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, okBody } from '../http/errors';
import { FeedError, HashCache, isChannelFile, ReleaseFolder } from './feed';
import { parseRange, type ByteRange } from './range';

/**
 * The intranet update feed: electron-updater's generic provider pointed at
 * `<hub>/updates/<channel>/` (the workstation computes that URL from its policy).
 *
 *   GET|HEAD /updates/<channel>/latest.yml         channel file, only if every artifact it lists is present and matches its sha512
 *   GET|HEAD /updates/<channel>/<artifact>         a listed artifact (sha512-verified before the first byte), Range/multi-range
 *   GET|HEAD /updates/<channel>/<artifact>.blockmap for differential downloads
 *   GET      /updates/<channel>/                   JSON summary for IT (versions, rollout, verification)
 *
 * No authentication: installers are not secret, and a workstation must be able to
 * update before anyone signs in. Nothing outside the channel files' lists is served.
 */
export interface UpdateRoutesOptions {
  /** The folder IT drops releases into: `<hub data>/updates`. */
  dir: string;
}

function sendError(reply: FastifyReply, e: unknown, req: FastifyRequest) {
  if (e instanceof FeedError) {
    if (e.status >= 409) req.log.error({ code: e.code }, e.message);
    return reply.code(e.status).header('cache-control', 'no-store').send(errorBody(e.code, e.message));
  }
  req.log.error({ err: e }, 'update feed failed');
  return reply.code(500).send(errorBody('updates.internal', 'Internal error (logged)'));
}

function multipart(path: string, ranges: ByteRange[], size: number, boundary: string, contentType: string): Readable {
  async function* parts() {
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i]!;
      yield Buffer.from(`${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`);
      for await (const chunk of createReadStream(path, { start: r.start, end: r.end })) yield chunk as Buffer;
    }
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return Readable.from(parts());
}

function multipartLength(ranges: ByteRange[], size: number, boundary: string, contentType: string): number {
  let n = 0;
  ranges.forEach((r, i) => {
    n += Buffer.byteLength(`${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`);
    n += r.end - r.start + 1;
  });
  return n + Buffer.byteLength(`\r\n--${boundary}--\r\n`);
}

/** Serves a file with Range support (single range, multipart/byteranges, 416). */
function serveFile(req: FastifyRequest, reply: FastifyReply, path: string, contentType: string) {
  const st = statSync(path);
  const size = st.size;
  const head = req.method === 'HEAD';
  reply.header('accept-ranges', 'bytes').header('last-modified', st.mtime.toUTCString()).header('etag', `"${size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`);
  const ranges = parseRange(req.headers.range, size);
  if (ranges === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${size}`).send(errorBody('updates.range_not_satisfiable', `No requested range is inside the ${size}-byte file`));
  }
  if (ranges === null) {
    reply.code(200).header('content-type', contentType).header('content-length', String(size));
    return head ? reply.send() : reply.send(createReadStream(path));
  }
  if (ranges.length === 1) {
    const r = ranges[0]!;
    reply
      .code(206)
      .header('content-type', contentType)
      .header('content-range', `bytes ${r.start}-${r.end}/${size}`)
      .header('content-length', String(r.end - r.start + 1));
    return head ? reply.send() : reply.send(createReadStream(path, { start: r.start, end: r.end }));
  }
  const boundary = `lantern-${randomBytes(12).toString('hex')}`;
  reply
    .code(206)
    .header('content-type', `multipart/byteranges; boundary=${boundary}`)
    .header('content-length', String(multipartLength(ranges, size, boundary, contentType)));
  return head ? reply.send() : reply.send(multipart(path, ranges, size, boundary, contentType));
}

export function registerUpdateRoutes(app: FastifyInstance, opts: UpdateRoutesOptions): void {
  const folder = new ReleaseFolder(opts.dir, new HashCache());

  app.route<{ Params: { channel: string; file: string } }>({
    method: ['GET', 'HEAD'],
    url: '/updates/:channel/:file',
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      const { channel, file } = req.params;
      try {
        if (isChannelFile(file)) {
          const release = await folder.release(channel, file);
          const body = folder.render(channel, release, readFileSync(join(folder.channelDir(channel), file), 'utf8'));
          reply.code(200).header('content-type', 'text/yaml; charset=utf-8').header('cache-control', 'no-cache').header('content-length', String(Buffer.byteLength(body)));
          return req.method === 'HEAD' ? reply.send() : reply.send(body);
        }
        const found = folder.lookup(channel, file);
        if (!found) throw new FeedError('updates.not_found', `${channel}/${file.slice(0, 100)} is not part of a release in this channel`, 404);
        if (found.sha512) await folder.verify(channel, file, found.sha512, found.size, found.listedIn);
        return serveFile(req, reply, found.path, 'application/octet-stream');
      } catch (e) {
        return sendError(reply, e, req);
      }
    },
  });

  app.get<{ Params: { channel: string } }>('/updates/:channel/', async (req, reply) => {
    const { channel } = req.params;
    try {
      const rollout = folder.rollout(channel);
      const releases = [];
      for (const r of folder.releases(channel)) {
        let verified = true;
        let problem: string | null = null;
        try {
          await folder.release(channel, r.file);
        } catch (e) {
          verified = false;
          problem = (e as Error).message;
        }
        releases.push({
          file: r.file,
          version: r.info.version,
          releaseDate: r.info.releaseDate ?? null,
          stagingPercentage: rollout ?? r.info.stagingPercentage ?? null,
          files: r.info.files.map((f) => ({ url: f.url, size: f.size ?? null })),
          verified,
          problem,
        });
      }
      return okBody({ channel, rolloutOverride: rollout, releases });
    } catch (e) {
      return sendError(reply, e, req);
    }
  });
}
