import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHub } from '../app/create-hub';
import { createLogger } from './logger';
import { maskName, maskText, stripTokenFromUrl } from './mask';
import { WsProbe, wsUrl } from '../testing/ws-client';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination: stream }) };
}

describe('masking patient identifiers', () => {
  it('masks phone numbers, ID card numbers and e-mail addresses in free text', () => {
    expect(maskText('请回拨 13800000001 或 +86 139-1234-5678')).toBe('请回拨 138****0001 或 139****5678');
    expect(maskText('手机+8613812345678')).toBe('手机138****5678');
    expect(maskText('身份证 11010519491231002X 已核验')).toBe('身份证 110***********002X 已核验');
    expect(maskText('座机 0571-88886666')).toBe('座机 0571-****6666');
    expect(maskText('mail liufang.demo@example.com')).toBe('mail l***@example.com');
    expect(maskText('seq 12345 at 1736928000000')).toBe('seq 12345 at 1736928000000');
  });

  it('masks names keeping only the first character', () => {
    expect(maskName('王秀英')).toBe('王**');
    expect(maskName('Emily Huang')).toBe('E**********');
    expect(maskName('李')).toBe('李*');
  });

  it('the logger masks known fields and free text, and never writes secrets', () => {
    const { lines, logger } = capture();
    logger.info({ contact: { displayName: '王秀英', externalId: '+8613800000001' }, body: '我血糖 2.8', password: 'hunter22', refreshToken: 'lrt1.abc' }, '回拨 13800000001 失败');
    logger.error({ err: new Error('patient 11010519491231002X not found') }, 'lookup failed');
    const text = lines.join('\n');
    for (const secret of ['王秀英', '13800000001', '我血糖', 'hunter22', 'lrt1.abc', '11010519491231002X']) expect(text).not.toContain(secret);
    expect(text).toContain('王**');
    expect(text).toContain('138****0001');
  });

  it('strips ?token= from logged URLs', () => {
    expect(stripTokenFromUrl('/sync/ws?token=lat1.a.b&x=1')).toBe('/sync/ws?token=[secret]&x=1');
  });

  it('a running hub logs requests without passwords, tokens or patient names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantern-hub-log-'));
    const { lines, logger } = capture();
    const hub = await createHub({ dataDir: dir, port: 0, demo: true, logger, env: {} });
    try {
      const login = (await (await fetch(`${hub.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent', password: 'agent-demo', workstationId: 'ws-1' }) })).json()) as {
        value: { accessToken: string };
      };
      const token = login.value.accessToken;
      await fetch(`${hub.url}/sync/pull`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"cursor":0}' });
      const p = new WsProbe(wsUrl(hub.url, token));
      await p.opened;
      await p.until(() => p.frames.length > 0);
      p.close();
      const text = lines.join('\n');
      expect(text).toContain('/sync/ws?token=[secret]');
      for (const secret of ['agent-demo', token, token.split('.')[2]!, '王秀英', '张晓梅']) expect(text).not.toContain(secret);
    } finally {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
