/// <reference lib="webworker" />
/**
 * The knowledge engine in a Web Worker: suggestions are computed off the UI thread,
 * so typing never waits for them. Messages: `init` (bundle), `delta` (what
 * `knowledge.changes` answered: applied to the running index, no rebuild) and
 * `suggest` (input); answers carry the request id so the panel ignores stale results.
 */
import { applyKnowledgeDelta, createEngine, knowledgeItemSchema, type Engine, type KnowledgeItem, type SuggestInput } from '../../../shared/engine';
import { loadInteractions } from '../../../shared/engine/drugs/interactions';

export type EngineInMsg =
  | { type: 'init'; items: unknown[]; interactions: unknown; retired: string[] }
  | { type: 'delta'; items: unknown[]; removed: string[]; retired: string[] }
  | { type: 'suggest'; id: number; input: SuggestInput };

export type EngineOutMsg =
  | { type: 'ready'; size: number }
  | { type: 'updated'; upserted: string[]; removed: string[]; invalid: string[]; size: number }
  | { type: 'result'; id: number; result: ReturnType<Engine['suggest']>; ms: number }
  | { type: 'error'; id: number | null; message: string };

let engine: Engine | null = null;
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: EngineOutMsg) => scope.postMessage(m);

scope.onmessage = (ev: MessageEvent<EngineInMsg>) => {
  const msg = ev.data;
  try {
    if (msg.type === 'init') {
      const items: KnowledgeItem[] = [];
      for (const raw of msg.items) {
        const parsed = knowledgeItemSchema.safeParse(raw);
        if (parsed.success) items.push(parsed.data);
      }
      const inter = loadInteractions(JSON.stringify(msg.interactions));
      engine = createEngine({ items, interactions: inter.table, retired: msg.retired });
      post({ type: 'ready', size: engine.size });
    } else if (msg.type === 'delta') {
      if (!engine) return;
      const outcome = applyKnowledgeDelta(engine, msg);
      post({ type: 'updated', ...outcome, size: engine.size });
    } else if (msg.type === 'suggest') {
      if (!engine) return;
      const t0 = performance.now();
      const result = engine.suggest(msg.input);
      post({ type: 'result', id: msg.id, result, ms: performance.now() - t0 });
    }
  } catch (e) {
    post({ type: 'error', id: msg.type === 'suggest' ? msg.id : null, message: String(e) });
  }
};
