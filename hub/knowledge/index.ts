import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../app/context';
import { retirementSettingsSchema, type RetirementSettings } from './publish';
import { reloadKnowledge, type KnowledgeDeps, type ReloadReason, type ReloadReport } from './reload';
import { registerKnowledgeRoutes, type KnowledgeRuntimeView } from './routes';
import { writeRetirementSettings } from './service';
import { watchKnowledgeDir, type DirWatcher } from './watch';

export { reloadKnowledge, readKnowledgeDir, type KnowledgeDeps, type ReloadReport } from './reload';
export { watchKnowledgeDir } from './watch';
export { registerKnowledgeRoutes } from './routes';

export const KNOWLEDGE_DIR_ENV = 'LANTERN_HUB_KNOWLEDGE_DIR';
export const KNOWLEDGE_RETIREMENT_ENV = 'LANTERN_HUB_KNOWLEDGE_RETIREMENT';

export interface KnowledgeOptions {
  /**
   * The knowledge directory (`*.jsonl` items + `interactions.json`, the layout of
   * resources/knowledge). Default: $LANTERN_HUB_KNOWLEDGE_DIR, else `<dataDir>/knowledge`
   * when it exists, else none (the hub then only serves what was published before,
   * e.g. by the demo seed or QA knowledge packs). `null` = none.
   */
  dir?: string | null;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Watch the directory and reload on change (default true). */
  watch?: boolean;
  debounceMs?: number;
  pollMs?: number;
  /** Retirement thresholds to store (default: $LANTERN_HUB_KNOWLEDGE_RETIREMENT as JSON, else keep what the hub has: 7 days, 3 users, 5 marks). */
  retirement?: RetirementSettings;
}

export interface KnowledgeRuntime extends KnowledgeRuntimeView {
  /** Resolves when no reload is running or waiting for its debounce. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function resolveKnowledgeDir(opts: Pick<KnowledgeOptions, 'dir' | 'dataDir' | 'env'>): string | null {
  if (opts.dir !== undefined) return opts.dir === null ? null : resolve(opts.dir);
  const fromEnv = (opts.env ?? process.env)[KNOWLEDGE_DIR_ENV];
  if (fromEnv) return resolve(fromEnv);
  if (opts.dataDir) {
    const d = join(opts.dataDir, 'knowledge');
    if (existsSync(d) && statSync(d).isDirectory()) return d;
  }
  return null;
}

function retirementFrom(opts: KnowledgeOptions): RetirementSettings | null {
  if (opts.retirement) return opts.retirement;
  const raw = (opts.env ?? process.env)[KNOWLEDGE_RETIREMENT_ENV];
  if (!raw) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${KNOWLEDGE_RETIREMENT_ENV} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = retirementSettingsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${KNOWLEDGE_RETIREMENT_ENV} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * Loads the knowledge directory once (awaited: the hub starts with its items
 * published) and then watches it. Reloads never overlap: a manual reload and a
 * watcher reload queue behind each other, so an older read can never be written
 * after a newer one.
 */
export async function createKnowledgeRuntime(deps: KnowledgeDeps, opts: KnowledgeOptions = {}): Promise<KnowledgeRuntime> {
  const dir = resolveKnowledgeDir(opts);
  const retirement = retirementFrom(opts);
  if (retirement) await writeRetirementSettings({ store: deps.store, now: deps.now, notify: deps.notify }, null, retirement);
  let last: ReloadReport | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (reason: ReloadReason): Promise<ReloadReport | null> => {
    if (!dir) return Promise.resolve(null);
    const next = queue.then(async () => (last = await reloadKnowledge(deps, dir, reason)));
    queue = next.catch(() => undefined);
    return next;
  };
  let watcher: DirWatcher | null = null;
  if (dir) {
    await serial('start');
    if (opts.watch !== false) {
      watcher = watchKnowledgeDir(dir, {
        log: deps.log,
        onChange: () => serial('watch'),
        ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
        ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      });
      deps.log.info({ dir }, 'watching the knowledge directory');
    }
  }
  let closed: Promise<void> | null = null;
  return {
    dir,
    get watching() {
      return watcher !== null && closed === null;
    },
    get last() {
      return last;
    },
    reload: () => serial('manual'),
    async idle() {
      await watcher?.idle();
      await queue;
    },
    close() {
      closed ??= (async () => {
        await watcher?.close();
        await queue;
      })();
      return closed;
    },
  };
}

/**
 * Hub wiring: the knowledge runtime plus its routes, stopped when the Fastify app
 * closes (before the store). Call before `listen` (Fastify refuses routes and hooks after):
 *
 *   await startKnowledge(server.app, ctx, { dataDir: opts.dataDir, env: opts.env ?? process.env });
 */
export async function startKnowledge(app: FastifyInstance, ctx: HubContext, opts: KnowledgeOptions = {}): Promise<KnowledgeRuntime> {
  const runtime = await createKnowledgeRuntime({ store: ctx.store, now: ctx.now, log: ctx.log, notify: () => ctx.notifier.advanced() }, opts);
  registerKnowledgeRoutes(app, ctx, runtime);
  app.addHook('onClose', async () => {
    await runtime.close();
  });
  return runtime;
}
