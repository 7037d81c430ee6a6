import { eq } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { fillTemplate } from '../../../shared/domain/template';
import { cannedReplies, contacts, conversations } from '../../../db/replica/schema';
import type { ServiceContext } from './context';

export function cannedHandlers(ctx: ServiceContext): Handlers<Contract>['canned'] {
  const { db } = ctx.replica;
  return {
    search: ({ query, conversationId, limit }) => {
      const q = query.trim().toLowerCase();
      const all = db.select().from(cannedReplies).all();
      const scored = all
        .map((r) => {
          const shortcut = r.shortcut.toLowerCase();
          const score = !q ? 1 : shortcut.startsWith(q) ? 3 : shortcut.includes(q) || r.title.toLowerCase().includes(q) ? 2 : r.body.toLowerCase().includes(q) ? 1 : 0;
          return { r, score };
        })
        .filter((x) => x.score > 0)
        .sort((a, b) => b.score - a.score || a.r.shortcut.localeCompare(b.r.shortcut))
        .slice(0, limit);
      const vars: Record<string, string> = { agent_name: ctx.session.user.name };
      if (conversationId) {
        const row = db.select({ name: contacts.displayName }).from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId)).where(eq(conversations.id, conversationId)).get();
        if (row) vars.patient_name = row.name;
      }
      return {
        items: scored.map(({ r }) => {
          const filled = fillTemplate(r.body, vars);
          return { id: r.id, shortcut: r.shortcut, title: r.title, body: filled.text, missing: filled.missing };
        }),
      };
    },
  };
}
