import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema } from '../../shared/domain/types';
import { HubErrorCode } from '../../shared/sync/errors';
import { isSupervisorRole } from '../../shared/sync/rules';
import { appendAudit } from '../audit/audit';
import type { HubContext } from '../app/context';
import { HubError, okBody } from '../http/errors';
import { requireAuth } from '../http/guard';
import type { StoreTx } from '../store/store';
import { canSeeAs } from '../sync/scope';
import { MergeError, mergeContacts } from './identity';

const mergeBody = z.strictObject({ fromContactId: idSchema, intoContactId: idSchema, reason: z.string().trim().max(500).optional() });
const bindBody = z.strictObject({ deviceId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/), contactId: idSchema, label: z.string().max(100).optional() });

/**
 * Staff routes of the channels feature (Bearer access token, JSON):
 * - GET  /attachments/:id            a file of a message you may see
 * - POST /contacts/merge             supervisor/admin: merge two contacts (history kept)
 * - GET  /contacts/:id/merges        merge history of a contact you may see
 * - POST /devices/bindings           supervisor/admin: bind a device id to a patient
 */
export function registerChannelApi(app: FastifyInstance, ctx: HubContext, write: <T>(fn: (tx: StoreTx) => Promise<T>) => Promise<T>): void {
  app.get('/attachments/:id', async (req, reply) => {
    const auth = await requireAuth(ctx, req);
    const id = (req.params as { id: string }).id;
    const a = await ctx.store.read(async (r) => {
      const att = await r.getAttachment(id);
      const conv = att?.conversationId ? await r.getConversation(att.conversationId) : null;
      return att && conv && canSeeAs(auth, conv) ? att : null;
    });
    if (!a) throw new HubError(HubErrorCode.requestNotFound, 'No such attachment in your scope');
    // Opening a patient's file is a read of patient data: audited like any other.
    await write((tx) => appendAudit(tx, { at: ctx.now(), userId: auth.userId, workstationId: auth.workstationId, action: 'attachment.read', objectType: 'attachment', objectId: a.id, outcome: 'ok', detail: { conversationId: a.conversationId, messageId: a.messageId } }));
    const ascii = a.filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
    return reply
      .type(a.mime)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
      .send(a.data);
  });

  app.post('/contacts/merge', async (req) => {
    const auth = await requireAuth(ctx, req);
    if (!isSupervisorRole(auth.role)) throw new HubError(HubErrorCode.forbidden, 'Only supervisors and admins merge contacts', undefined, 403);
    const body = mergeBody.safeParse(req.body);
    if (!body.success) throw new HubError(HubErrorCode.requestBadRequest, `Expected {fromContactId, intoContactId, reason?}: ${z.prettifyError(body.error)}`);
    try {
      const out = await write(async (tx) => {
        const now = ctx.now();
        const r = await mergeContacts(tx, body.data.fromContactId, body.data.intoContactId, auth.userId, body.data.reason ?? null, { at: now, actorId: auth.userId });
        await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'contact.merge.request', objectType: 'contact', objectId: body.data.intoContactId, outcome: 'ok', detail: { from: body.data.fromContactId, mergeId: r.mergeId } });
        return r;
      });
      return okBody(out);
    } catch (e) {
      if (e instanceof MergeError) throw new HubError(HubErrorCode.requestBadRequest, e.message, { code: e.code }, e.code === 'contact.not_found' ? 404 : 409);
      throw e;
    }
  });

  app.get('/contacts/:id/merges', async (req) => {
    const auth = await requireAuth(ctx, req);
    const id = (req.params as { id: string }).id;
    const merges = await ctx.store.read(async (r) => {
      const visible = isSupervisorRole(auth.role) || (await r.conversationsOfContact(id)).some((c) => canSeeAs(auth, c));
      return visible ? await r.mergesOf(id) : null;
    });
    if (!merges) throw new HubError(HubErrorCode.requestNotFound, 'No such contact in your scope');
    return okBody({ merges });
  });

  app.post('/devices/bindings', async (req) => {
    const auth = await requireAuth(ctx, req);
    if (!isSupervisorRole(auth.role)) throw new HubError(HubErrorCode.forbidden, 'Only supervisors and admins bind devices', undefined, 403);
    const body = bindBody.safeParse(req.body);
    if (!body.success) throw new HubError(HubErrorCode.requestBadRequest, `Expected {deviceId, contactId, label?}: ${z.prettifyError(body.error)}`);
    await write(async (tx) => {
      if (!(await tx.getContact(body.data.contactId))) throw new HubError(HubErrorCode.requestNotFound, 'Unknown contact');
      const now = ctx.now();
      await tx.putDeviceBinding({ deviceId: body.data.deviceId, contactId: body.data.contactId, label: body.data.label ?? null, createdAt: now });
      await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'device.bind', objectType: 'device', objectId: body.data.deviceId, outcome: 'ok', detail: { contactId: body.data.contactId } });
    });
    return okBody({ deviceId: body.data.deviceId, contactId: body.data.contactId });
  });
}
