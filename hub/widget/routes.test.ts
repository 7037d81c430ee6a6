import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../testing/harness';

describe('widget static routes', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub();
  });
  afterAll(() => t.close());

  it('serves the module with CORS for embedding, and a demo page with a strict CSP', async () => {
    const js = await fetch(`${t.url}/widget/widget.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('access-control-allow-origin')).toBe('*');
    const src = await js.text();
    expect(src).toContain('export function mount');
    expect(src).not.toMatch(/innerHTML/);
    const demo = await fetch(`${t.url}/widget/demo`);
    expect(demo.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await demo.text()).toContain('<script type="module" src="/widget/widget.js" data-lantern-widget>');
  });

  it('is not served when the web chat is disabled', async () => {
    const off = await startHub({ config: { channels: { webchat: { enabled: false } } } });
    try {
      expect((await fetch(`${off.url}/widget/widget.js`)).status).toBe(404);
      expect((await fetch(`${off.url}/widget/ws`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
