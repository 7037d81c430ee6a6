import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../tests/support/tmp';
import { createLogger } from './logger';
import { hubLogDestination, RotatingFile } from './rotating';

describe('rotating log file', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir('lantern-rotate-');
  });
  afterEach(() => t.cleanup());

  it('rotates by size and keeps N files, newest first, never a line split across files', () => {
    const f = new RotatingFile({ dir: join(t.dir, 'logs'), name: 'hub', maxBytes: 1024, maxFiles: 3 });
    const line = (i: number) => `${JSON.stringify({ i, pad: 'x'.repeat(80) })}\n`;
    for (let i = 0; i < 60; i++) expect(f.write(line(i))).toBe(true);
    f.close();
    expect(readdirSync(join(t.dir, 'logs')).sort()).toEqual(['hub.1.log', 'hub.2.log', 'hub.log']);
    const lines = f
      .files()
      .reverse()
      .flatMap((p) => readFileSync(p, 'utf8').trim().split('\n'));
    // Oldest kept first, in order, each line whole; the ones before were rotated away.
    const ids = lines.map((l) => (JSON.parse(l) as { i: number }).i);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, k) => 60 - ids.length + k));
    expect(ids.length).toBeGreaterThan(20);
    for (const p of f.files()) expect(statSync(p).size).toBeLessThanOrEqual(1024);
  });

  it('appends to an existing file across restarts and counts its size', () => {
    const dir = join(t.dir, 'logs');
    const a = new RotatingFile({ dir, name: 'main', maxBytes: 2048, maxFiles: 2 });
    a.write('a'.repeat(1500) + '\n');
    a.close();
    const b = new RotatingFile({ dir, name: 'main', maxBytes: 2048, maxFiles: 2 });
    b.write('b'.repeat(1000) + '\n');
    b.close();
    expect(readFileSync(join(dir, 'main.1.log'), 'utf8')).toMatch(/^a+\n$/);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toMatch(/^b+\n$/);
  });

  it('drops stray older files when maxFiles shrinks', () => {
    const dir = join(t.dir, 'logs');
    const big = new RotatingFile({ dir, name: 'main', maxBytes: 1024, maxFiles: 6 });
    for (let i = 0; i < 40; i++) big.write(`${'z'.repeat(200)}\n`);
    big.close();
    expect(readdirSync(dir).length).toBe(6);
    writeFileSync(join(dir, 'other.log'), 'keep me');
    const small = new RotatingFile({ dir, name: 'main', maxBytes: 1024, maxFiles: 2 });
    for (let i = 0; i < 10; i++) small.write(`${'y'.repeat(200)}\n`);
    small.close();
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.log', 'other.log']);
  });

  it('is a pino destination: the hub logger writes masked JSON lines to it', () => {
    const f = new RotatingFile({ dir: join(t.dir, 'logs'), name: 'hub' });
    const log = createLogger({ level: 'info', destination: f });
    log.info({ phone: '13812345678' }, 'patient called from 13912345678');
    f.close();
    const text = readFileSync(f.path, 'utf8');
    const line = JSON.parse(text.trim()) as { msg: string; service: string };
    expect(line.service).toBe('lantern-hub');
    expect(line.msg).toBe('patient called from 139****5678');
    expect(text).not.toContain('13812345678');
  });

  it('hub process: stderr and <data>/logs/hub.log, at the configured level', () => {
    const stderr: string[] = [];
    const log = createLogger({ level: 'debug', destination: hubLogDestination(t.dir, 'debug', { stderr: { write: (l: string) => void stderr.push(l) } }) });
    log.debug('debug line');
    log.info('info line');
    const file = readFileSync(join(t.dir, 'logs', 'hub.log'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(file).toEqual(['debug line', 'info line']);
    expect(stderr).toHaveLength(2);
  });

  it('refuses odd names (no path tricks)', () => {
    expect(() => new RotatingFile({ dir: t.dir, name: '../x' })).toThrow(/Invalid log name/);
  });
});
