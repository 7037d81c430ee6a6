import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HubContext } from '../app/context';
import { appendAudit } from '../audit/audit';
import { HubError, okBody } from '../http/errors';
import { requireAuth } from '../http/guard';
import { canSeeAs } from './scope';
import { HubErrorCode } from '../../shared/sync/errors';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import { channelCarriesFiles, safeFilename, sniffFileType, withExtension } from '../../shared/domain/files';
import type { AttachmentRow } from '../store/types';

/** Files uploaded by staff are owned by `user:<id>` until a reply of theirs binds them. */
export const staffOwner = (userId: string) => `user:${userId}`;

const ulidSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/);
const headers = z.object({
  'x-lantern-conversation': z.string().min(1).max(64),
  'x-lantern-filename': z.string().min(1).max(1000),
  'x-lantern-sha256': z.string().regex(/^[0-9a-f]{64}$/),
});

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * `PUT /sync/attachments/:id` — the bytes of a file on a reply, uploaded by the
 * workstation before it pushes the `message.send` that names it (docs/sync.md).
 * The id is the client's ULID; the same id with the same bytes again answers ok
 * (a retry after a lost response). The type is read from the content; the
 * conversation must be in the uploader's scope and on a channel that carries files.
 */
export function registerSyncAttachments(app: FastifyInstance, ctx: HubContext): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: SYNC_LIMITS.maxAttachmentBytes }, (_req, body, done) => done(null, body));
    scope.put('/sync/attachments/:id', { bodyLimit: SYNC_LIMITS.maxAttachmentBytes }, async (req) => {
      const auth = await requireAuth(ctx, req);
      const id = ulidSchema.safeParse((req.params as { id: string }).id);
      const h = headers.safeParse(req.headers);
      if (!id.success || !h.success) throw new HubError(HubErrorCode.requestBadRequest, 'Expected PUT /sync/attachments/<ULID> with x-lantern-conversation, x-lantern-filename and x-lantern-sha256 headers');
      const data = req.body;
      if (!Buffer.isBuffer(data)) throw new HubError(HubErrorCode.unsupportedMediaType, 'Send the file as application/octet-stream', undefined, 415);
      const sha256 = createHash('sha256').update(data).digest('hex');
      const mime = data.length ? sniffFileType(data) : null;
      if (!mime || sha256 !== h.data['x-lantern-sha256']) {
        throw new HubError(HubErrorCode.attachmentInvalid, !data.length ? 'Empty file' : !mime ? 'Only PNG, JPEG, WebP or PDF (checked by content)' : 'The bytes do not match x-lantern-sha256', undefined, 422);
      }
      const conversationId = h.data['x-lantern-conversation'];
      const filename = withExtension(safeFilename(decodeName(h.data['x-lantern-filename']), `file-${id.data.slice(-6).toLowerCase()}`), mime);
      const owner = staffOwner(auth.userId);
      const now = ctx.now();
      const outcome = await ctx.store.write(async (tx) => {
        const conv = await tx.getConversation(conversationId);
        if (!conv || !canSeeAs(auth, conv)) return 'not_found' as const;
        if (!channelCarriesFiles(conv.channel)) return 'unsupported' as const;
        const existing = await tx.getAttachment(id.data);
        if (existing) return existing.ownerKey === owner && existing.sha256 === sha256 && existing.conversationId === conv.id ? ('again' as const) : ('conflict' as const);
        const row: AttachmentRow = { id: id.data, channel: conv.channel, ownerKey: owner, messageId: null, conversationId: conv.id, filename, mime, size: data.length, sha256, data, createdAt: now };
        await tx.insertAttachment(row);
        await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'attachment.upload', objectType: 'attachment', objectId: id.data, outcome: 'ok', detail: { conversationId: conv.id, mime, size: data.length } });
        return 'stored' as const;
      });
      if (outcome === 'not_found') throw new HubError(HubErrorCode.requestNotFound, 'No such conversation in your scope', undefined, 404);
      if (outcome === 'unsupported') throw new HubError(HubErrorCode.attachmentUnsupported, 'This conversation’s channel carries text only', undefined, 422);
      if (outcome === 'conflict') throw new HubError(HubErrorCode.idConflict, `Attachment id ${id.data} is taken`, undefined, 409);
      return okBody({ id: id.data, filename, mime, size: data.length, sha256 });
    });
  });
}
