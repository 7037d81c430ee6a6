import { firstPageInput } from './startRules';
// The contract's types, not lib/client (which reaches for window): the unit tests run this in Node.
import type { Contract } from '../../../shared/contract';
import type { Client } from '../../../shared/contract/client';

type LanternClient = Client<Contract>;

type ListInput = Parameters<LanternClient['conversations']['list']>[0];
type ListAnswer = ReturnType<LanternClient['conversations']['list']>;

export { FIRST_PAGE, firstPageInput } from './startRules';

type ListValue = Extract<Awaited<ListAnswer>, { ok: true }>['value'];

let prefetched: { key: string; answer: ListAnswer } | null = null;
/** The prefetched page once it has arrived: the inbox's first render shows it at once. */
let arrived: { key: string; value: ListValue } | null = null;

/**
 * Asks for the unfiltered inbox's first page at start, as soon as the session says the
 * workspace will show: the answer crosses the bridge while the translations load and React
 * builds the page, instead of after both.
 */
export function prefetchFirstPage(client: LanternClient, started?: ListAnswer): void {
  const input = firstPageInput({});
  // public/early.js may have asked already (it answers null when it judged the workspace hidden).
  const answer = started ? started.then((r) => r ?? client.conversations.list(input)) : client.conversations.list(input);
  const key = JSON.stringify(input);
  prefetched = { key, answer };
  arrived = null;
  void answer.then((r) => {
    if (r.ok && prefetched?.answer === answer) arrived = { key, value: r.value };
  });
}

/**
 * Resolves once the prefetched page has arrived, or after `waitMs` — whichever is first.
 * The shell's first render waits this long so that it can draw the rows in the same frame
 * instead of an empty list followed by a second render and layout.
 */
export function firstPageArrival(waitMs: number): Promise<void> {
  const p = prefetched;
  if (!p) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    void p.answer.then(
      () => {
        clearTimeout(timer);
        // After prefetchFirstPage's own handler, so `arrived` is set.
        queueMicrotask(resolve);
      },
      () => resolve(),
    );
  });
}

/** The prefetched page if it has arrived and is for exactly this request (it stays to be taken). */
export function arrivedFirstPage(input: ListInput): ListValue | null {
  return arrived && arrived.key === JSON.stringify(input) ? arrived.value : null;
}

/** The prefetched answer when it is for exactly this request — once; null otherwise. */
export function takePrefetchedFirstPage(input: ListInput): ListAnswer | null {
  const p = prefetched;
  prefetched = null;
  arrived = null;
  return p && p.key === JSON.stringify(input) ? p.answer : null;
}
