import { and, eq, inArray } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import { contacts, conversations, outbox } from '../../../db/replica/schema';
import type { SyncClient } from '../sync/client';
import { HubError } from '../sync/http';
import type { ServiceContext } from './context';
import { setUnlockPassword } from './lock';

function summarize(kind: string, payload: unknown): string {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (typeof p.body === 'string') return p.body.slice(0, 80);
  if (kind === 'conversation.setStatus') return String(p.status);
  if (kind === 'conversation.assign') return String(p.assigneeId ?? '—');
  if (kind === 'conversation.setPriority') return String(p.priority);
  if (kind === 'conversation.setTags' && Array.isArray(p.tags)) return p.tags.join(', ');
  return kind;
}

/** The sync domain. In demo mode (no hub) there is no client: status says 'demo'. */
export function syncHandlers(ctx: ServiceContext, client: SyncClient | null): Handlers<Contract>['sync'] {
  const { db } = ctx.replica;
  return {
    status: () => {
      if (!client) return { status: 'demo' as const, queued: 0, background: 0, rejected: 0, lastSyncAt: null, error: null, initial: null, indexing: null, version: 0, arrived: [] };
      const snap = client.snapshot();
      const ids = client.takeTouched();
      const arrived = ids.length
        ? db
            .select({ id: conversations.id, contactName: contacts.displayName, priority: conversations.priority, preview: conversations.lastMessagePreview, assigneeId: conversations.assigneeId })
            .from(conversations)
            .innerJoin(contacts, eq(contacts.id, conversations.contactId))
            .where(inArray(conversations.id, ids))
            .all()
            .filter((c) => c.assigneeId === null || c.assigneeId === ctx.session.user.id)
            .map(({ id, contactName, priority, preview }) => ({ id, contactName, priority, preview }))
        : [];
      return { ...snap, arrived };
    },
    login: async ({ username, password }) => {
      if (!client) throw new LanternError('sync.no_hub', 'This workstation has no hub configured (demo mode)');
      try {
        const me = await client.login(username, password);
        await setUnlockPassword(ctx.replica, password);
        ctx.session.locked = false;
        return { id: me.user.id, displayName: me.user.displayName, role: me.user.role };
      } catch (e) {
        if (e instanceof HubError) throw new LanternError(e.error.code, e.error.message);
        throw e;
      }
    },
    logout: async () => {
      await client?.logout();
      ctx.session.locked = true;
      return { signedOut: true as const };
    },
    rejected: () => ({
      items: db
        .select()
        .from(outbox)
        .where(eq(outbox.state, 'rejected'))
        .orderBy(outbox.createdAt)
        .all()
        .map((r) => ({ id: r.id, kind: r.kind, code: r.rejectedCode, message: r.lastError, createdAt: r.createdAt, summary: summarize(r.kind, r.payload) })),
    }),
    dismissRejected: ({ id }) => {
      const res = db.delete(outbox).where(and(eq(outbox.id, id), eq(outbox.state, 'rejected'))).run();
      if (res.changes === 0) throw new LanternError('replica.not_found', `No rejected change ${id}`);
      return { id };
    },
  };
}
