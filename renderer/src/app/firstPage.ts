import { firstPageInput } from './startRules';
import type { LanternClient } from '../lib/client';

type ListInput = Parameters<LanternClient['conversations']['list']>[0];
type ListAnswer = ReturnType<LanternClient['conversations']['list']>;

export { FIRST_PAGE, firstPageInput } from './startRules';

let prefetched: { key: string; answer: ListAnswer } | null = null;

/**
 * Asks for the unfiltered inbox's first page at start, as soon as the session says the
 * workspace will show: the answer crosses the bridge while the translations load and React
 * builds the page, instead of after both.
 */
export function prefetchFirstPage(client: LanternClient, started?: ListAnswer): void {
  const input = firstPageInput({});
  // public/early.js may have asked already (it answers null when it judged the workspace hidden).
  const answer = started ? started.then((r) => r ?? client.conversations.list(input)) : client.conversations.list(input);
  prefetched = { key: JSON.stringify(input), answer };
}

/** The prefetched answer when it is for exactly this request — once; null otherwise. */
export function takePrefetchedFirstPage(input: ListInput): ListAnswer | null {
  const p = prefetched;
  prefetched = null;
  return p && p.key === JSON.stringify(input) ? p.answer : null;
}
