import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { roleSchema } from '../../../shared/contract/users';
import { readingKinds } from '../../../shared/contract/contacts';
import type { Replica } from '../replica/open';
import { indexDoc } from '../replica/search';
import * as t from '../../../db/replica/schema';

const thresholdSchema = z.object({ low: z.number().nullable(), high: z.number().nullable() });

const workspaceSchema = z.object({
  version: z.literal(1),
  teams: z.array(z.object({ id: z.string(), name: z.string() })),
  staff: z.array(z.object({ id: z.string(), displayName: z.string(), role: roleSchema, teamIds: z.array(z.string()) })),
  assignments: z.record(z.string(), z.object({ assigneeId: z.string().nullable(), teamId: z.string(), slaMinutes: z.number().nullable() })),
  thresholds: z.record(z.string(), z.record(z.string(), thresholdSchema)),
  readings: z.array(
    z.object({
      contactId: z.string(),
      kind: z.enum(readingKinds),
      unit: z.string(),
      deviceId: z.string().nullable(),
      series: z.array(z.union([z.tuple([z.number(), z.number()]), z.tuple([z.number(), z.number(), z.number()])])),
    }),
  ),
  cannedReplies: z.array(z.object({ id: z.string(), shortcut: z.string(), title: z.string(), body: z.string() })),
});
export type WorkspaceDemo = z.infer<typeof workspaceSchema>;

export function loadWorkspaceDemo(path: string): WorkspaceDemo {
  return workspaceSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Staff, queues, readings and canned replies of the demo clinic, plus the search index. One transaction. */
export function seedWorkspaceDemo(replica: Replica, data: WorkspaceDemo, now = Date.now()): void {
  const { db, sqlite } = replica;
  sqlite.transaction(() => {
    for (const team of data.teams) db.insert(t.teams).values(team).run();
    for (const u of data.staff) db.insert(t.users).values({ ...u, updatedAt: now }).run();
    for (const [id, a] of Object.entries(data.assignments)) {
      const conv = db.select().from(t.conversations).where(eq(t.conversations.id, id)).get();
      if (!conv) continue;
      db.update(t.conversations)
        .set({ assigneeId: a.assigneeId, teamId: a.teamId, slaDueAt: a.slaMinutes === null || conv.status === 'resolved' ? null : conv.lastMessageAt + a.slaMinutes * 60_000 })
        .where(eq(t.conversations.id, id))
        .run();
    }
    for (const [contactId, th] of Object.entries(data.thresholds)) db.update(t.contacts).set({ thresholds: th }).where(eq(t.contacts.id, contactId)).run();
    data.readings.forEach((r, i) => {
      r.series.forEach(([minutesAgo, value, value2], n) => {
        db.insert(t.deviceReadings)
          .values({ id: `rd-${i}-${n}`, contactId: r.contactId, kind: r.kind, value, value2: value2 ?? null, unit: r.unit, deviceId: r.deviceId, measuredAt: now - minutesAgo * 60_000 })
          .run();
      });
    });
    for (const c of data.cannedReplies) db.insert(t.cannedReplies).values({ ...c, lang: /\p{Script=Han}/u.test(c.body) ? 'zh-CN' : 'en', updatedAt: now }).run();
    reindexAll(replica);
  })();
}

/** Rebuilds the search index from the rows (demo seed; also a repair tool for diagnostics). */
export function reindexAll(replica: Replica): void {
  const { sqlite } = replica;
  for (const m of sqlite.prepare('SELECT id, conversation_id AS c, body FROM messages WHERE recalled_at IS NULL').all() as { id: string; c: string; body: string }[]) indexDoc(sqlite, 'message', m.id, m.c, m.body);
  for (const n of sqlite.prepare('SELECT id, conversation_id AS c, body FROM notes').all() as { id: string; c: string; body: string }[]) indexDoc(sqlite, 'note', n.id, n.c, n.body);
  for (const c of sqlite.prepare('SELECT id, display_name AS name FROM contacts').all() as { id: string; name: string }[]) indexDoc(sqlite, 'contact', c.id, null, c.name);
}
