/**
 * Incremental knowledge updates for a running engine: items that arrived or changed
 * by sync are upserted into its index, removed ones dropped, and the retired set
 * replaced. The workstation answers `knowledge.changes({ since })` with exactly this
 * shape, so its engine (renderer worker, or any host) never has to be rebuilt.
 */
import type { Engine } from '../engine';
import { knowledgeItemSchema, type KnowledgeItem } from './schema';

export interface KnowledgeDelta {
  /** Items as authored (validated here again). */
  items: readonly unknown[];
  /** Ids that are gone (deleted from the hub's files): dropped from the index. */
  removed: readonly string[];
  /** The complete current retired set (replaces the previous one). */
  retired: readonly string[];
}

export interface DeltaOutcome {
  upserted: string[];
  removed: string[];
  /** `index: message` for items that failed validation (skipped). */
  invalid: string[];
}

export function applyKnowledgeDelta(engine: Engine, delta: KnowledgeDelta): DeltaOutcome {
  const valid: KnowledgeItem[] = [];
  const invalid: string[] = [];
  delta.items.forEach((raw, i) => {
    const parsed = knowledgeItemSchema.safeParse(raw);
    if (parsed.success) valid.push(parsed.data);
    else invalid.push(`${i}: ${parsed.error.issues[0]?.message ?? 'invalid item'}`);
  });
  const removed = delta.removed.filter((id) => !valid.some((v) => v.id === id));
  if (valid.length) engine.upsert(valid);
  if (removed.length) engine.remove(removed);
  engine.setRetired(delta.retired);
  return { upserted: valid.map((v) => v.id), removed, invalid };
}
