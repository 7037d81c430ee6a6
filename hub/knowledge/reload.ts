import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadInteractions } from '../../shared/engine/drugs/interactions';
import { formatLoadError, loadKnowledgeFiles } from '../../shared/engine/knowledge/load';
import { appendAudit } from '../audit/audit';
import type { HubStore } from '../store/store';
import type { ChangeMeta } from '../sync/changes';
import { contentHash, itemRow, putKnowledgeRow } from './publish';

/** What the knowledge runtime needs from the hub (a HubContext provides it; so does a test). */
export interface KnowledgeDeps {
  store: HubStore;
  now: () => number;
  log: Logger;
  /** Pokes connected workstations after a commit that wrote change rows. */
  notify: () => void;
}

export type ReloadReason = 'start' | 'watch' | 'manual';

export interface ReloadReport {
  at: number;
  reason: ReloadReason;
  /** false: nothing was published, the previous items stay (see `errors`). */
  ok: boolean;
  files: string[];
  /** Readable, line-numbered (`diabetes.jsonl:12 (dm-hypo-mild): …`). */
  errors: string[];
  /** Items in the files (ok only). */
  items: number;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  /** Last change-log seq written (0 if nothing changed). */
  seq: number;
}

export const INTERACTIONS_FILE = 'interactions.json';
const MAX_LOGGED_ERRORS = 50;
const MAX_AUDITED_IDS = 500;

/** Knowledge files of a directory: `*.jsonl` and `*.json` arrays (not interactions.json), no hidden or lock files. */
export function isKnowledgeFile(name: string): boolean {
  if (name.startsWith('.') || name.startsWith('#')) return false;
  return /\.jsonl$/i.test(name) || (/\.json$/i.test(name) && name !== INTERACTIONS_FILE);
}

/** A name the watcher should react to (the files above and interactions.json; editors' temp files are ignored). */
export function isWatchedName(name: string): boolean {
  return isKnowledgeFile(name) || name === INTERACTIONS_FILE;
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Reads and validates the whole directory. Never throws: a directory that cannot
 * be read, a file that vanished between listing and reading (an editor's
 * rename-into-place), invalid JSON, schema problems and duplicate ids are all
 * errors, and any error refuses the whole reload.
 */
export function readKnowledgeDir(dir: string) {
  const errors: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter(isWatchedName).sort();
  } catch (e) {
    return { files: [] as string[], items: [], fileOf: {} as Record<string, string>, lineOf: {} as Record<string, number>, errors: [`${dir}: cannot read the knowledge directory (${errnoOf(e)})`] };
  }
  const files: { name: string; text: string }[] = [];
  for (const name of names) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch (e) {
      errors.push(`${name}: cannot be read (${errnoOf(e)}); retried on the next change`);
      continue;
    }
    if (name === INTERACTIONS_FILE) errors.push(...loadInteractions(text, name).errors);
    else files.push({ name, text });
  }
  if (!files.length && !errors.length) errors.push(`${dir}: no knowledge files (*.jsonl); keeping the current items rather than removing them all`);
  const loaded = loadKnowledgeFiles(files);
  errors.push(...loaded.errors.map(formatLoadError));
  return { files: files.map((f) => f.name), items: loaded.items, fileOf: loaded.fileOf, lineOf: loaded.lineOf, errors };
}

/**
 * One reload of the knowledge directory into the change log:
 * - any error → nothing is published, the previous items keep being served, each
 *   error is logged (line-numbered) and the refusal is audited;
 * - otherwise, in ONE transaction: items whose content hash differs from what the
 *   hub serves (or that are new, or come back after removal) are published
 *   (knowledge_item put); items that left the files are published as `removed`;
 *   unchanged items write nothing. A retired item (review queue) stays retired
 *   when its text changes. One `knowledge.reload` audit record per reload.
 */
export async function reloadKnowledge(deps: KnowledgeDeps, dir: string, reason: ReloadReason): Promise<ReloadReport> {
  const at = deps.now();
  const read = readKnowledgeDir(dir);
  const base: ReloadReport = { at, reason, ok: false, files: read.files, errors: read.errors, items: 0, added: [], changed: [], removed: [], unchanged: 0, seq: 0 };
  if (read.errors.length) {
    for (const e of read.errors.slice(0, MAX_LOGGED_ERRORS)) deps.log.warn({ dir, reason }, `knowledge: ${e}`);
    deps.log.warn({ dir, reason, errors: read.errors.length }, `knowledge reload refused (${read.errors.length} error(s)); still serving the previous items`);
    await deps.store.write((tx) =>
      appendAudit(tx, { at, userId: null, workstationId: null, action: 'knowledge.reload', objectType: 'knowledge', objectId: dir, outcome: 'rejected', detail: { reason, files: read.files.length, errorCount: read.errors.length, errors: read.errors.slice(0, MAX_LOGGED_ERRORS) } }),
    );
    return base;
  }

  const meta: ChangeMeta = { at, actorId: null };
  const report = await deps.store.write(async (tx) => {
    const r: ReloadReport = { ...base, ok: true, items: read.items.length };
    const sources = new Map((await tx.listKnowledgeSources()).map((s) => [s.itemId, s]));
    const seen = new Set<string>();
    for (const item of read.items) {
      seen.add(item.id);
      const hash = contentHash(item);
      const file = read.fileOf[item.id] ?? '';
      const line = read.lineOf[item.id] ?? 1;
      const current = await tx.getKnowledgeItem(item.id);
      const live = current !== null && current.status !== 'removed';
      if (live && contentHash(current.body) === hash) {
        r.unchanged++;
        const src = sources.get(item.id);
        if (!src || src.hash !== hash || src.file !== file || src.line !== line) await tx.putKnowledgeSource({ itemId: item.id, hash, file, line, updatedAt: at });
        continue;
      }
      r.seq = await putKnowledgeRow(tx, itemRow(item, at, current?.status === 'retired' ? 'retired' : 'active'), meta);
      (live ? r.changed : r.added).push(item.id);
      await tx.putKnowledgeSource({ itemId: item.id, hash, file, line, updatedAt: at });
    }
    for (const id of sources.keys()) {
      if (seen.has(id)) continue;
      const current = await tx.getKnowledgeItem(id);
      if (current && current.status !== 'removed') {
        r.seq = await putKnowledgeRow(tx, { ...current, status: 'removed', updatedAt: at }, meta);
        r.removed.push(id);
      }
      await tx.deleteKnowledgeSource(id);
    }
    const cap = (ids: string[]) => ids.slice(0, MAX_AUDITED_IDS);
    await appendAudit(tx, {
      at,
      userId: null,
      workstationId: null,
      action: 'knowledge.reload',
      objectType: 'knowledge',
      objectId: dir,
      outcome: 'ok',
      detail: { reason, files: r.files.length, items: r.items, added: cap(r.added), changed: cap(r.changed), removed: cap(r.removed), unchanged: r.unchanged, seq: r.seq },
    });
    return r;
  });
  if (report.seq > 0) deps.notify();
  deps.log.info({ dir, reason, items: report.items, added: report.added.length, changed: report.changed.length, removed: report.removed.length, unchanged: report.unchanged, seq: report.seq }, 'knowledge reloaded');
  return report;
}
