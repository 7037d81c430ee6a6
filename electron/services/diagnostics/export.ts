import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contacts } from '../../../db/replica/schema';
import { listLogFiles, readScrubbedTail } from '../logs/files';
import { scrubValue } from '../logs/scrub';
import { tarGz, type TarEntry } from './tar';
import type { ConsoleDeps } from './types';
import { dbFacts, syncFacts, updateFacts } from './facts';

/**
 * `export diagnostics`: one .tar.gz for a support ticket. It holds versions, the
 * effective configuration and policy, sync and replica *facts* (sizes, counts,
 * integrity verdict, states), the recent logs scrubbed again by the engine's PII
 * masker (with this replica's contact names added), and a list of crash dumps.
 * Never: the replica or its WAL, the key, message or note text, crash dump contents
 * (they may hold memory with patient data — they stay on this computer).
 */
export const LOG_TAIL_BYTES = 2 * 1024 * 1024;

export interface ExportResult {
  path: string;
  bytes: number;
  entries: string[];
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function crashDumps(dir: string | null | undefined): { name: string; sizeBytes: number; modifiedAt: string }[] {
  if (!dir || !existsSync(dir)) return [];
  const out: { name: string; sizeBytes: number; modifiedAt: string }[] = [];
  const walk = (d: string, rel: string, depth: number) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory() && depth < 3) walk(p, `${rel}${name}/`, depth + 1);
      else if (st.isFile() && /\.dmp$/i.test(name)) out.push({ name: `${rel}${name}`, sizeBytes: st.size, modifiedAt: new Date(st.mtimeMs).toISOString() });
    }
  };
  walk(dir, '', 0);
  return out.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
}

const README = `Lantern 提灯 — diagnostics bundle / 诊断包

zh-CN
  本诊断包包含：软件版本、生效配置与机器策略、同步与本机数据库的统计信息（大小、行数、完整性结论）、
  最近的日志（已用患者信息脱敏引擎再次处理）以及崩溃转储文件列表。
  不包含：本机加密数据库或其 WAL 文件、密钥、任何消息或备注正文、崩溃转储内容（仅保存在本机）。

en
  This bundle holds: versions, the effective configuration and machine policy, sync and replica
  facts (sizes, row counts, integrity verdict), the recent logs (scrubbed again by the PII masker)
  and a list of crash dumps.
  It never holds: the encrypted replica or its WAL, keys, any message or note text, or crash dump
  contents (those stay on this computer).
`;

export async function exportDiagnostics(deps: ConsoleDeps): Promise<ExportResult> {
  const now = deps.ctx.now();
  const dir = deps.exportDir ?? join(deps.dataDir, 'diagnostics');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Names are masked in the logs wherever they appear; read from the replica into memory only.
  const names = deps.ctx.replica.db
    .select({ name: contacts.displayName })
    .from(contacts)
    .all()
    .map((r) => r.name)
    .filter((n) => n.trim().length >= 2);

  const logs = listLogFiles(deps.logDir);
  const user = deps.ctx.session.user;
  const manifest = {
    format: 1,
    createdAt: new Date(now).toISOString(),
    app: { version: deps.ctx.appVersion, versions: deps.versions ?? {}, platform: deps.platform ?? process.platform, arch: deps.arch ?? process.arch },
    mode: deps.ctx.hubUrl ? 'hub' : 'demo',
    hubUrl: deps.ctx.hubUrl,
    user: user.id === 'pending-login' ? null : { id: user.id, role: user.role },
    session: { locked: deps.ctx.session.locked, autoLockMinutes: deps.ctx.autoLockMinutes },
    policy: deps.policy ?? null,
    updates: updateFacts(deps),
    sync: syncFacts(deps),
    replica: { ...dbFacts(deps), integrity: deps.ctx.replica.integrityCheck() },
    logs: { dir: deps.logDir ?? null, files: logs.map((f) => ({ name: f.name, sizeBytes: f.sizeBytes, modifiedAt: new Date(f.modifiedAt).toISOString() })) },
    crashDumps: { dir: deps.crashDumpsDir ?? null, files: crashDumps(deps.crashDumpsDir), note: 'contents not included (may hold memory with patient data)' },
  };
  const root = 'lantern-diagnostics';
  const mtime = Math.floor(now / 1000);
  const entries: TarEntry[] = [
    { name: `${root}/README.txt`, data: README, mtime },
    { name: `${root}/manifest.json`, data: `${JSON.stringify(scrubValue(manifest, { names }), null, 2)}\n`, mtime },
    ...logs.map((f) => ({ name: `${root}/logs/${f.name}`, data: `${readScrubbedTail(f.path, LOG_TAIL_BYTES, { names })}\n`, mtime: Math.floor(f.modifiedAt / 1000) })),
  ];
  const archive = tarGz(entries);
  const path = join(dir, `lantern-diagnostics-${stamp(now)}.tar.gz`);
  writeFileSync(path, archive, { mode: 0o600 });
  return { path, bytes: archive.length, entries: entries.map((e) => e.name) };
}
