/**
 * npm run bench -- renderer
 *
 * The unified inbox at 10,000 conversations in real Chromium over a real encrypted
 * replica, against the same page with ~100 conversations in the same run.
 *
 * - inbox_first_paint_ms: from navigation start to the end of the first frame that
 *   has inbox rows in the DOM: a requestAnimationFrame callback after the rows appear
 *   posts a message, and the message runs after that frame's style, layout and paint.
 *   It is read in the page (performance.now() is relative to the navigation's time
 *   origin) and reported through a binding, so it is the agent's wait and nothing
 *   polls the page while it loads. It includes loading the built renderer, the
 *   session calls, the first page of the list from the replica and React's first
 *   render.
 * - scroll_frame_p95_ms: scrolling the virtualized list from top to bottom, one
 *   step per frame. Chromium runs with --disable-frame-rate-limit and
 *   --disable-gpu-vsync, so each frame's time is the time the page needed to
 *   produce it (script, style, layout, paint) instead of being rounded up to the
 *   16.7 ms vsync grid; a frame at or under 16.7 ms keeps up with a 60 Hz screen.
 *   scroll_vsync_frame_p95_ms is the same scroll with vsync on, for reference.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, BrowserContext } from 'playwright-core';
import { createWorkstation, type Workstation } from '../electron/services/workstation';
import { createStaticKeyStore } from '../electron/services/replica/keystore';
import { installBridge, launchBrowser, launchPersistent, REPO_ROOT, startRendererServer } from '../tests/e2e/harness';
import { median, percentile, round, writeResult } from './lib';

const DEMO = join(REPO_ROOT, 'resources', 'demo', 'demo.json');
const UNTHROTTLED = ['--disable-frame-rate-limit', '--disable-gpu-vsync'];
const RUNS = 5;

async function station(dir: string, n: number): Promise<Workstation> {
  const ws = await createWorkstation({ dataDir: dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 'bench', hubUrl: null, demoDataPath: DEMO });
  const now = Date.now();
  const s = ws.replica.sqlite;
  const insC = s.prepare('INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const insV = s.prepare("INSERT INTO conversations (id, contact_id, channel, status, priority, last_message_at, last_message_preview, unread_count, created_at, updated_at) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)");
  const channels = ['webchat', 'wechat', 'wecom', 'sms', 'email', 'phone', 'device'];
  s.transaction(() => {
    for (let i = 0; i < n; i++) {
      insC.run(`bc${i}`, `患者${i}`, now, now);
      insV.run(`bv${i}`, `bc${i}`, channels[i % 7], i % 97 === 0 ? 'urgent' : 'normal', now - i * 1000, `您好，请问明天上午的门诊还能挂号吗？第${i}条`, i % 3, now, now);
    }
  })();
  return ws;
}

/** Reports, from the page, when the first frame that shows inbox rows has been painted. */
const FIRST_ROWS_PROBE = `(() => {
  let done = false;
  const seen = () => {
    if (done) return;
    if (document.querySelector('[data-testid=inbox-row]')) {
      done = true;
      obs.disconnect();
      const ch = new MessageChannel();
      ch.port1.onmessage = () => window.__benchFirstRows(performance.now());
      requestAnimationFrame(() => ch.port2.postMessage(0));
    }
  };
  const obs = new MutationObserver(seen);
  document.addEventListener('DOMContentLoaded', () => { obs.observe(document.body, { childList: true, subtree: true }); seen(); });
})();`;

const SCROLL = `(async () => {
  const el = document.querySelector('[data-testid=inbox-list]');
  const frames = [];
  const rows = [];
  let last = performance.now();
  await new Promise((resolve) => {
    const step = () => {
      const now = performance.now();
      frames.push(now - last);
      last = now;
      rows.push(document.querySelectorAll('[data-testid=inbox-row]').length);
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 2) return resolve();
      el.scrollTop += Math.max(400, el.scrollHeight / 240);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  return { frames: frames.slice(2), maxRows: Math.max(...rows) };
})()`;

async function firstPaint(context: BrowserContext, url: string, ws: Workstation): Promise<number> {
  // A new page (a new window: its own renderer process) in the one context of the run.
  const page = await context.newPage();
  try {
    await installBridge(page, ws.dispatch);
    let report!: (at: number) => void;
    const painted = new Promise<number>((resolve) => (report = resolve));
    await page.exposeFunction('__benchFirstRows', (at: number) => report(at));
    await page.addInitScript(FIRST_ROWS_PROBE);
    await page.goto(url);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no inbox rows within 30 s')), 30_000)));
    try {
      return await Promise.race([painted, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await page.close();
  }
}

async function scroll(browser: Browser, url: string, ws: Workstation) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
  try {
    await installBridge(page, ws.dispatch);
    await page.goto(url);
    await page.getByTestId('inbox-row').first().waitFor();
    // Wait for the whole list (the first screenful comes first).
    await page.waitForTimeout(1500);
    return (await page.evaluate(SCROLL)) as { frames: number[]; maxRows: number };
  } finally {
    await page.close();
  }
}

async function measure(url: string, ws: Workstation) {
  const fast = await launchBrowser(UNTHROTTLED);
  const vsync = await launchBrowser();
  try {
    const paints: number[] = [];
    // One on-disk profile for every load, as the app has one persistent session: its HTTP cache and
    // V8 code cache survive restarts (the app:// scheme is registered with codeCache). Two
    // warm-up loads, as Chromium stores a script's compiled code on its second run; the
    // median of the loads after them counts — an agent's start of a shift, not the first
    // start after installation.
    const profile = mkdtempSync(join(tmpdir(), 'lantern-bench-profile-'));
    const context = await launchPersistent(profile, UNTHROTTLED);
    try {
      for (let i = 0; i < 2; i++) await firstPaint(context, url, ws);
      for (let i = 0; i < RUNS; i++) paints.push(await firstPaint(context, url, ws));
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
    const c0 = performance.now();
    const list = await ws.dispatch('conversations.list', { limit: 100 });
    const firstPageMs = performance.now() - c0;
    if (!list.ok) throw new Error(list.error.code);
    const s = await scroll(fast, url, ws);
    const v = await scroll(vsync, url, ws);
    return { paint: median(paints), firstPageMs, frameP95: percentile(s.frames, 95), frameP50: percentile(s.frames, 50), frames: s.frames.length, vsyncP95: percentile(v.frames, 95), maxRows: Math.max(s.maxRows, v.maxRows) };
  } finally {
    await fast.close();
    await vsync.close();
  }
}

export async function runRendererBench() {
  const root = mkdtempSync(join(tmpdir(), 'lantern-bench-renderer-'));
  const server = await startRendererServer();
  const small = await station(join(root, 'small'), 100);
  const big = await station(join(root, 'big'), 10_000);
  try {
    const s = await measure(server.url, small);
    const b = await measure(server.url, big);
    return writeResult('renderer', {
      figures: {
        conversations: 10_012,
        inbox_first_paint_ms: round(b.paint, 0),
        inbox_first_paint_ms_baseline_100: round(s.paint, 0),
        inbox_first_paint_ratio: round(b.paint / s.paint),
        first_page_call_ms: round(b.firstPageMs, 1),
        scroll_frame_p50_ms: round(b.frameP50, 1),
        scroll_frame_p95_ms: round(b.frameP95, 1),
        scroll_frame_p95_ms_baseline_100: round(s.frameP95, 1),
        scroll_frame_p95_ratio: round(b.frameP95 / s.frameP95),
        scroll_frames: b.frames,
        scroll_vsync_frame_p95_ms: round(b.vsyncP95, 1),
        scroll_vsync_frame_p95_ms_baseline_100: round(s.vsyncP95, 1),
        max_rows_in_dom: b.maxRows,
      },
      targets: { inbox_first_paint_ms: '<= 1000', scroll_frame_p95_ms: '<= 16.7', max_rows_in_dom: '<= 60' },
      notes: {
        method:
          'Headless Debian Chromium (software rendering, --disable-gpu) on the built renderer, a demo workstation plus 10,000 generated conversations in the encrypted replica; baseline: the same page with 112 conversations. First paint: median of 5 loads after two warm-up loads, each a new page (its own renderer process) in ONE on-disk Chromium profile, as the app keeps one persistent session whose HTTP cache and V8 code cache (app:// is registered with codeCache) survive restarts — an agent starting a shift, not the first start after installation; read in the page as the end of the first frame with inbox rows (a message posted from its animation-frame callback runs after the frame\'s layout and paint), reported through a binding with no polling. Scroll: one step of max(400 px, 1/240 of the list) per frame from top to bottom, frame times with the frame-rate limit and vsync off (the time each frame took to produce); the vsync figures are the same scroll at 60 Hz, where any frame over 16.7 ms shows as 33.3 ms.',
        analysis:
          'First paint does not depend on list size (10,000 conversations vs 112: within noise). Until 2026-12-03 this benchmark opened every load in a fresh incognito context, so each load fetched and compiled the 369 kB bundle cold (1,157 ms) although the method said warm; with the cache the app really has, the bundle comes from disk with its compiled code. public/early.js is deferred, so it is fetched alongside the bundle instead of blocking the parser (it still runs first: an e2e test counts the start-up bridge calls). Earlier work that still counts: a contract-free Proxy client keeps zod and the schemas out of the main chunk; English, the conversation view and the side panels load after the first frame; early.js starts session.info and the first inbox page before the bundle runs; the first render waits up to 250 ms for that page so the rows come in React\'s first commit; list times are formatted without Intl. What remains: ~150–250 ms of renderer-process start before the first request, then evaluation, i18n set-up, the first render and the first layout of CJK text. A first start after installation (cold cache) is ~1.1–1.3 s on this VM. Scroll: rows keyed by window slot keep their DOM nodes, per-language labels are computed once, overscan drops to one row while the list jumps, rows are CSS-contained: p95 at 10,000 rows is within a few ms of the small list (figures above).',
      },
    });
  } finally {
    await small.close();
    await big.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
