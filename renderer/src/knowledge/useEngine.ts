import { useEffect, useRef, useState } from 'react';
import type { SuggestInput, SuggestResult } from '../../../shared/engine';
import type { LanternClient } from '../lib/client';
import { onSyncVersion } from '../app/useSync';
import type { EngineInMsg, EngineOutMsg } from './engine.worker';

const DEBOUNCE_MS = 60;

export interface EngineState {
  result: SuggestResult | null;
  ready: boolean;
  ms: number | null;
  /** The knowledge version the worker's index holds (bundle, then each applied `knowledge.changes`). */
  version: number | null;
}

/**
 * Runs the local knowledge engine in a worker and returns its latest suggestions for
 * `input`. Stale answers (for text the agent has already changed) are dropped.
 *
 * Live updates: whenever the sync indicator's version moves, asks the workstation for
 * `knowledge.changes({ since })` and posts the delta to the worker, which upserts it
 * into the running index (no rebuild); the whole bundle is loaded again only when the
 * answer's version is behind `since` (the replica was re-synced from the start). The
 * current input is suggested again after every update, so the cards follow at once.
 */
export function useEngine(client: LanternClient, input: SuggestInput | null, start = true): EngineState {
  const worker = useRef<Worker | null>(null);
  const seq = useRef(0);
  const [ready, setReady] = useState(false);
  const [result, setResult] = useState<SuggestResult | null>(null);
  const [ms, setMs] = useState<number | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  /** Bumped when the index changed: re-runs the suggestion for the current input. */
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    // Waits for the caller (the inbox's first screenful is drawn first; the worker's
    // script and the bundle then load while the agent reads).
    if (!start) return;
    let alive = true;
    const w = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    const post = (m: EngineInMsg) => w.postMessage(m);
    /** What the worker holds: null until the first bundle arrived. */
    let held: number | null = null;
    let retiredKey = '';
    let busy = false;
    let again = false;

    w.onmessage = (ev: MessageEvent<EngineOutMsg>) => {
      if (!alive) return;
      const m = ev.data;
      if (m.type === 'ready') {
        setReady(true);
        setGeneration((g) => g + 1);
      } else if (m.type === 'updated') setGeneration((g) => g + 1);
      else if (m.type === 'result' && m.id === seq.current) {
        setResult(m.result);
        setMs(m.ms);
      }
    };

    async function loadBundle(): Promise<void> {
      const b = await client.knowledge.bundle();
      if (!alive || !b.ok) return;
      post({ type: 'init', items: b.value.items, interactions: b.value.interactions, retired: b.value.retired });
      held = b.value.version;
      retiredKey = [...b.value.retired].sort().join('\n');
      setVersion(held);
    }

    async function catchUp(): Promise<void> {
      if (held === null) return;
      const since = held;
      const r = await client.knowledge.changes({ since });
      if (!alive || !r.ok) return;
      const d = r.value;
      if (d.version < since) {
        // The replica started over (another hub, a reset): the index must too.
        await loadBundle();
        return;
      }
      const key = [...d.retired].sort().join('\n');
      if (d.items.length || d.removed.length || key !== retiredKey) post({ type: 'delta', items: d.items, removed: d.removed, retired: d.retired });
      retiredKey = key;
      held = d.version;
      setVersion(d.version);
    }

    /** One request at a time; a version change during one queues exactly one more. */
    async function refresh(): Promise<void> {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          await catchUp();
        } while (again && alive);
      } finally {
        busy = false;
      }
    }

    const first = loadBundle();
    const unsubscribe = onSyncVersion(() => void first.then(refresh));
    return () => {
      alive = false;
      unsubscribe();
      w.terminate();
      worker.current = null;
    };
  }, [client, start]);

  const key = input ? JSON.stringify(input) : '';
  useEffect(() => {
    if (!ready || !input) {
      setResult(null);
      return;
    }
    const t = setTimeout(() => {
      seq.current += 1;
      worker.current?.postMessage({ type: 'suggest', id: seq.current, input } satisfies EngineInMsg);
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
    // `key` captures every field of input; `generation` moves when the index changed.
  }, [ready, key, generation]);

  return { result, ready, ms, version };
}
