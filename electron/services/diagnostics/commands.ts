import { desc } from 'drizzle-orm';
import type { Language } from '../../../shared/domain/types';
import { outbox } from '../../../db/replica/schema';
import { readLanguage } from '../handlers/session';
import { recentEntries } from '../logs/files';
import { scrubText } from '../logs/scrub';
import { c, displayWidth, padEnd } from './ansi';
import { crashDumps, exportDiagnostics } from './export';
import { dbFacts, formatBytes, formatTime, syncFacts, updateFacts } from './facts';
import { msg, type MessageId } from './messages';
import { pingHub } from './ping';
import type { ConsoleDeps } from './types';

/**
 * The diagnostics console's command layer: plain Node, no terminal. The renderer's
 * xterm.js terminal sends one line (`console.run`) and prints what comes back;
 * completion (`console.complete`) and history live here too, so they are tested
 * without a browser.
 */

export interface RunResult {
  lines: string[];
  exitCode: number;
  effect: 'none' | 'clear' | 'lock';
}

type Out = ReturnType<typeof output>;

interface CommandDef {
  path: readonly string[];
  help: MessageId;
  /** Accepts free arguments after the path (only `help <command>`). */
  args?: boolean;
  run(out: Out, deps: ConsoleDeps, args: string[]): Promise<number | RunResult['effect']> | number | RunResult['effect'];
}

function output(language: Language) {
  const lines: string[] = [];
  const t = (id: MessageId, vars?: Record<string, string | number>) => msg(language, id, vars);
  return {
    lines,
    t,
    line: (s = '') => void lines.push(s),
    // Colour, not bold: bold CJK falls back to a wider face that terminals space out.
    heading: (s: string) => void lines.push(c.cyan(s)),
    ok: (s: string) => void lines.push(c.green(`✓ ${s}`)),
    warn: (s: string) => void lines.push(c.yellow(`! ${s}`)),
    fail: (s: string) => void lines.push(c.red(`✗ ${s}`)),
    /** Label/value rows with the labels aligned (CJK counts double). */
    table(rows: [string, string][]) {
      const w = Math.max(...rows.map(([k]) => displayWidth(k)));
      for (const [k, v] of rows) lines.push(`  ${c.dim(padEnd(k, w))}  ${v}`);
    },
  };
}

const sourceLabel = (out: Out, source: string, locked: boolean) => (locked ? c.yellow(`[${out.t('locked')}]`) : c.dim(`(${out.t(`source.${source}` as MessageId)})`));

function updatesLine(out: Out, deps: ConsoleDeps): string[] {
  const u = updateFacts(deps);
  if (!u) return [out.t('updates.unknown')];
  const lines: string[] = [];
  if (u.check) {
    lines.push(c.green(out.t('updates.on', { channel: u.channel, feed: u.feedUrl ?? '' })));
    lines.push(out.t('updates.state', { at: formatTime(u.lastCheckAt) ?? out.t('never'), state: u.availableVersion ? `${u.state} ${u.availableVersion}` : u.state }));
    if (u.error) lines.push(c.red(scrubText(u.error)));
  } else {
    const id = `updates.off.${u.reason}` as MessageId;
    lines.push(c.yellow(`${out.t(id, { feed: u.feedUrl ?? '' })}${u.lockedOff ? ` | [${out.t('locked')}]` : ''}`));
  }
  if (u.rollout) lines.push(c.dim(out.t('updates.rollout', { pos: (u.rollout.position * 100).toFixed(1), id: u.rollout.id })));
  return lines;
}

const status: CommandDef = {
  path: ['status'],
  help: 'cmd.status',
  run(out, deps) {
    const { ctx } = deps;
    const v = deps.versions ?? {};
    const versions = [`Lantern ${ctx.appVersion}`, v.electron && `Electron ${v.electron}`, v.chrome && `Chromium ${v.chrome}`, `Node ${v.node ?? process.versions.node}`, `${deps.platform ?? process.platform} ${deps.arch ?? process.arch}`];
    out.heading(`提灯 ${versions.filter(Boolean).join(' | ')}`);
    const u = ctx.session.user;
    const p = deps.policy;
    const db = dbFacts(deps);
    const sync = syncFacts(deps);
    const lockedCount = p ? Object.values(p.settings).filter((s) => s.locked).length : 0;
    const dumps = crashDumps(deps.crashDumpsDir);
    const rows: [string, string][] = [
      [out.t('status.mode'), ctx.hubUrl ? out.t('status.modeHub') : out.t('status.modeDemo')],
      [out.t('status.hub'), `${ctx.hubUrl ?? out.t('none')}${p ? ` ${sourceLabel(out, p.settings.hubUrl.source, p.settings.hubUrl.locked)}` : ''}`],
      [out.t('status.user'), u.id === 'pending-login' ? out.t('status.signedOut') : `${u.id} (${u.role})`],
      [out.t('status.screen'), ctx.session.locked ? c.yellow(out.t('status.lockedNow')) : out.t('status.unlocked')],
      [out.t('status.autoLock'), `${out.t('minutes', { n: ctx.autoLockMinutes })}${p ? ` ${sourceLabel(out, p.settings.autoLockMinutes.source, p.settings.autoLockMinutes.locked)}` : ''}`],
      [out.t('status.policyFile'), p ? (p.fileFound || p.registryFound ? out.t('status.policyFound', { file: [p.fileFound ? p.file : null, p.registryFound ? p.registryKey : null].filter(Boolean).join(' + '), n: lockedCount }) : out.t('status.policyMissing', { file: p.file })) : out.t('none')],
      [out.t('status.logs'), deps.logDir ? `${deps.logDir}${p ? ` (${p.settings.logLevel.value})` : ''}` : out.t('none')],
      [out.t('status.crashDumps'), deps.crashDumpsDir ? out.t('status.crashDumpsValue', { n: dumps.length, dir: deps.crashDumpsDir }) : out.t('none')],
      [out.t('status.updates'), updatesLine(out, deps).join(' | ')],
      [out.t('status.sync'), sync.status === 'demo' ? out.t('sync.demo') : `${colourStatus(sync.status)} | ${out.t('sync.queued')} ${sync.queued} | ${out.t('sync.rejected')} ${sync.rejected} | ${out.t('sync.last')} ${formatTime(sync.lastSyncAt) ?? out.t('never')}`],
      [out.t('status.replica'), out.t('status.replicaValue', { v: db.schemaVersion, size: formatBytes(db.sizeBytes + db.walBytes), cipher: 'SQLCipher 4' })],
    ];
    out.table(rows);
    return 0;
  },
};

function colourStatus(s: string): string {
  return s === 'online' ? c.green(s) : s === 'error' || s === 'signed_out' ? c.red(s) : c.yellow(s);
}

const policy: CommandDef = {
  path: ['policy'],
  help: 'cmd.policy',
  run(out, deps) {
    const p = deps.policy;
    if (!p) {
      out.line(out.t('none'));
      return 0;
    }
    out.heading(p.fileFound ? out.t('status.policyFound', { file: p.file, n: Object.values(p.settings).filter((s) => s.locked).length }) : out.t('status.policyMissing', { file: p.file }));
    if (p.registryKey) out.line(`  ${p.registryKey} ${p.registryFound ? c.green('✓') : c.dim('-')}`);
    const show = (v: unknown) => (v === null ? c.dim(out.t('none')) : Array.isArray(v) ? v.join(', ') : String(v));
    out.table(Object.entries(p.settings).map(([k, s]) => [k, `${show(s.value)}  ${sourceLabel(out, s.source, s.locked)}`]));
    return 0;
  },
};

const syncStatus: CommandDef = {
  path: ['sync', 'status'],
  help: 'cmd.sync.status',
  run(out, deps) {
    const s = syncFacts(deps);
    if (s.status === 'demo') {
      out.line(out.t('sync.demo'));
      return 0;
    }
    const rows: [string, string][] = [
      [out.t('sync.state'), colourStatus(s.status)],
      [out.t('status.hub'), deps.ctx.hubUrl ?? ''],
      [out.t('sync.workstation'), s.workstationId ?? out.t('none')],
      [out.t('sync.queued'), String(s.queued)],
      [out.t('sync.rejected'), s.rejected ? c.yellow(String(s.rejected)) : '0'],
      [out.t('sync.last'), formatTime(s.lastSyncAt) ?? out.t('never')],
    ];
    if (s.initial) rows.push([out.t('sync.initial'), `${s.initial.pulled}${s.initial.percent !== null ? ` · ${s.initial.percent}%` : ''}`]);
    if (s.error) rows.push([out.t('sync.error'), c.red(`${s.error.code}: ${scrubText(s.error.message)}`)]);
    out.table(rows);
    return s.status === 'error' ? 1 : 0;
  },
};

const SYNC_MSG = /sync|hub|session|outbox|login|logout|websocket|pull|push/i;

const syncLog: CommandDef = {
  path: ['sync', 'log'],
  help: 'cmd.sync.log',
  run(out, deps) {
    if (!deps.logDir) {
      out.line(out.t('sync.noLogDir'));
      return 0;
    }
    const entries = recentEntries(deps.logDir, 'main', (e) => SYNC_MSG.test(e.msg), 40);
    if (!entries.length) out.line(c.dim(out.t('sync.noEntries')));
    for (const e of entries) {
      const level = e.level === 'error' || e.level === 'fatal' ? c.red(e.level.padEnd(5)) : e.level === 'warn' ? c.yellow(e.level.padEnd(5)) : c.dim(e.level.padEnd(5));
      const time = e.time ? formatTime(Date.parse(e.time)) ?? e.time : '';
      const extra = Object.keys(e.extra).length ? ` ${c.dim(scrubText(JSON.stringify(e.extra)).slice(0, 200))}` : '';
      out.line(`${c.dim(time)} ${level} ${scrubText(e.msg)}${extra}`);
    }
    return 0;
  },
};

const syncRetry: CommandDef = {
  path: ['sync', 'retry'],
  help: 'cmd.sync.retry',
  async run(out, deps) {
    const sync = deps.sync;
    if (!sync) {
      out.line(out.t('sync.demo'));
      return 1;
    }
    if (!sync.user) {
      out.fail(out.t('sync.signedOut'));
      return 1;
    }
    out.line(out.t('sync.retrying'));
    sync.start();
    const waitMs = deps.syncRetryWaitMs ?? 15_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finished = await Promise.race([sync.idle().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), waitMs)))]);
    clearTimeout(timer);
    if (!finished) out.warn(out.t('sync.retryTimeout', { s: Math.round(waitMs / 1000) }));
    return syncStatus.run(out, deps, []);
  },
};

const hubPing: CommandDef = {
  path: ['hub', 'ping'],
  help: 'cmd.hub.ping',
  async run(out, deps) {
    const hub = deps.ctx.hubUrl;
    if (!hub) {
      out.line(out.t('ping.noHub'));
      return 1;
    }
    const r = await pingHub(hub, { ...(deps.ca ? { ca: deps.ca } : {}), now: deps.ctx.now });
    out.heading(`${out.t('ping.target')}: ${r.url}`);
    r.attempts.forEach((a, i) => {
      const label = out.t('ping.attempt', { n: i + 1 });
      if (a.ms !== null) out.line(`  ${label}: ${a.status === 200 ? c.green(`HTTP ${a.status}`) : c.yellow(`HTTP ${a.status}`)} ${a.ms} ms`);
      else out.line(`  ${label}: ${c.red(a.error ?? '?')}`);
    });
    const ok = r.attempts.filter((a) => a.ms !== null && a.status === 200).map((a) => a.ms!);
    const rows: [string, string][] = [];
    if (ok.length) rows.push([out.t('ping.summary'), `${Math.min(...ok)} / ${(ok.reduce((s, x) => s + x, 0) / ok.length).toFixed(1)} / ${Math.max(...ok)} ms`]);
    if (r.hub) rows.push([out.t('ping.hubId'), `${r.hub.hubId} (seq ${r.hub.seq})`]);
    if (rows.length) out.table(rows);
    if (r.tls) {
      const t = r.tls;
      out.heading(out.t('ping.tls'));
      out.table([
        [out.t('ping.tlsTrust'), t.authorized ? c.green(out.t('ping.tlsTrusted')) : c.red(out.t('ping.tlsUntrusted', { reason: t.authorizationError ?? '?' }))],
        [out.t('ping.tlsSubject'), t.subject],
        [out.t('ping.tlsIssuer'), t.issuer],
        [out.t('ping.tlsValid'), `${t.validFrom.slice(0, 10)} ~ ${t.validTo.slice(0, 10)} (${t.daysLeft >= 0 ? (t.daysLeft < 30 ? c.yellow : c.green)(out.t('ping.tlsDaysLeft', { n: t.daysLeft })) : c.red(out.t('ping.tlsExpired', { n: -t.daysLeft }))})`],
        [out.t('ping.tlsNames'), t.altNames.join(', ') || out.t('none')],
        [out.t('ping.tlsProtocol'), `${t.protocol ?? '?'} | ${t.cipher ?? '?'}`],
        [out.t('ping.tlsFingerprint'), t.fingerprint256],
      ]);
    } else if (r.tlsError) out.fail(out.t('ping.tlsError', { error: r.tlsError }));
    if (!ok.length) {
      out.fail(out.t('ping.failed'));
      return 1;
    }
    return r.tls && !r.tls.authorized ? 1 : 0;
  },
};

const dbCheck: CommandDef = {
  path: ['db', 'check'],
  help: 'cmd.db.check',
  run(out, deps) {
    const r = deps.ctx.replica.integrityCheck();
    out.table([
      [out.t('db.integrity'), r.integrity.length === 1 && r.integrity[0] === 'ok' ? c.green('ok') : c.red(`${r.integrity.length} problem(s)`)],
      [out.t('db.cipher'), r.cipherIntegrity.length === 0 ? c.green('ok') : c.red(`${r.cipherIntegrity.length} problem(s)`)],
    ]);
    if (r.ok) {
      out.ok(out.t('db.ok'));
      return 0;
    }
    out.fail(out.t('db.bad'));
    for (const l of [...r.integrity.filter((x) => x !== 'ok'), ...r.cipherIntegrity].slice(0, 20)) out.line(`  ${c.red(l)}`);
    return 1;
  },
};

const dbSize: CommandDef = {
  path: ['db', 'size'],
  help: 'cmd.db.size',
  run(out, deps) {
    const f = dbFacts(deps);
    out.table([
      [out.t('db.file'), `${f.path}  ${c.bold(formatBytes(f.sizeBytes))}`],
      [out.t('db.wal'), formatBytes(f.walBytes)],
      [
        out.t('db.checkpoints'),
        f.checkpoints.mode === 'background'
          ? out.t('db.checkpointsBackground', { n: f.checkpoints.runs })
          : f.checkpoints.failure
            ? c.yellow(out.t('db.checkpointsFallback', { error: f.checkpoints.failure }))
            : out.t('db.checkpointsInline'),
      ],
      [out.t('db.pages'), `${f.pageCount} x ${f.pageSize} B | freelist ${f.freelistCount}`],
      [out.t('db.schema'), String(f.schemaVersion)],
      [out.t('db.cipherName'), `${f.cipher} | ${f.journalMode}`],
      [out.t('db.rows'), Object.entries(f.counts).map(([k, n]) => `${k} ${n}`).join(' | ')],
    ]);
    return 0;
  },
};

const outboxList: CommandDef = {
  path: ['outbox', 'list'],
  help: 'cmd.outbox.list',
  run(out, deps) {
    const rows = deps.ctx.replica.db.select().from(outbox).orderBy(desc(outbox.createdAt)).all();
    if (!rows.length) {
      out.ok(out.t('outbox.empty'));
      return 0;
    }
    const byState = new Map<string, number>();
    for (const r of rows) byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
    out.line(out.t('outbox.summary', { n: rows.length, states: [...byState].map(([s, n]) => `${s} ${n}`).join(' | ') }));
    for (const r of rows.slice(0, 50)) {
      const p = (r.payload ?? {}) as Record<string, unknown>;
      const target = typeof p.conversationId === 'string' ? p.conversationId : typeof p.messageId === 'string' ? p.messageId : typeof p.id === 'string' ? p.id : '';
      const state = r.state === 'rejected' ? c.red(r.state.padEnd(8)) : r.state === 'sending' ? c.yellow(r.state.padEnd(8)) : r.state.padEnd(8);
      const why = r.rejectedCode ?? (r.lastError ? scrubText(r.lastError).slice(0, 60) : '');
      out.line(`  ${c.dim(formatTime(r.createdAt) ?? '')} ${state} ${r.kind.padEnd(26)} ${String(r.attempts).padStart(2)}x ${target}${why ? ` ${c.dim(why)}` : ''}`);
    }
    if (rows.length > 50) out.line(c.dim(out.t('outbox.more', { n: rows.length - 50 })));
    return 0;
  },
};

const exportCmd: CommandDef = {
  path: ['export', 'diagnostics'],
  help: 'cmd.export.diagnostics',
  async run(out, deps) {
    const r = await exportDiagnostics(deps);
    out.ok(out.t('export.done'));
    out.line(`  ${c.bold(r.path)} (${formatBytes(r.bytes)})`);
    out.line(out.t('export.contents'));
    for (const e of r.entries) out.line(c.dim(`  ${e}`));
    return 0;
  },
};

const lock: CommandDef = {
  path: ['lock'],
  help: 'cmd.lock',
  run(out, deps) {
    deps.ctx.session.locked = true;
    out.ok(out.t('lock.done'));
    return 'lock';
  },
};

const clear: CommandDef = { path: ['clear'], help: 'cmd.clear', run: () => 'clear' };

/** Filled in by the console (it owns the history). */
const historyCmd: CommandDef = { path: ['history'], help: 'cmd.history', run: () => 0 };

const help: CommandDef = {
  path: ['help'],
  help: 'cmd.help',
  args: true,
  run(out, _deps, args) {
    const wanted = args.join(' ').trim();
    const list = wanted ? COMMANDS.filter((d) => d.path.join(' ') === wanted || d.path[0] === wanted) : COMMANDS;
    if (!list.length) {
      out.fail(out.t('help.unknown', { name: wanted }));
      return 1;
    }
    if (!wanted) out.heading(out.t('help.title'));
    const w = Math.max(...list.map((d) => d.path.join(' ').length));
    for (const d of list) out.line(`  ${c.bold(d.path.join(' ').padEnd(w))}  ${out.t(d.help)}`);
    if (!wanted) out.line(c.dim(out.t('help.more')));
    return 0;
  },
};

export const COMMANDS: readonly CommandDef[] = [help, status, policy, syncStatus, syncLog, syncRetry, hubPing, dbCheck, dbSize, outboxList, exportCmd, lock, historyCmd, clear];

export function tokenize(line: string): string[] {
  return line.trim() === '' ? [] : line.trim().split(/\s+/);
}

/** The words that may follow `done` (the words already complete). */
function nextWords(done: readonly string[]): string[] {
  if (done.length === 1 && done[0] === 'help') return [...new Set(COMMANDS.map((d) => d.path[0]!))];
  const words = COMMANDS.filter((d) => d.path.length > done.length && done.every((w, i) => d.path[i] === w)).map((d) => d.path[done.length]!);
  return [...new Set(words)];
}

function commonPrefix(words: readonly string[]): string {
  if (!words.length) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * Bash-like completion of the last word: a unique match is completed (with a space
 * after it), several matches extend to their common prefix and are listed.
 */
export function complete(line: string): { line: string; candidates: string[] } {
  const endsWithSpace = line === '' || /\s$/.test(line);
  const words = tokenize(line);
  const done = endsWithSpace ? words : words.slice(0, -1);
  const partial = endsWithSpace ? '' : (words[words.length - 1] ?? '');
  const matches = nextWords(done)
    .filter((w) => w.startsWith(partial))
    .sort();
  if (matches.length === 1) return { line: `${[...done, matches[0]].join(' ')} `, candidates: matches };
  if (matches.length > 1) {
    const prefix = commonPrefix(matches);
    const head = done.length ? `${done.join(' ')} ` : '';
    return { line: prefix.length > partial.length ? `${head}${prefix}` : line, candidates: matches };
  }
  return { line, candidates: [] };
}

/** Resolves a line to its command and arguments, or the usage error to print. */
export function resolve(line: string): { def: CommandDef; args: string[] } | { error: MessageId; vars: Record<string, string> } | null {
  const words = tokenize(line);
  if (!words.length) return null;
  let best: CommandDef | null = null;
  for (const d of COMMANDS) {
    if (d.path.every((w, i) => words[i] === w) && (!best || d.path.length > best.path.length)) best = d;
  }
  if (!best) {
    const sub = nextWords([words[0]!]);
    if (sub.length && COMMANDS.some((d) => d.path[0] === words[0])) return { error: 'err.subcommand', vars: { name: words[0]!, list: sub.join(', ') } };
    return { error: 'err.unknown', vars: { name: words.join(' ').slice(0, 60) } };
  }
  const args = words.slice(best.path.length);
  if (args.length && !best.args) {
    if (best.path.length === 1 && nextWords([best.path[0]!]).length) return { error: 'err.subcommand', vars: { name: best.path[0]!, list: nextWords([best.path[0]!]).join(', ') } };
    return { error: 'err.args', vars: { name: best.path.join(' '), args: args.join(' ').slice(0, 60) } };
  }
  return { def: best, args };
}

/** Lines run in this session (not persisted: a console line may name a file or host). */
export class ConsoleHistory {
  private readonly lines: string[] = [];
  constructor(private readonly max = 200) {}

  add(line: string): void {
    const l = line.trim();
    if (!l || this.lines[this.lines.length - 1] === l) return;
    this.lines.push(l);
    if (this.lines.length > this.max) this.lines.shift();
  }

  all(): string[] {
    return [...this.lines];
  }
}

export async function runLine(deps: ConsoleDeps, line: string, history?: ConsoleHistory): Promise<RunResult> {
  const language = readLanguage(deps.ctx);
  const out = output(language);
  const r = resolve(line);
  if (!r) return { lines: [], exitCode: 0, effect: 'none' };
  history?.add(line);
  if ('error' in r) {
    out.fail(msg(language, r.error, r.vars));
    return { lines: out.lines, exitCode: 2, effect: 'none' };
  }
  if (r.def === historyCmd) {
    const all = history?.all() ?? [];
    if (!all.length) out.line(c.dim(out.t('history.empty')));
    all.forEach((l, i) => out.line(`  ${c.dim(String(i + 1).padStart(3))}  ${l}`));
    return { lines: out.lines, exitCode: 0, effect: 'none' };
  }
  try {
    const res = await r.def.run(out, deps, r.args);
    if (typeof res === 'number') return { lines: out.lines, exitCode: res, effect: 'none' };
    return { lines: out.lines, exitCode: 0, effect: res };
  } catch (e) {
    out.fail(out.t('err.failed', { error: scrubText(e instanceof Error ? e.message : String(e)) }));
    return { lines: out.lines, exitCode: 1, effect: 'none' };
  }
}
