import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openReplica, type Replica } from '../replica/open';
import { searchConversationIds } from '../replica/search';
import { enqueueMutation } from '../outbox/enqueue';
import { applyChanges, rebaseConversation } from './apply';
import type { Change } from '../../../shared/sync/protocol';
import { tempDir } from '../../../tests/support/tmp';

const contact = { id: 'c1', displayName: '王秀英', sex: 'female', birthYear: 1956, preferredChannel: 'wechat', conditions: ['高血压'], medicines: ['氨氯地平'], allergies: [], createdAt: 1, updatedAt: 1 };
const conv = (over: Record<string, unknown> = {}) => ({ id: 'v1', contactId: 'c1', channel: 'wechat', subject: null, status: 'open', priority: 'normal', assigneeId: 'u1', teamId: 't1', tags: [], unreadCount: 0, lastMessageAt: 1, lastMessagePreview: '', createdAt: 1, updatedAt: 1, ...over });
const msg = (id: string, body: string, over: Record<string, unknown> = {}) => ({ id, conversationId: 'v1', direction: 'inbound', authorId: null, authorName: null, body, contentType: 'text', deliveryStatus: 'received', failureReason: null, createdAt: 2, recalledAt: null, ...over });
let seq = 0;
const put = (entity: Change['entity'], data: Record<string, unknown>, prev?: Record<string, unknown>): Change => ({ seq: ++seq, entity, id: String(data.id), op: 'put', data, ...(prev ? { prev } : {}) });

describe('applying pulled changes to the replica', () => {
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

  it('writes only the last version of a conversation in a page, but never drops a new parent row', () => {
    const rep = open();
    applyChanges(rep, [put('contact', contact), put('conversation', conv()), put('message', msg('m1', '血压160')), put('conversation', conv({ status: 'pending', lastMessagePreview: '血压160' }))]);
    expect(rep.sqlite.prepare('SELECT status, last_message_preview AS p FROM conversations').get()).toEqual({ status: 'pending', p: '血压160' });
    expect(rep.sqlite.prepare('SELECT body FROM messages').all()).toEqual([{ body: '血压160' }]);
    expect(searchConversationIds(rep.sqlite, '血压')).toEqual(['v1']);
  });

  it('skips rows whose parent it does not have (protocol rule) instead of failing the page', () => {
    const rep = open();
    expect(() => applyChanges(rep, [put('message', msg('m9', 'orphan', { conversationId: 'nope' })), put('contact', contact)])).not.toThrow();
    expect(rep.sqlite.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    expect(rep.sqlite.prepare('SELECT count(*) AS n FROM contacts').get()).toEqual({ n: 1 });
  });

  it('shreds a recalled message and drops it from search; a revoke removes the conversation', () => {
    const rep = open();
    applyChanges(rep, [put('contact', contact), put('conversation', conv()), put('message', msg('m1', '发错了ZQ7'))]);
    expect(searchConversationIds(rep.sqlite, 'zq7')).toEqual(['v1']);
    applyChanges(rep, [put('message', msg('m1', '', { recalledAt: 5 }))]);
    expect(rep.sqlite.prepare('SELECT body, recalled_at AS at FROM messages').get()).toEqual({ body: '', at: 5 });
    expect(searchConversationIds(rep.sqlite, 'zq7')).toEqual([]);
    applyChanges(rep, [{ seq: ++seq, entity: 'scope', id: 'v1', op: 'revoke', data: { conversationId: 'v1', contactId: 'c1', keepContact: false } }]);
    expect(rep.sqlite.prepare('SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM messages) + (SELECT count(*) FROM contacts) AS n').get()).toEqual({ n: 0 });
  });

  it('within one page, a child after a revoke of its conversation is skipped (its parent is gone), and one after the parent came back applies', () => {
    const rep = open();
    const revoke = (keepContact: boolean): Change => ({ seq: ++seq, entity: 'scope', id: 'v1', op: 'revoke', data: { conversationId: 'v1', contactId: 'c1', keepContact } });
    // A page that sees v1, loses it, then gets a message of it: no FK failure, nothing half-applied.
    applyChanges(rep, [put('contact', contact), put('conversation', conv()), put('message', msg('m1', '第一条')), revoke(false), put('message', msg('m2', '撤销后')), put('device_reading', { id: 'r1', contactId: 'c1', kind: 'glucose', value: 7.2, value2: null, unit: 'mmol/L', deviceId: null, measuredAt: 3 })]);
    expect(rep.sqlite.prepare('SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM device_readings) AS n').get()).toEqual({ n: 0 });
    // Re-granted in the same page: contact and conversation again, then its messages apply.
    applyChanges(rep, [put('contact', contact), put('conversation', conv()), put('message', msg('m3', '恢复前')), revoke(true), put('conversation', conv()), put('message', msg('m4', '恢复后'))]);
    expect(rep.sqlite.prepare('SELECT id FROM messages ORDER BY id').all()).toEqual([{ id: 'm4' }]);
  });

  it('keeps a pending local change on top of the hub version (rebase), and rolls back to the hub value once it is gone', () => {
    const rep = open();
    applyChanges(rep, [put('contact', contact), put('conversation', conv())]);
    enqueueMutation(rep.db, { id: '01JZ0000000000000000000001', type: 'conversation.setPriority', args: { conversationId: 'v1', priority: 'urgent' }, at: 3 });
    rep.sqlite.prepare("UPDATE conversations SET priority = 'urgent'").run();
    // Someone else changes the status at the hub: we take it, and keep our pending priority.
    applyChanges(rep, [put('conversation', conv({ status: 'pending' }), { status: 'open' })]);
    expect(rep.sqlite.prepare('SELECT status, priority FROM conversations').get()).toEqual({ status: 'pending', priority: 'urgent' });
    expect(rep.sqlite.prepare("SELECT kind FROM conversation_events WHERE conversation_id = 'v1'").all()).toEqual([{ kind: 'status' }]);
    rep.sqlite.prepare('DELETE FROM outbox').run();
    rebaseConversation(rep, 'v1');
    expect(rep.sqlite.prepare('SELECT priority FROM conversations').get()).toEqual({ priority: 'normal' });
  });

  it('re-indexes a message or note only when its text changed (a status update or our own reply coming back keeps its entry)', () => {
    const rep = open();
    applyChanges(rep, [put('contact', contact), put('conversation', conv()), put('message', msg('m1', '胰岛素笔针头')), put('note', { id: 'n1', conversationId: 'v1', authorId: 'u1', authorName: '护士', body: '已电话随访', createdAt: 3 })]);
    const entries = () => rep.sqlite.prepare('SELECT d.kind, d.ref_id AS ref, f.rowid AS ftsRow FROM search_docs d JOIN search_fts f ON f.rowid = d.rowid ORDER BY d.kind').all();
    const before = entries();
    const ftsChanges = () => (rep.sqlite.prepare('SELECT count(*) AS n FROM search_fts_data').get() as { n: number }).n;
    const dataRows = ftsChanges();
    applyChanges(rep, [put('message', msg('m1', '胰岛素笔针头', { deliveryStatus: 'delivered' })), put('note', { id: 'n1', conversationId: 'v1', authorId: 'u1', authorName: '护士', body: '已电话随访', createdAt: 3 })]);
    expect(entries()).toEqual(before);
    // No index write at all: FTS5 adds a segment for every insert.
    expect(ftsChanges()).toBe(dataRows);
    expect(searchConversationIds(rep.sqlite, '针头')).toEqual(['v1']);
    // Changed text: the old words are gone from the index, the new ones found.
    applyChanges(rep, [put('message', msg('m1', '血糖仪试纸')), put('note', { id: 'n1', conversationId: 'v1', authorId: 'u1', authorName: '护士', body: '明日复诊', createdAt: 3 })]);
    expect(searchConversationIds(rep.sqlite, '针头')).toEqual([]);
    expect(searchConversationIds(rep.sqlite, '随访')).toEqual([]);
    expect(searchConversationIds(rep.sqlite, '试纸')).toEqual(['v1']);
    expect(searchConversationIds(rep.sqlite, '复诊')).toEqual(['v1']);
  });

  it('refuses a malformed change with a protocol error (the page is not half-applied by the caller)', () => {
    const rep = open();
    expect(() => rep.sqlite.transaction(() => applyChanges(rep, [put('contact', contact), put('conversation', { id: 'v2' })]))()).toThrow(/Bad conversation data/);
    expect(rep.sqlite.prepare('SELECT count(*) AS n FROM contacts').get()).toEqual({ n: 0 });
  });
});
