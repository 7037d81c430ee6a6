import { cpSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../shared/sync/protocol';
import type { HubStore } from '../store/store';
import { resolveKnowledgeDir, type KnowledgeOptions } from './index';
import { readRetirementSettings } from './publish';
import type { ReloadReport } from './reload';
import { copyKnowledge, SHIPPED_KNOWLEDGE, startKnowledgeHub, type KnowledgeTestHub } from './testing';

const NEW_ITEM = {
  id: 'adm-roof-garden',
  kind: 'answer',
  topic: 'admin',
  title: { 'zh-CN': '屋顶花园开放时间', en: 'Roof garden opening hours' },
  keywords: ['屋顶花园', '花园开放'],
  intervention: { text: { 'zh-CN': '住院部屋顶花园每天8:00至18:00开放，雨天关闭。（具体以本院最新公告为准）', en: 'The inpatient roof garden is open daily 8:00–18:00, closed when raining.' }, actions: [] },
};

const shippedIds = (): string[] =>
  readdirSync(SHIPPED_KNOWLEDGE)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(SHIPPED_KNOWLEDGE, f), 'utf8').split('\n'))
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => (JSON.parse(l) as { id: string }).id);

const knowledgeChanges = (changes: Change[]) => changes.filter((c) => c.entity === 'knowledge_item') as (Change & { data: { id: string; status?: string; body: Record<string, unknown> } })[];

/** A manual reload of a hub that has a knowledge directory. */
async function reloadNow(hub: KnowledgeTestHub): Promise<ReloadReport> {
  const r = await hub.knowledge.reload();
  if (!r) throw new Error('no knowledge directory');
  return r;
}

async function audits(store: HubStore, action: string) {
  const rows = await store.read((r) => r.auditPage(0, 100_000));
  return rows.filter((a) => a.action === action);
}

/** Edits one item's line in a file (by id) with `edit`, or drops it when `edit` returns null. */
function editItem(dir: string, file: string, id: string, edit: (item: Record<string, unknown>, line: string) => string | null): void {
  const path = join(dir, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`"id": "${id}"`) || l.includes(`"id":"${id}"`));
  if (i < 0) throw new Error(`${id} not in ${file}`);
  const next = edit(JSON.parse(lines[i]!) as Record<string, unknown>, lines[i]!);
  if (next === null) lines.splice(i, 1);
  else lines[i] = next;
  writeFileSync(path, lines.join('\n'));
}

describe('hub knowledge hot reload', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function hubWith(knowledge: KnowledgeOptions): Promise<{ hub: KnowledgeTestHub; dir: string }> {
    const k = copyKnowledge();
    const hub = await startKnowledgeHub({ knowledge: { dir: k.dir, ...knowledge } });
    cleanups.push(k.cleanup, () => hub.close());
    return { hub, dir: k.dir };
  }

  it('publishes the directory at start, then only what changed; removed items are published as removed and can come back', async () => {
    const { hub, dir } = await hubWith({ watch: false });
    const ids = shippedIds();
    expect(hub.knowledge.last).toMatchObject({ ok: true, reason: 'start', items: ids.length, unchanged: 0, errors: [] });
    expect(hub.knowledge.last!.added.sort()).toEqual([...ids].sort());

    const agent = await hub.signIn('agent');
    const first = knowledgeChanges(await agent.pullAll(0)).filter((c) => c.data.status);
    expect(first.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(first.every((c) => c.op === 'put' && c.data.status === 'active' && c.data.body.id === c.id)).toBe(true);

    // Nothing changed: nothing is published again.
    expect(await reloadNow(hub)).toMatchObject({ ok: true, added: [], changed: [], removed: [], unchanged: ids.length, seq: 0 });
    expect(knowledgeChanges(await agent.pullAll())).toEqual([]);

    // Same content, different key order and spacing: still unchanged (canonical content hash).
    editItem(dir, 'admin.jsonl', 'adm-pay-invoice', (item) => JSON.stringify(Object.fromEntries(Object.entries(item).reverse())));
    expect(await reloadNow(hub)).toMatchObject({ ok: true, changed: [], unchanged: ids.length });

    // One edited, one added, one deleted.
    editItem(dir, 'admin.jsonl', 'adm-pay-how', (_i, line) => line.replace('可通过', '现在可通过'));
    writeFileSync(join(dir, 'admin.jsonl'), `${readFileSync(join(dir, 'admin.jsonl'), 'utf8').trimEnd()}\n${JSON.stringify(NEW_ITEM)}\n`);
    editItem(dir, 'admin.jsonl', 'adm-wifi-other', () => null);
    const r = await reloadNow(hub);
    expect(r).toMatchObject({ ok: true, added: ['adm-roof-garden'], changed: ['adm-pay-how'], removed: ['adm-wifi-other'], unchanged: ids.length - 2 });
    const next = knowledgeChanges(await agent.pullAll());
    expect(next.map((c) => [c.id, c.data.status]).sort()).toEqual([
      ['adm-pay-how', 'active'],
      ['adm-roof-garden', 'active'],
      ['adm-wifi-other', 'removed'],
    ]);
    expect(JSON.stringify(next.find((c) => c.id === 'adm-pay-how')!.data.body)).toContain('现在可通过');

    // A whole file removed: its items are removed; put back: they come back.
    const general = readFileSync(join(dir, 'general.jsonl'), 'utf8');
    rmSync(join(dir, 'general.jsonl'));
    const gone = await reloadNow(hub);
    expect(gone.removed.length).toBe(15);
    writeFileSync(join(dir, 'general.jsonl'), general);
    const back = await reloadNow(hub);
    expect(back.added.sort()).toEqual([...gone.removed].sort());
    expect(knowledgeChanges(await agent.pullAll()).filter((c) => c.id === 'gen-chest-pain-first-aid').map((c) => c.data.status)).toEqual(['removed', 'active']);

    // One audit record per reload (start + 5 reloads).
    const recs = await audits(hub.ctx.store, 'knowledge.reload');
    expect(recs).toHaveLength(6);
    expect(recs.at(-1)).toMatchObject({ outcome: 'ok', objectType: 'knowledge', detail: { reason: 'manual', added: expect.arrayContaining(['gen-chest-pain-first-aid']) } });
  });

  it('a file with errors does not replace the current set: line-numbered errors are logged and audited, nothing is published', async () => {
    const { hub, dir } = await hubWith({ watch: false });
    const agent = await hub.signIn('agent');
    await agent.pullAll(0);
    const before = await hub.ctx.store.read((r) => r.getKnowledgeItem('dm-hypo-mild'));

    // A valid edit in one file and two broken lines in another: all or nothing.
    editItem(dir, 'admin.jsonl', 'adm-pay-how', (_i, line) => line.replace('可通过', '现在可通过'));
    const lines = readFileSync(join(dir, 'diabetes.jsonl'), 'utf8').split('\n');
    lines[2] = lines[2]!.slice(0, 40); // cut mid-line (a half-saved file)
    const hypoLine = lines.findIndex((l) => l.includes('"dm-hypo-mild"'));
    lines[hypoLine] = lines[hypoLine]!.replace('"conditions": ["diabetes"]', '"conditions": ["diabetis"]');
    writeFileSync(join(dir, 'diabetes.jsonl'), lines.join('\n'));

    const r = await reloadNow(hub);
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^diabetes\.jsonl:3: invalid JSON/),
        expect.stringMatching(new RegExp(`^diabetes\\.jsonl:${hypoLine + 1} \\(dm-hypo-mild\\): premise\\.conditions\\.0: unknown condition "diabetis"`)),
      ]),
    );
    // Nothing reached the change log; the hub still serves the previous version.
    expect(knowledgeChanges(await agent.pullAll())).toEqual([]);
    expect(await hub.ctx.store.read((r2) => r2.getKnowledgeItem('dm-hypo-mild'))).toEqual(before);
    expect(JSON.stringify((await hub.ctx.store.read((r2) => r2.getKnowledgeItem('adm-pay-how')))!.body)).not.toContain('现在可通过');
    // The log says where, line by line, and that the previous items stay.
    const warnings = hub.logs.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^knowledge: diabetes\.jsonl:3: invalid JSON/), expect.stringMatching(/knowledge reload refused \(2 error\(s\)\); still serving the previous items/)]));
    expect((await audits(hub.ctx.store, 'knowledge.reload')).at(-1)).toMatchObject({ outcome: 'rejected', detail: { errorCount: 2, errors: r.errors } });

    // Fixed: the pending valid edit goes out now.
    cpSync(join(SHIPPED_KNOWLEDGE, 'diabetes.jsonl'), join(dir, 'diabetes.jsonl'));
    expect(await reloadNow(hub)).toMatchObject({ ok: true, changed: ['adm-pay-how'] });
    expect(knowledgeChanges(await agent.pullAll()).map((c) => c.id)).toEqual(['adm-pay-how']);

    // An emptied directory (a deploy half-way) is refused rather than removing everything.
    for (const f of readdirSync(dir)) rmSync(join(dir, f));
    expect(await reloadNow(hub)).toMatchObject({ ok: false, errors: [expect.stringMatching(/no knowledge files/)] });
    expect(knowledgeChanges(await agent.pullAll())).toEqual([]);
    // So is a broken interactions table.
    cpSync(SHIPPED_KNOWLEDGE, dir, { recursive: true });
    writeFileSync(join(dir, 'interactions.json'), '{"meta": {}, "interactions": [}');
    expect(await reloadNow(hub)).toMatchObject({ ok: false, errors: [expect.stringMatching(/^interactions\.json: invalid JSON/)] });
  });

  it('watches the directory: an editor’s temp-file-and-rename save reloads; temp, swap and backup files are ignored', async () => {
    const { hub, dir } = await hubWith({ debounceMs: 150, pollMs: 0 });
    expect(hub.knowledge.watching).toBe(true);
    const agent = await hub.signIn('agent');
    await agent.pullAll(0);
    const reloads = async () => (await audits(hub.ctx.store, 'knowledge.reload')).length;
    expect(await reloads()).toBe(1);

    for (const name of ['.admin.jsonl.swp', '4913', 'admin.jsonl~', '#admin.jsonl#']) writeFileSync(join(dir, name), 'x');
    await new Promise((r) => setTimeout(r, 600));
    await hub.knowledge.idle();
    expect(await reloads()).toBe(1);

    // VS Code / JetBrains style: write a temp file, rename it over the original.
    const text = readFileSync(join(dir, 'admin.jsonl'), 'utf8').replace('可通过以下方式预约挂号', '可通过以下几种方式预约挂号');
    writeFileSync(join(dir, 'admin.jsonl.tmp-4711'), text);
    renameSync(join(dir, 'admin.jsonl.tmp-4711'), join(dir, 'admin.jsonl'));
    await expect.poll(() => hub.knowledge.last?.changed, { timeout: 5000 }).toEqual(['adm-register-channels']);
    await hub.knowledge.idle();
    // However the events arrived, the edited item went out once and nothing else did.
    expect(knowledgeChanges(await agent.pullAll()).map((c) => c.id)).toEqual(['adm-register-channels']);

    // vim style (write in place, several events) with a broken intermediate state, then fixed.
    const path = join(dir, 'postop.jsonl');
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, good.slice(0, 200));
    await expect.poll(() => hub.knowledge.last?.ok, { timeout: 5000 }).toBe(false);
    writeFileSync(path, good.replace('伤口', '手术伤口'));
    await expect.poll(() => hub.knowledge.last?.ok, { timeout: 5000 }).toBe(true);
    await hub.knowledge.idle();
    const changed = knowledgeChanges(await agent.pullAll());
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((c) => c.id.startsWith('po-'))).toBe(true);
  });

  it('a knowledge directory replaced by a rename (a deploy) is picked up by the poll', async () => {
    const { hub, dir } = await hubWith({ debounceMs: 50, pollMs: 150 });
    const staged = `${dir}.new`;
    cpSync(dir, staged, { recursive: true });
    writeFileSync(join(staged, 'extra.jsonl'), `${JSON.stringify(NEW_ITEM)}\n`);
    renameSync(dir, `${dir}.old`);
    renameSync(staged, dir);
    await expect.poll(() => hub.knowledge.last?.added, { timeout: 5000 }).toEqual(['adm-roof-garden']);
    // And the new directory is watched: a later edit there is seen too.
    writeFileSync(join(dir, 'extra.jsonl'), `${JSON.stringify({ ...NEW_ITEM, keywords: ['屋顶花园'] })}\n`);
    await expect.poll(() => hub.knowledge.last?.changed, { timeout: 5000 }).toEqual(['adm-roof-garden']);
  });
});

describe('knowledge directory and settings from the environment', () => {
  it('resolves the directory: option, then LANTERN_HUB_KNOWLEDGE_DIR, then <data>/knowledge when it exists, else none', () => {
    const k = copyKnowledge();
    try {
      const data = join(k.dir, '..');
      expect(resolveKnowledgeDir({ dir: null, env: { LANTERN_HUB_KNOWLEDGE_DIR: k.dir } })).toBeNull();
      expect(resolveKnowledgeDir({ dir: k.dir, env: {} })).toBe(k.dir);
      expect(resolveKnowledgeDir({ env: { LANTERN_HUB_KNOWLEDGE_DIR: k.dir }, dataDir: '/nonexistent' })).toBe(k.dir);
      expect(resolveKnowledgeDir({ env: {}, dataDir: data })).toBe(k.dir);
      expect(resolveKnowledgeDir({ env: {}, dataDir: join(data, 'knowledge', 'nothing-here') })).toBeNull();
    } finally {
      k.cleanup();
    }
  });

  it('stores retirement thresholds given at start (audited) and refuses an invalid LANTERN_HUB_KNOWLEDGE_RETIREMENT', async () => {
    const hub = await startKnowledgeHub({ knowledge: { dir: null, env: { LANTERN_HUB_KNOWLEDGE_RETIREMENT: '{"windowDays":14,"minUsers":4,"minMarks":6}' } } });
    try {
      expect(hub.knowledge.dir).toBeNull();
      expect(await hub.knowledge.reload()).toBeNull();
      expect(await hub.ctx.store.read(readRetirementSettings)).toEqual({ windowDays: 14, minUsers: 4, minMarks: 6 });
      expect(await audits(hub.ctx.store, 'knowledge.settings')).toHaveLength(1);
    } finally {
      await hub.close();
    }
    await expect(startKnowledgeHub({ knowledge: { dir: null, env: { LANTERN_HUB_KNOWLEDGE_RETIREMENT: '{"minUsers":0}' } } })).rejects.toThrow(/LANTERN_HUB_KNOWLEDGE_RETIREMENT is invalid/);
  });
});
