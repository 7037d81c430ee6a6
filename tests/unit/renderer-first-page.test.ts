import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  arrivedFirstPage,
  firstPageArrival,
  firstPageInput,
  prefetchFirstPage,
  takePrefetchedFirstPage,
} from '../../renderer/src/app/firstPage';
type Client = Parameters<typeof prefetchFirstPage>[0];
type ListAnswer = ReturnType<Client['conversations']['list']>;
const PAGE = { items: [], total: 3, tags: ['糖尿病'] };

/** A bridge whose conversations.list answers when the test says so. */
function deferredClient() {
  let answer!: (v: Awaited<ListAnswer>) => void;
  const pending = new Promise<Awaited<ListAnswer>>((r) => (answer = r));
  const client = { conversations: { list: vi.fn(() => pending) } } as unknown as Client;
  return { client, answer };
}

describe('renderer first page: the first render waits briefly for the prefetched inbox page', () => {
  afterEach(() => {
    takePrefetchedFirstPage(firstPageInput({}));
    vi.useRealTimers();
  });

  it('hands the page to the first render once it has arrived, for exactly the same request', async () => {
    const { client, answer } = deferredClient();
    prefetchFirstPage(client);
    expect(arrivedFirstPage(firstPageInput({}))).toBeNull();
    const waited = firstPageArrival(10_000);
    answer({ ok: true, value: PAGE } as Awaited<ListAnswer>);
    await waited;
    expect(arrivedFirstPage(firstPageInput({}))).toEqual(PAGE);
    // Another filter is another request: not this page.
    expect(arrivedFirstPage(firstPageInput({ query: 'x' } as Parameters<typeof firstPageInput>[0]))).toBeNull();
    // The inbox's refresh then takes the same answer, once.
    expect(await takePrefetchedFirstPage(firstPageInput({}))).toEqual({ ok: true, value: PAGE });
    expect(arrivedFirstPage(firstPageInput({}))).toBeNull();
    expect(takePrefetchedFirstPage(firstPageInput({}))).toBeNull();
  });

  it('draws without rows after the wait when the bridge is slow', async () => {
    vi.useFakeTimers();
    const { client, answer } = deferredClient();
    prefetchFirstPage(client);
    let done = false;
    void firstPageArrival(250).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(249);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(arrivedFirstPage(firstPageInput({}))).toBeNull();
    answer({ ok: true, value: PAGE } as Awaited<ListAnswer>);
    await vi.advanceTimersByTimeAsync(0);
    expect(arrivedFirstPage(firstPageInput({}))).toEqual(PAGE);
  });

  it('keeps no page from a failed answer, and does not wait when nothing was asked', async () => {
    const { client, answer } = deferredClient();
    prefetchFirstPage(client);
    const waited = firstPageArrival(10_000);
    answer({ ok: false, error: { code: 'locked', message: 'locked' } } as Awaited<ListAnswer>);
    await waited;
    expect(arrivedFirstPage(firstPageInput({}))).toBeNull();
    takePrefetchedFirstPage(firstPageInput({}));
    await expect(firstPageArrival(10_000)).resolves.toBeUndefined();
  });
});
