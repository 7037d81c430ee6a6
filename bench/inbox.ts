/**
 * npm run bench -- inbox
 *
 * The unified inbox at 10,000 conversations in real Chromium over a real encrypted
 * replica, against the same page with 100 conversations in the same run: time to
 * first rows, the contract call itself, and frame times while scrolling from top to
 * bottom (requestAnimationFrame deltas). A virtualized list keeps the DOM and the
 * frame time flat as the inbox grows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createWorkstation, type Workstation } from '../electron/services/workstation';
import { createStaticKeyStore } from '../electron/services/replica/keystore';
import { installBridge, launchBrowser, REPO_ROOT, startRendererServer } from '../tests/e2e/harness';
import { percentile, round, writeResult } from './lib';

const DEMO = join(REPO_ROOT, 'resources', 'demo', 'demo.json');

async function station(dir: string, n: number): Promise<Workstation> {
  const ws = await createWorkstation({ dataDir: dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 'bench', hubUrl: null, demoDataPath: DEMO });
  const now = Date.now();
  const s = ws.replica.sqlite;
  const insC = s.prepare("INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)");
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

async function measure(url: string, ws: Workstation) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
    await installBridge(page, ws.dispatch);
    const t0 = performance.now();
    await page.goto(url);
    await page.getByTestId('inbox-row').first().waitFor();
    const firstRowsMs = performance.now() - t0;
    const c0 = performance.now();
    const list = await ws.dispatch('conversations.list', { limit: 20000 });
    const listMs = performance.now() - c0;
    if (!list.ok) throw new Error(list.error.code);
    // A string (not a function): tsx rewrites function sources with helpers the page lacks.
    const result = (await page.evaluate(`(async () => {
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
      return { frames: frames.slice(1), maxRows: Math.max(...rows) };
    })()`)) as { frames: number[]; maxRows: number };
    return { firstRowsMs, listMs, frameP95: percentile(result.frames, 95), frameP50: percentile(result.frames, 50), maxRows: result.maxRows };
  } finally {
    await browser.close();
  }
}

export async function runInboxBench() {
  const root = mkdtempSync(join(tmpdir(), 'lantern-bench-inbox-'));
  const server = await startRendererServer();
  const small = await station(join(root, 'small'), 100);
  const big = await station(join(root, 'big'), 10_000);
  try {
    const s = await measure(server.url, small);
    const b = await measure(server.url, big);
    return writeResult('inbox', {
      figures: {
        conversations: 10_012,
        first_rows_ms: round(b.firstRowsMs, 0),
        first_rows_ms_baseline_100: round(s.firstRowsMs, 0),
        list_call_ms: round(b.listMs, 1),
        scroll_frame_p50_ms: round(b.frameP50, 1),
        scroll_frame_p95_ms: round(b.frameP95, 1),
        scroll_frame_p95_ms_baseline_100: round(s.frameP95, 1),
        scroll_frame_p95_ratio: round(b.frameP95 / s.frameP95),
        max_rows_in_dom: b.maxRows,
      },
      targets: { scroll_frame_p95_ms: '<= 33', max_rows_in_dom: '<= 60' },
      notes: { method: 'Headless Debian Chromium (software rendering), the built renderer, demo workstation plus 10,000 generated conversations in the encrypted replica; scroll by rAF steps from top to bottom. Baseline: same page with 112 conversations. The first 100 rows are fetched before the full list; first_rows_ms includes Chromium start-up of the page and the replica query (urgent-first ordering sorts all rows).' },
    });
  } finally {
    await small.close();
    await big.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
