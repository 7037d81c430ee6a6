import { useEffect, useRef, useState } from 'react';
import type { SuggestInput, SuggestResult } from '../../../shared/engine';
import type { LanternClient } from '../lib/client';

const DEBOUNCE_MS = 60;

/**
 * Runs the local knowledge engine in a worker and returns its latest suggestions for
 * `input`. Stale answers (for text the agent has already changed) are dropped.
 */
export function useEngine(client: LanternClient, input: SuggestInput | null): { result: SuggestResult | null; ready: boolean; ms: number | null } {
  const worker = useRef<Worker | null>(null);
  const seq = useRef(0);
  const [ready, setReady] = useState(false);
  const [result, setResult] = useState<SuggestResult | null>(null);
  const [ms, setMs] = useState<number | null>(null);

  useEffect(() => {
    const w = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    w.onmessage = (ev: MessageEvent<{ type: string; id?: number; result?: SuggestResult; ms?: number }>) => {
      if (ev.data.type === 'ready') setReady(true);
      if (ev.data.type === 'result' && ev.data.id === seq.current && ev.data.result) {
        setResult(ev.data.result);
        setMs(ev.data.ms ?? null);
      }
    };
    void client.knowledge.bundle().then((b) => {
      if (b.ok) w.postMessage({ type: 'init', items: b.value.items, interactions: b.value.interactions, retired: b.value.retired });
    });
    return () => {
      w.terminate();
      worker.current = null;
    };
  }, [client]);

  const key = input ? JSON.stringify(input) : '';
  useEffect(() => {
    if (!ready || !input) {
      setResult(null);
      return;
    }
    const t = setTimeout(() => {
      seq.current += 1;
      worker.current?.postMessage({ type: 'suggest', id: seq.current, input });
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
    // `key` captures every field of input.
  }, [ready, key]);

  return { result, ready, ms };
}
