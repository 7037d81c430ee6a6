/// <reference lib="webworker" />
/**
 * The knowledge engine in a Web Worker: suggestions are computed off the UI thread,
 * so typing never waits for them. Messages: `init` (bundle) then `suggest` (input);
 * answers carry the request id so the panel ignores stale results.
 */
import { createEngine, knowledgeItemSchema, type Engine, type KnowledgeItem, type SuggestInput } from '../../../shared/engine';
import { loadInteractions } from '../../../shared/engine/drugs/interactions';

type InMsg = { type: 'init'; items: unknown[]; interactions: unknown; retired: string[] } | { type: 'suggest'; id: number; input: SuggestInput } | { type: 'retire'; ids: string[] };

let engine: Engine | null = null;
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (ev: MessageEvent<InMsg>) => {
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
      scope.postMessage({ type: 'ready', size: engine.size });
    } else if (msg.type === 'retire') {
      engine?.setRetired(msg.ids);
    } else if (msg.type === 'suggest') {
      if (!engine) return;
      const t0 = performance.now();
      const result = engine.suggest(msg.input);
      scope.postMessage({ type: 'result', id: msg.id, result, ms: performance.now() - t0 });
    }
  } catch (e) {
    scope.postMessage({ type: 'error', id: 'id' in msg ? msg.id : null, message: String(e) });
  }
};
