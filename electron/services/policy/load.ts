import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { LanternError } from '../../../shared/contract/result';
import { FIELD_HELP, policySchema, type Policy } from './schema';

/**
 * Reads and validates the machine policy. A policy that exists but is wrong stops the
 * app (PolicyError → a bilingual dialog naming the file and the field): in a hospital,
 * starting with defaults IT did not choose (another hub, no auto-lock) is worse than
 * not starting. A missing policy is fine: nothing is locked.
 */

export interface PolicyProblem {
  /** `autoLockMinutes`, `updates.channel`, or a registry value name. */
  field: string;
  'zh-CN': string;
  en: string;
}

export class PolicyError extends LanternError {
  constructor(
    readonly source: string,
    readonly problems: PolicyProblem[],
  ) {
    super('policy.invalid', `Machine policy ${source} is invalid: ${problems.map((p) => `${p.field} ${p.en}`).join('; ')}`, { source, problems });
  }
}

export type PolicyOrigin = 'file' | 'registry';

export interface LoadedPolicy {
  file: string;
  fileFound: boolean;
  registryKey: string | null;
  registryFound: boolean;
  /** File and registry merged (the registry wins field by field). */
  policy: Policy;
  /** Where each set field came from: `hubUrl`, `updates.channel`, … */
  origin: Record<string, PolicyOrigin>;
}

/** Where Group Policy and the MSI (HUBURL=… AUTOLOCK=…) write machine policy on Windows. */
export const POLICY_REGISTRY_KEY = 'HKLM\\SOFTWARE\\Policies\\Lantern';

/** Registry value names ↔ policy fields. */
export const REGISTRY_VALUES = {
  HubUrl: 'hubUrl',
  AutoLockMinutes: 'autoLockMinutes',
  UpdatesEnabled: 'updates.enabled',
  UpdateChannel: 'updates.channel',
  AllowedChannels: 'updates.allowedChannels',
  LogLevel: 'logLevel',
} as const;

const KNOWN_FIELDS = 'hubUrl, autoLockMinutes, updates, logLevel';

/** Text of a policy file as Windows editors save it: UTF-8 with or without BOM, or UTF-16 LE ("Unicode" in Notepad). */
export function decodePolicyText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function lineCol(text: string, pos: number): { line: number; col: number } {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, col: pos - before.lastIndexOf('\n') };
}

/** zod issues → bilingual problems naming the field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], fieldName: (path: string) => string = (p) => p): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = fieldName([...path, key].join('.'));
        out.push({ field, 'zh-CN': `是未知字段（拼写错误？可用字段：${KNOWN_FIELDS}）`, en: `is not a known field (a typo? known fields: ${KNOWN_FIELDS})` });
      }
      continue;
    }
    if (path.length === 0) {
      out.push({ field: '(file)', 'zh-CN': '内容必须是一个 JSON 对象 {…}', en: 'must hold one JSON object {…}' });
      continue;
    }
    const key = path.filter((s) => !/^\d+$/.test(s)).join('.');
    const field = fieldName(path.join('.'));
    if (issue.code === 'custom' && (issue.params as { lantern?: string } | undefined)?.lantern === 'channel_not_allowed') {
      out.push({ field, 'zh-CN': '不在 updates.allowedChannels 列表中', en: 'is not in updates.allowedChannels' });
      continue;
    }
    const help = FIELD_HELP[key];
    out.push(help ? { field, ...help } : { field, 'zh-CN': `无效：${issue.message}`, en: `is invalid: ${issue.message}` });
  }
  return out;
}

/** Reads a policy file. Missing → null. Unreadable, not JSON or not valid → PolicyError naming the file. */
export function readPolicyFile(file: string): Policy | null {
  if (!existsSync(file)) return null;
  let text: string;
  try {
    text = decodePolicyText(readFileSync(file));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new PolicyError(file, [{ field: '(file)', 'zh-CN': `无法读取（${reason}），请检查文件权限`, en: `cannot be read (${reason}); check the file's permissions` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? lineCol(text, Number(pos[1])) : null;
    const at = where ? { zh: `第 ${where.line} 行第 ${where.col} 列`, en: `line ${where.line}, column ${where.col}` } : { zh: '', en: '' };
    throw new PolicyError(file, [
      { field: '(file)', 'zh-CN': `不是有效的 JSON${at.zh ? `（${at.zh}）` : ''}：${msg}`, en: `is not valid JSON${at.en ? ` (${at.en})` : ''}: ${msg}` },
    ]);
  }
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) throw new PolicyError(file, describeIssues(parsed.error.issues));
  return parsed.data;
}

interface RegValue {
  type: string;
  data: string;
}

/** Parses `reg query <key>` output: `    Name    REG_SZ    value`. */
export function parseRegQuery(stdout: string): Map<string, RegValue> {
  const out = new Map<string, RegValue>();
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s{2,}(\S+)\s+(REG_[A-Z_]+)\s{0,4}(.*)$/.exec(line);
    if (m) out.set(m[1]!.toLowerCase(), { type: m[2]!, data: (m[3] ?? '').trim() });
  }
  return out;
}

/** Registry values → the policy's JSON shape (validated by the same schema as the file). */
export function policyFromRegistry(values: Map<string, RegValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const updates: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(REGISTRY_VALUES)) {
    const v = values.get(name.toLowerCase());
    if (!v || v.data === '') continue;
    let value: unknown = v.data;
    if (v.type === 'REG_DWORD' || v.type === 'REG_QWORD') value = Number.parseInt(v.data, 16);
    if (field === 'autoLockMinutes' && typeof value === 'string' && /^\d+$/.test(value)) value = Number(value);
    if (field === 'updates.enabled') {
      const s = String(value).toLowerCase();
      value = s === '1' || s === 'true' || s === 'yes' ? true : s === '0' || s === 'false' || s === 'no' ? false : value;
    }
    if (field === 'updates.allowedChannels' && typeof value === 'string') {
      value = value
        .split(/\\0|[,;\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);
    }
    if (field.startsWith('updates.')) updates[field.slice('updates.'.length)] = value;
    else out[field] = value;
  }
  if (Object.keys(updates).length) out.updates = updates;
  return out;
}

/** `reg query` on Windows; null when the key does not exist (exit status 1) or reg.exe is unavailable. */
export function queryRegistry(key = POLICY_REGISTRY_KEY): string | null {
  try {
    return execFileSync('reg', ['query', key, '/reg:64'], { encoding: 'utf8', windowsHide: true, timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

const fieldOfRegistryName = (name: string) => Object.entries(REGISTRY_VALUES).find(([, f]) => f === name)?.[0] ?? name;

export interface LoadPolicyOptions {
  file: string;
  /** Windows: `reg query` output of the policy key (null = key absent). Omit elsewhere. */
  registry?: string | null;
}

export function loadPolicy(opts: LoadPolicyOptions): LoadedPolicy {
  const fromFile = readPolicyFile(opts.file);
  const origin: Record<string, PolicyOrigin> = {};
  const mark = (p: Record<string, unknown>, o: PolicyOrigin) => {
    for (const [k, v] of Object.entries(p)) {
      if (k === 'updates' && v && typeof v === 'object') for (const sub of Object.keys(v)) origin[`updates.${sub}`] = o;
      else origin[k] = o;
    }
  };
  if (fromFile) mark(fromFile, 'file');

  let fromRegistry: Policy | null = null;
  const registryKey = opts.registry === undefined ? null : POLICY_REGISTRY_KEY;
  if (opts.registry) {
    const values = parseRegQuery(opts.registry);
    const raw = policyFromRegistry(values);
    const parsed = policySchema.safeParse(raw);
    if (!parsed.success) throw new PolicyError(POLICY_REGISTRY_KEY, describeIssues(parsed.error.issues, (p) => fieldOfRegistryName(p.replace(/\.\d+$/, ''))));
    if (Object.keys(parsed.data).length) {
      fromRegistry = parsed.data;
      mark(fromRegistry, 'registry');
    }
  }

  const merged = { ...fromFile, ...fromRegistry, ...(fromFile?.updates || fromRegistry?.updates ? { updates: { ...fromFile?.updates, ...fromRegistry?.updates } } : {}) };
  const checked = policySchema.safeParse(merged);
  if (!checked.success) {
    const source = fromRegistry && fromFile ? `${opts.file} + ${POLICY_REGISTRY_KEY}` : fromRegistry ? POLICY_REGISTRY_KEY : opts.file;
    throw new PolicyError(source, describeIssues(checked.error.issues));
  }
  return { file: opts.file, fileFound: fromFile !== null, registryKey, registryFound: fromRegistry !== null, policy: checked.data, origin };
}

/** Bilingual dialog text for a policy that stops the app. */
export function formatPolicyError(error: PolicyError): { title: string; content: string } {
  const lines = [
    `机器策略无效，提灯无法启动。请信息科修正：`,
    error.source,
    ...error.problems.map((p) => `  • ${p.field}：${p['zh-CN']}`),
    '',
    `The machine policy is invalid, so Lantern will not start. IT must correct:`,
    error.source,
    ...error.problems.map((p) => `  • ${p.field}: ${p.en}`),
    '',
    '(policy.invalid)',
  ];
  return { title: '提灯无法启动 — Lantern could not start', content: lines.join('\n') };
}
