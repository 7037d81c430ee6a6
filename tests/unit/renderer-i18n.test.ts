import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { zhCN } from '../../renderer/src/i18n/zh-CN';
import { en } from '../../renderer/src/i18n/en';

function leaves(o: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [k2, v2] of leaves(v as object, key)) out.set(k2, v2);
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [readFileSync(p, 'utf8')] : [];
  });
}

describe('renderer translations', () => {
  const zh = leaves(zhCN);
  const e = leaves(en);

  it('zh-CN and en have exactly the same keys, none empty', () => {
    expect([...e.keys()].sort()).toEqual([...zh.keys()].sort());
    for (const [k, v] of [...zh, ...e]) expect(v.trim(), k).not.toBe('');
  });

  it('keeps the same interpolation variables in both languages', () => {
    for (const [k, v] of zh) {
      const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(vars(e.get(k) ?? ''), k).toEqual(vars(v));
    }
  });

  it('every literal t("…") key used in the renderer exists', () => {
    const used = sources(join(import.meta.dirname, '../../renderer/src')).flatMap((src) => [...src.matchAll(/\bt\('([a-zA-Z.]+)'/g)].map((m) => m[1] ?? ''));
    expect(used.length).toBeGreaterThan(20);
    for (const k of used) expect(zh.has(k), k).toBe(true);
  });
});
