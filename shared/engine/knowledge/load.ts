/**
 * loadKnowledge(text, fileName) — pure: the caller reads the file. Accepts
 * JSON Lines (.jsonl: one item per line, blank lines and `//` comment lines allowed)
 * or a JSON array (.json). Never throws; every problem is a readable, line-numbered
 * error, and valid items are still returned so one typo does not blank the library.
 */
import type { z } from 'zod';
import { locateJsonError } from './jsonLocate';
import { knowledgeItemSchema, type KnowledgeItem } from './schema';

export interface LoadError {
  file: string;
  line: number;
  itemId?: string;
  message: string;
}

export interface LoadResult {
  items: KnowledgeItem[];
  errors: LoadError[];
  /** Line on which each loaded item was defined. */
  lineOf: Record<string, number>;
  /** File in which each loaded item was defined (loadKnowledgeFiles only). */
  fileOf?: Record<string, string>;
}

export const formatLoadError = (e: LoadError): string => `${e.file}:${e.line}${e.itemId ? ` (${e.itemId})` : ''}: ${e.message}`;

function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse error → "line:col" friendly message (V8 reports a character position). */
function jsonError(e: unknown, text: string, baseLine: number): { line: number; message: string } {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(msg);
  const pos = m ? Number(m[1]) : locateJsonError(text);
  if (pos === undefined) return { line: baseLine, message: `invalid JSON — ${msg}` };
  const line = lineOfOffset(text, pos);
  const col = pos - text.lastIndexOf('\n', pos - 1);
  const what = m ? msg.replace(/ in JSON at position \d+.*$/, '') : `unexpected ${JSON.stringify(text[pos] ?? 'end of input')}`;
  return { line: baseLine + line - 1, message: `invalid JSON at column ${col} — ${what}` };
}

/** Start offsets of the top-level elements of a JSON array, to give each item its line. */
function arrayElementOffsets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let inStr = false;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (depth === 1 && expecting && !/[\s,\]]/.test(c)) {
      out.push(i);
      expecting = false;
    }
    if (c === '"') inStr = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expecting = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expecting = true;
  }
  return out;
}

function validate(raw: unknown, file: string, line: number, seen: Map<string, number>, res: LoadResult): void {
  const id = typeof raw === 'object' && raw && 'id' in raw && typeof raw.id === 'string' ? raw.id : undefined;
  const r = knowledgeItemSchema.safeParse(raw);
  if (!r.success) {
    res.errors.push({ file, line, ...(id ? { itemId: id } : {}), message: describeIssues(r.error) });
    return;
  }
  const prev = seen.get(r.data.id);
  if (prev !== undefined) {
    res.errors.push({ file, line, itemId: r.data.id, message: `duplicate id (first defined on line ${prev})` });
    return;
  }
  seen.set(r.data.id, line);
  res.lineOf[r.data.id] = line;
  res.items.push(r.data);
}

export function loadKnowledge(text: string, fileName: string): LoadResult {
  const res: LoadResult = { items: [], errors: [], lineOf: {} };
  const seen = new Map<string, number>();
  const body = text.replace(/^\uFEFF/, '');
  if (/\.json$/i.test(fileName)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (e) {
      const { line, message } = jsonError(e, body, 1);
      res.errors.push({ file: fileName, line, message });
      return res;
    }
    if (!Array.isArray(parsed)) {
      res.errors.push({ file: fileName, line: 1, message: 'expected a JSON array of items' });
      return res;
    }
    const offsets = arrayElementOffsets(body);
    parsed.forEach((raw, i) => validate(raw, fileName, lineOfOffset(body, offsets[i] ?? 0), seen, res));
    return res;
  }
  const lines = body.split(/\r?\n/);
  lines.forEach((src, i) => {
    const t = src.trim();
    if (!t || t.startsWith('//')) return;
    let raw: unknown;
    try {
      raw = JSON.parse(t);
    } catch (e) {
      const { message } = jsonError(e, t, i + 1);
      res.errors.push({ file: fileName, line: i + 1, message });
      return;
    }
    validate(raw, fileName, i + 1, seen, res);
  });
  return res;
}

/** Merges several files; an id defined twice across files keeps the first and reports the second. */
export function loadKnowledgeFiles(files: ReadonlyArray<{ name: string; text: string }>): LoadResult & { fileOf: Record<string, string> } {
  const out: LoadResult & { fileOf: Record<string, string> } = { items: [], errors: [], lineOf: {}, fileOf: {} };
  const where = new Map<string, string>();
  for (const f of files) {
    const r = loadKnowledge(f.text, f.name);
    out.errors.push(...r.errors);
    for (const it of r.items) {
      const prev = where.get(it.id);
      if (prev) {
        out.errors.push({ file: f.name, line: r.lineOf[it.id] ?? 1, itemId: it.id, message: `duplicate id (first defined in ${prev})` });
        continue;
      }
      where.set(it.id, f.name);
      out.fileOf[it.id] = f.name;
      out.lineOf[it.id] = r.lineOf[it.id] ?? 1;
      out.items.push(it);
    }
  }
  return out;
}
