import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_RETIREMENT_RULE, type RetirementRule } from '../../shared/engine/feedback/aggregate';
import type { KnowledgeItem } from '../../shared/engine/knowledge/schema';
import type { KnowledgeItemStatus } from '../../shared/sync/entities';
import { canonicalJson } from '../audit/canonical';
import type { StoreReader, StoreTx } from '../store/store';
import type { KnowledgeItemRow } from '../store/types';
import type { ChangeMeta } from '../sync/changes';

/** sha256 of an item's canonical JSON: equal content, equal hash, whatever the key order or spacing in the file. */
export function contentHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The synced row of an authored item (`body` is the validated item; the workstation validates it again). */
export function itemRow(item: KnowledgeItem, at: number, status: KnowledgeItemStatus = 'active'): KnowledgeItemRow {
  return { id: item.id, lang: 'zh-CN', title: item.title['zh-CN'], body: item, updatedAt: at, status };
}

/**
 * Writes an item row and its change-log row (entity knowledge_item, op put). The
 * caller audits and pokes after the commit. Removal and retirement are puts too
 * (status `removed` / `retired`): a replica keeps the row and hides the item, so a
 * copy bundled with the workstation cannot come back either.
 */
export async function putKnowledgeRow(tx: StoreTx, row: KnowledgeItemRow, meta: ChangeMeta): Promise<number> {
  await tx.upsertKnowledgeItem(row);
  return tx.appendChange({ ...meta, entity: 'knowledge_item', entityId: row.id, op: 'put', data: row });
}

// ---- retirement settings (hub meta, so the mutation applier reads them in its transaction) ----

export const RETIREMENT_META_KEY = 'knowledge_retirement';

export const retirementSettingsSchema = z.strictObject({
  windowDays: z.number().int().min(1).max(90),
  minUsers: z.number().int().min(1).max(1000),
  minMarks: z.number().int().min(1).max(10_000),
});
export type RetirementSettings = z.infer<typeof retirementSettingsSchema>;

export const DEFAULT_RETIREMENT_SETTINGS: RetirementSettings = {
  windowDays: Math.round(DEFAULT_RETIREMENT_RULE.windowMs / 86_400_000),
  minUsers: DEFAULT_RETIREMENT_RULE.minUsers,
  minMarks: DEFAULT_RETIREMENT_RULE.minMarks,
};

export async function readRetirementSettings(r: StoreReader): Promise<RetirementSettings> {
  const raw = await r.getMeta(RETIREMENT_META_KEY);
  if (!raw) return DEFAULT_RETIREMENT_SETTINGS;
  try {
    const parsed = retirementSettingsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : DEFAULT_RETIREMENT_SETTINGS;
  } catch {
    return DEFAULT_RETIREMENT_SETTINGS;
  }
}

export const ruleOf = (s: RetirementSettings): RetirementRule => ({ windowMs: s.windowDays * 86_400_000, minUsers: s.minUsers, minMarks: s.minMarks });
