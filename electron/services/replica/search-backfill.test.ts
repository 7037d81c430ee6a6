import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openReplica, type Replica } from './open';
import { indexDoc, searchConversationIds } from './search';
import { backfillSearchStep, searchBackfillPending, searchBackfillRemaining, SEARCH_BACKFILL_KEY } from './search-backfill';
import { applyChanges, resetHubData } from '../sync/apply';
import type { Change } from '../../../shared/sync/protocol';
import { tempDir } from '../../../tests/support/tmp';

const contact = { id: 'c1', displayName: '王秀英', sex: 'female', birthYear: 1956, preferredChannel: 'wechat', conditions: [], medicines: [], allergies: [], createdAt: 1, updatedAt: 1 };
const conv = (id: string) => ({ id, contactId: 'c1', channel: 'wechat', subject: null, status: 'open', priority: 'normal', assigneeId: 'u1', teamId: 't1', tags: [], unreadCount: 0, lastMessageAt: 1, lastMessagePreview: '', createdAt: 1, updatedAt: 1 });
const msg = (id: string, conversationId: string, body: string, over: Record<string, unknown> = {}) => ({ id, conversationId, direction: 'inbound', authorId: null, authorName: null, body, contentType: 'text', deliveryStatus: 'received', failureReason: null, createdAt: 2, recalledAt: null, ...over });
const note = (id: string, conversationId: string, body: string) => ({ id, conversationId, authorId: 'u1', authorName: '李护士', body, createdAt: 3 });
let seq = 0;
const put = (entity: Change['entity'], data: Record<string, unknown>): Change => ({ seq: ++seq, entity, id: String(data.id), op: 'put', data });

describe('search index built after the initial sync', () => {
  let r: Replica;
  let cleanup = () => {};
  afterEach(() => {
    r?.close();
    cleanup();
  });
  function open() {
    const t = tempDir();
    cleanup = t.cleanup;
    r = openReplica({ path: join(t.dir, 'r.db'), key: randomBytes(32), create: true });
    return r;
  }
  const docs = (rep: Replica) => (rep.sqlite.prepare('SELECT kind, ref_id AS id FROM search_docs ORDER BY kind, ref_id').all() as { kind: string; id: string }[]).map((d) => `${d.kind}:${d.id}`);

  it('stores a deferred page unindexed, then indexes it in bounded steps, skipping recalled and already-indexed rows', () => {
    const rep = open();
    const page = [put('contact', contact), put('conversation', conv('v1')), put('conversation', conv('v2'))];
    for (let i = 0; i < 5; i++) page.push(put('message', msg(`m${i}`, i % 2 ? 'v2' : 'v1', `第${i}条 胰岛素注射 ZQ${i}`)));
    page.push(put('message', msg('m-recalled', 'v2', '', { recalledAt: 9 })));
    page.push(put('note', note('n1', 'v2', '已电话随访 XK9')));
    rep.sqlite.transaction(() => applyChanges(rep, page, { deferSearch: true }))();

    // The rows are there, the index is not (contacts are still indexed at once).
    expect(rep.sqlite.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 6 });
    expect(docs(rep)).toEqual(['contact:c1']);
    expect(searchConversationIds(rep.sqlite, '胰岛素')).toEqual([]);
    expect(searchBackfillPending(rep.sqlite)).toBe(true);
    expect(searchBackfillRemaining(rep.sqlite)).toBe(6); // 5 messages + 1 note; the recalled one has no text

    // A message the user wrote meanwhile is indexed when written; the backfill must not index it twice.
    indexDoc(rep.sqlite, 'message', 'm3', 'v2', '第3条 胰岛素注射 ZQ3');

    const steps: { looked: number; indexed: number; done: boolean }[] = [];
    for (let guard = 0; guard < 10 && searchBackfillPending(rep.sqlite); guard++) steps.push(backfillSearchStep(rep.sqlite, 2));
    expect(steps.map((s) => s.looked)).toEqual([2, 2, 2, 0]);
    expect(steps.reduce((n, s) => n + s.indexed, 0)).toBe(5);
    expect(steps.at(-1)!.done).toBe(true);
    expect(searchBackfillPending(rep.sqlite)).toBe(false);
    expect(docs(rep)).toEqual(['contact:c1', 'message:m0', 'message:m1', 'message:m2', 'message:m3', 'message:m4', 'note:n1']);
    expect(searchConversationIds(rep.sqlite, '胰岛素').sort()).toEqual(['v1', 'v2']);
    expect(searchConversationIds(rep.sqlite, 'XK9')).toEqual(['v2']);
    expect(searchConversationIds(rep.sqlite, 'ZQ3')).toEqual(['v2']);
  });

  it('indexes pages after the initial sync at once, and a recall during the backfill leaves no text in the index', () => {
    const rep = open();
    rep.sqlite.transaction(() => applyChanges(rep, [put('contact', contact), put('conversation', conv('v1')), put('message', msg('m1', 'v1', '血糖偏高 QW1')), put('message', msg('m2', 'v1', '发错了 QW2'))], { deferSearch: true }))();
    expect(backfillSearchStep(rep.sqlite, 1)).toEqual({ looked: 1, indexed: 1, done: false });
    // A live page (not deferred) recalls m1 — already indexed — and m2 — not yet — and adds m3.
    rep.sqlite.transaction(() => applyChanges(rep, [put('message', msg('m1', 'v1', '', { recalledAt: 5 })), put('message', msg('m2', 'v1', '', { recalledAt: 5 })), put('message', msg('m3', 'v1', '复诊时间 QW3'))]))();
    expect(docs(rep)).toEqual(['contact:c1', 'message:m3']);
    while (!backfillSearchStep(rep.sqlite, 1).done);
    expect(docs(rep)).toEqual(['contact:c1', 'message:m3']);
    expect(searchConversationIds(rep.sqlite, 'QW1')).toEqual([]);
    expect(searchConversationIds(rep.sqlite, 'QW2')).toEqual([]);
    expect(searchConversationIds(rep.sqlite, 'QW3')).toEqual(['v1']);
  });

  it('a step is one transaction with its watermark: a failed step indexes nothing and the next one redoes it', () => {
    const rep = open();
    rep.sqlite.transaction(() => applyChanges(rep, [put('contact', contact), put('conversation', conv('v1')), put('message', msg('m1', 'v1', '心悸 AB1')), put('message', msg('m2', 'v1', '胸闷 AB2'))], { deferSearch: true }))();
    rep.sqlite.exec("CREATE TEMP TRIGGER fail_once BEFORE INSERT ON search_docs WHEN NEW.ref_id = 'm2' BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    expect(() => backfillSearchStep(rep.sqlite, 10)).toThrow(/disk full/);
    expect(docs(rep)).toEqual(['contact:c1']);
    expect(JSON.parse((rep.sqlite.prepare('SELECT value FROM sync_state WHERE key = ?').get(SEARCH_BACKFILL_KEY) as { value: string }).value)).toEqual({ message: 0, note: 0 });
    rep.sqlite.exec('DROP TRIGGER fail_once');
    expect(backfillSearchStep(rep.sqlite, 10)).toEqual({ looked: 2, indexed: 2, done: true });
    expect(searchConversationIds(rep.sqlite, 'AB2')).toEqual(['v1']);
  });

  it('a re-sync from zero (another hub) drops the mark with the index it described', () => {
    const rep = open();
    rep.sqlite.transaction(() => applyChanges(rep, [put('contact', contact), put('conversation', conv('v1')), put('message', msg('m1', 'v1', '随访'))], { deferSearch: true }))();
    backfillSearchStep(rep.sqlite, 1);
    resetHubData(rep);
    expect(searchBackfillPending(rep.sqlite)).toBe(false);
    // The next first download marks afresh from row 0 (row ids start over in emptied tables).
    rep.sqlite.transaction(() => applyChanges(rep, [put('contact', contact), put('conversation', conv('v1')), put('message', msg('m9', 'v1', '新的 CD9'))], { deferSearch: true }))();
    expect(backfillSearchStep(rep.sqlite, 10)).toMatchObject({ indexed: 1, done: true });
    expect(searchConversationIds(rep.sqlite, 'CD9')).toEqual(['v1']);
  });
});
