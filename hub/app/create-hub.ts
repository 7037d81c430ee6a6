import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WS_CLOSE } from '../../shared/sync/protocol';
import { verifyAuditChain } from '../audit/audit';
import type { AuditVerdict } from '../audit/chain';
import { loadOrCreateSecret } from '../auth/secret';
import { loadConfig, type HubConfig, type HubConfigInput } from '../config/config';
import { DEFAULT_DEMO_PATH, loadHubDemo } from '../demo/data';
import { seedHubDemo, type SeedOutcome } from '../demo/seed';
import { buildServer } from '../http/server';
import { registerUpdateRoutes } from '../updates/routes';
import { startKnowledge } from '../knowledge';
import { createLogger, silentLogger } from '../log/logger';
import type { HubStore, StoreTx } from '../store/store';
import { openSqliteStore } from '../store/sqlite/store';
import { Notifier } from '../sync/notifier';
import type { HubContext } from './context';
import type { Channels } from '../channels/runtime';
import { startSurveyScheduler, type SurveyScheduler } from '../qa/surveys';
import { startSnoozeWaker, type SnoozeWaker } from '../sync/snooze';

export interface CreateHubOptions {
  /** Directory for hub.db, secret.key and the optional hub.json. Created if missing. */
  dataDir: string;
  /** 0 = any free port (read `hub.port`). Default from config (8787). */
  port?: number;
  host?: string;
  /** Seed the demo clinic and demo users into an empty hub. */
  demo?: boolean;
  /** A pino logger, or false for none. Default: a masking pino logger on stdout. */
  logger?: Logger | false;
  /** The hub's clock (tests). */
  now?: () => number;
  /** Further config overrides (highest precedence). */
  config?: HubConfigInput;
  /** Environment to read LANTERN_HUB_* from (default process.env). */
  env?: NodeJS.ProcessEnv;
  demoDataPath?: string;
}

export interface Hub {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly hubId: string;
  readonly config: HubConfig;
  readonly store: HubStore;
  readonly app: FastifyInstance;
  readonly demo: SeedOutcome | null;
  /** Channel adapters, outbound dispatcher, router (docs/channels.md). */
  readonly channels: Channels;
  /**
   * The CSAT/NPS scheduler (every `surveys.tickSeconds`, sending through the
   * channels); null when `surveys.enabled` is false. `tick()` runs one round now.
   */
  readonly surveys: SurveyScheduler | null;
  /** Opens snoozed conversations when their time comes (hub/sync/snooze.ts); `tick()` runs one round now. */
  readonly snooze: SnoozeWaker;
  /**
   * Runs `fn` in one write transaction and pokes subscribers after it commits.
   * For hub-side writers (channels, devices, the fault harness): see hub/sync/ingest.ts.
   */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  verifyAudit(): Promise<AuditVerdict>;
  /** Stops accepting requests, lets in-flight ones (and their writes) finish, closes sockets, then the database. Idempotent. */
  close(): Promise<void>;
}

export async function createHub(opts: CreateHubOptions): Promise<Hub> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const config = loadConfig(opts.dataDir, opts.env ?? process.env, {
    ...opts.config,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.demo !== undefined ? { demo: opts.demo } : {}),
  });
  const log = opts.logger === false ? silentLogger() : (opts.logger ?? createLogger({ level: config.logLevel }));
  const now = opts.now ?? Date.now;
  const store = openSqliteStore({ path: join(opts.dataDir, 'hub.db') });
  const notifier = new Notifier();
  let server: Awaited<ReturnType<typeof buildServer>> | null = null;
  let surveys: SurveyScheduler | null = null;
  let snooze: SnoozeWaker | null = null;
  try {
    const ctx: HubContext = { store, config, secret: loadOrCreateSecret(opts.dataDir), now, log, notifier };
    let demo: SeedOutcome | null = null;
    if (config.demo) {
      demo = await seedHubDemo(store, loadHubDemo(opts.demoDataPath ?? DEFAULT_DEMO_PATH), now());
      log.info({ demo }, demo.seeded ? 'demo clinic seeded' : 'demo clinic not seeded');
    }
    server = await buildServer(ctx);
    // IT drops releases into <data>/updates/<channel>/ (latest.yml + artifacts): docs/it.md.
    registerUpdateRoutes(server.app, { dir: join(opts.dataDir, 'updates') });
    // Knowledge files: loaded, watched and hot-reloaded into the change log (hub/knowledge).
    await startKnowledge(server.app, ctx, { dataDir: opts.dataDir, env: opts.env ?? process.env });
    await server.app.listen({ port: config.port, host: config.host });
    await server.channels.start();
    if (config.surveys.enabled && server.surveySender) surveys = startSurveyScheduler(ctx, server.surveySender, { intervalMs: config.surveys.tickSeconds * 1000 });
    snooze = startSnoozeWaker(ctx);
    const address = server.app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host;
    const srv = server;
    let closing: Promise<void> | null = null;

    return {
      url: `http://${urlHost}:${port}`,
      port,
      host: config.host,
      hubId: store.hubId,
      config,
      store,
      app: srv.app,
      demo,
      channels: srv.channels,
      surveys,
      snooze,
      async write(fn) {
        const out = await store.write(fn);
        notifier.advanced();
        return out;
      },
      verifyAudit: () => verifyAuditChain(store),
      close() {
        closing ??= (async () => {
          srv.beginClosing();
          // No new survey round; one in flight finishes its sends and writes.
          await surveys?.stop();
          await snooze?.stop();
          // Channels first: no new inbound (SMTP, MQTT, widget), in-flight sends finish.
          await srv.channels.stop();
          srv.sockets.closeAll(WS_CLOSE.goingAway, 'hub shutting down');
          // Fastify stops accepting connections and waits for in-flight requests;
          // each of them finishes its store transactions before answering.
          await srv.app.close();
          notifier.stop();
          // Drains anything still queued on the store, checkpoints, closes the file.
          await store.close();
          log.info('hub closed');
        })();
        return closing;
      },
    };
  } catch (e) {
    await surveys?.stop();
    await snooze?.stop();
    notifier.stop();
    if (server) await server.channels.stop().catch(() => undefined);
    if (server) await server.app.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
}
