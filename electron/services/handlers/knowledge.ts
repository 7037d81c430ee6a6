import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, gte } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { loadKnowledgeFiles, formatLoadError, knowledgeItemSchema, type KnowledgeItem } from '../../../shared/engine';
import { loadInteractions } from '../../../shared/engine/drugs/interactions';
import { reduceFeedback, retiredIds, type FeedbackEvent } from '../../../shared/engine/feedback/feedback';
import { knowledgeFeedback, knowledgeItems } from '../../../db/replica/schema';
import { newId } from '../ids';
import type { ServiceContext } from './context';

const WEEK = 7 * 86_400_000;

/** Seed knowledge shipped with the app (resources/knowledge), read once and validated. */
export function loadSeedKnowledge(dir: string | null): { items: KnowledgeItem[]; interactions: unknown; errors: string[] } {
  if (!dir) return { items: [], interactions: { meta: { title: '', source: '', licence: '' }, interactions: [] }, errors: [] };
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  const loaded = loadKnowledgeFiles(files);
  const inter = loadInteractions(readFileSync(join(dir, 'interactions.json'), 'utf8'));
  return { items: loaded.items, interactions: inter.table, errors: [...loaded.errors.map(formatLoadError), ...inter.errors] };
}

export function knowledgeHandlers(ctx: ServiceContext, seed: ReturnType<typeof loadSeedKnowledge>): Handlers<Contract>['knowledge'] {
  const { db } = ctx.replica;
  return {
    bundle: () => {
      // Items synced from the hub override seed items with the same id (the hub hot-reloads them).
      const byId = new Map<string, unknown>(seed.items.map((i) => [i.id, i]));
      const errors = [...seed.errors];
      for (const row of db.select().from(knowledgeItems).all()) {
        const parsed = knowledgeItemSchema.safeParse(row.body);
        if (parsed.success) byId.set(parsed.data.id, row.body);
        else errors.push(`hub:${row.id}: ${parsed.error.issues[0]?.message ?? 'invalid item'}`);
      }
      const since = ctx.now() - WEEK;
      const events: FeedbackEvent[] = db
        .select()
        .from(knowledgeFeedback)
        .where(gte(knowledgeFeedback.createdAt, since))
        .all()
        .map((f) => ({ type: 'vote', itemId: f.itemId, userId: ctx.session.user.id, useful: f.useful, at: f.createdAt }));
      return { items: [...byId.values()], interactions: seed.interactions, retired: [...retiredIds(reduceFeedback(events))], errors };
    },
    feedback: ({ itemId, useful, conversationId }) => {
      // One vote per user per item and conversation: the latest wins (a mis-click can be corrected).
      ctx.replica.sqlite
        .transaction(() => {
          db.delete(knowledgeFeedback)
            .where(and(eq(knowledgeFeedback.itemId, itemId), eq(knowledgeFeedback.conversationId, conversationId ?? '')))
            .run();
          db.insert(knowledgeFeedback).values({ id: newId(), itemId, useful, conversationId: conversationId ?? '', createdAt: ctx.now() }).run();
        })
        .immediate();
      return { recorded: true as const };
    },
  };
}
