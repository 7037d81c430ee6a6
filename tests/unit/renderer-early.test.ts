import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { firstPageInput, showsWorkspace } from '../../renderer/src/app/startRules';

const EARLY = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'public', 'early.js'), 'utf8');

/** Runs public/early.js against a bridge answering session.info with `info`; returns the calls it made. */
async function runEarly(info: { ok: boolean; value?: Record<string, unknown> }) {
  const calls: [string, unknown][] = [];
  const window: Record<string, unknown> = {
    lantern: { invoke: (method: string, input: unknown) => (calls.push([method, input]), Promise.resolve(method === 'session.info' ? info : { ok: true, value: { items: [] } })) },
  };
  runInNewContext(EARLY, { window });
  const early = window.__lanternEarly as { sessionInfo: Promise<unknown>; firstPage: Promise<unknown> };
  expect(await early.sessionInfo).toEqual(info);
  const firstPage = await early.firstPage;
  return { calls, firstPage };
}

describe('renderer/public/early.js (bridge calls started before the main bundle runs)', () => {
  const cases = [
    { mode: 'demo', user: null, locked: false },
    { mode: 'hub', user: { id: 'u-agent' }, locked: false },
    { mode: 'hub', user: null, locked: false },
    { mode: 'hub', user: { id: 'u-agent' }, locked: true },
  ];
  for (const value of cases) {
    it(`asks for the first inbox page exactly when the workspace shows (${JSON.stringify(value)})`, async () => {
      const { calls, firstPage } = await runEarly({ ok: true, value });
      const shows = showsWorkspace(value as Parameters<typeof showsWorkspace>[0]);
      expect(calls[0]).toEqual(['session.info', {}]);
      if (shows) {
        // The same request the inbox makes, so firstPage.ts can hand the answer over.
        expect(calls[1]).toEqual(['conversations.list', JSON.parse(JSON.stringify(firstPageInput({})))]);
        expect(firstPage).toEqual({ ok: true, value: { items: [] } });
      } else {
        expect(calls).toHaveLength(1);
        expect(firstPage).toBeNull();
      }
    });
  }

  it('does nothing without a bridge, and asks nothing more when session.info fails', async () => {
    const window: Record<string, unknown> = {};
    runInNewContext(EARLY, { window });
    expect(window.__lanternEarly).toBeUndefined();
    const { calls, firstPage } = await runEarly({ ok: false });
    expect(calls).toHaveLength(1);
    expect(firstPage).toBeNull();
  });
});
