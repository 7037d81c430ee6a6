import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../tests/support/tmp';
import { listLogFiles, readScrubbedTail, readTail, recentEntries } from './files';
import { createWorkstationLogger } from './logger';
import { scrubLogLine, scrubText, scrubValue } from './scrub';
import { watchSync } from './sync-watch';
import type { SyncClient } from '../sync/client';

// GB 11643 check character for a fictitious resident ID.
function residentId(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, c, i) => s + Number(c) * w[i]!, 0);
  return body17 + '10X98765432'[sum % 11];
}
const ID = residentId('11010519491231002');

describe('log scrubbing (engine PII masker, no hints)', () => {
  it('masks identifiers and secrets in text', () => {
    const s = scrubText(`患者 13812345678 身份证 ${ID} 邮箱 zhang.wei@example.com Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def /sync/ws?token=abc123`);
    expect(s).not.toContain('13812345678');
    expect(s).not.toContain(ID);
    expect(s).not.toContain('zhang.wei');
    expect(s).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(s).not.toContain('abc123');
    expect(s).toContain('***********'); // the phone, fully masked
    expect(s).toContain('Bearer [secret]');
  });

  it('masks known names, secret keys and patient content keys in objects; numbers stay numbers', () => {
    const v = scrubValue({ time: 1718000000000, user: { name: '王秀英' }, password: 'pw', refreshToken: 'rt', body: '头晕三天了', nested: [{ phone: '+86 139-1234-5678' }] }, { names: ['王秀英'] });
    expect(v).toEqual({ time: 1718000000000, user: { name: '***' }, password: '[secret]', refreshToken: '[secret]', body: '[text 5 chars]', nested: [{ phone: '+86 ***-****-****' }] });
  });

  it('scrubs a JSON log line value by value and keeps it valid JSON', () => {
    const line = JSON.stringify({ level: 'info', time: '2025-01-01T00:00:00.000Z', msg: '回拨 13812345678 给王秀英', n: 4111111111111111 });
    const out = JSON.parse(scrubLogLine(line, { names: ['王秀英'] })) as Record<string, unknown>;
    expect(out.msg).toBe('回拨 *********** 给***');
    expect(out.n).toBe(4111111111111111);
    expect(scrubLogLine('plain 13812345678')).toBe('plain ***********');
  });
});

describe('workstation logger', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir('lantern-logs-');
  });
  afterEach(() => t.cleanup());

  it('writes levelled JSON lines with identifiers masked before they reach the destination', () => {
    const lines: string[] = [];
    const { log, logger, setLevel } = createWorkstationLogger({ destination: { write: (l: string) => (lines.push(l), true) }, level: 'info' });
    log('info', 'demo clinic seeded', { contacts: 12 });
    log('warn', 'sync cycle failed', { code: 'hub.unavailable', message: 'patient 13812345678 unreachable' });
    log('error', `handler failed for ${ID}`, new Error('boom 13912345678'));
    logger.debug('hidden');
    setLevel('debug');
    logger.debug('shown');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((p) => [p.level, p.msg])).toEqual([
      ['info', 'demo clinic seeded'],
      ['warn', 'sync cycle failed'],
      ['error', `handler failed for ${'*'.repeat(18)}`],
      ['debug', 'shown'],
    ]);
    expect(parsed[0]).toMatchObject({ service: 'lantern-workstation', contacts: 12 });
    expect(parsed[1]!.message).toBe('patient *********** unreachable');
    expect(lines.join('')).not.toMatch(/13812345678|13912345678/);
  });

  it('lists, tails and filters log files; tails are scrubbed again with names known at read time', () => {
    const dir = join(t.dir, 'logs');
    mkdirSync(dir);
    const entry = (msg: string, extra: object = {}) => `${JSON.stringify({ level: 'info', time: '2025-01-01T08:00:00.000Z', msg, ...extra })}\n`;
    writeFileSync(join(dir, 'main.1.log'), entry('sync cycle failed', { code: 'a' }) + entry('other'));
    writeFileSync(join(dir, 'main.log'), entry('session resumed') + entry('李建国 called'));
    writeFileSync(join(dir, 'notes.txt'), 'not a log');
    expect(listLogFiles(dir).map((f) => f.name)).toEqual(['main.log', 'main.1.log']);
    expect(listLogFiles(join(t.dir, 'none'))).toEqual([]);
    const sync = recentEntries(dir, 'main', (e) => /sync|session/.test(e.msg), 10);
    expect(sync.map((e) => e.msg)).toEqual(['sync cycle failed', 'session resumed']);
    expect(sync[0]!.extra).toEqual({ code: 'a' });
    expect(readScrubbedTail(join(dir, 'main.log'), 10_000, { names: ['李建国'] })).toContain('*** called');
    // A tail starts at a whole line.
    appendFileSync(join(dir, 'main.log'), entry('x'.repeat(300)));
    const tail = readTail(join(dir, 'main.log'), 200);
    expect(tail.startsWith('{') || tail === '').toBe(true);
  });
});

describe('sync transitions in the log', () => {
  it('logs status changes between settled states and new rejections once each, and stops by itself when the replica is gone', async () => {
    type Snap = { status: string; queued: number; rejected: number; error: { code: string; message: string } | null };
    let snap: Snap = { status: 'online', queued: 0, rejected: 0, error: null };
    let closed = false;
    const entries: [string, string, unknown][] = [];
    const fake = {
      snapshot: () => {
        if (closed) throw new TypeError('The database connection is not open');
        return snap as unknown as ReturnType<SyncClient['snapshot']>;
      },
    };
    const stop = watchSync(fake, (level, msg, extra) => entries.push([level, msg, extra]), 5);
    const tick = () => new Promise((r) => setTimeout(r, 20));
    await tick();
    // A retry passes through 'syncing' on its way back to 'offline' (sampled mid-retry): not logged.
    snap = { status: 'syncing', queued: 2, rejected: 0, error: { code: 'hub.unreachable', message: 'socket closed' } };
    await tick();
    snap = { status: 'offline', queued: 2, rejected: 0, error: { code: 'hub.unreachable', message: 'connect ECONNREFUSED' } };
    await tick();
    snap = { status: 'syncing', queued: 2, rejected: 0, error: { code: 'hub.unreachable', message: 'connect ECONNREFUSED' } };
    await tick();
    snap = { status: 'offline', queued: 2, rejected: 0, error: { code: 'hub.unreachable', message: 'connect ECONNREFUSED' } };
    await tick();
    snap = { status: 'online', queued: 0, rejected: 1, error: null };
    await tick();
    closed = true;
    await tick();
    stop();
    expect(entries.map(([level, msg]) => `${level} ${msg}`)).toEqual([
      'info sync status online',
      'warn sync status online -> offline',
      'info sync status offline -> online',
      'warn sync: the hub rejected changes',
    ]);
    expect(entries[1]![2]).toMatchObject({ code: 'hub.unreachable', queued: 2 });
  });
});
