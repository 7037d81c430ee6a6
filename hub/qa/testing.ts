/**
 * A hub with the QA routes registered, for tests and the supervisor e2e run (until
 * hub/http/server.ts registers them itself, after which this registers nothing twice).
 * Built like createHub: real SQLite file, real Fastify, real WebSockets, loopback.
 */
import { join } from 'node:path';
import { loadOrCreateSecret } from '../auth/secret';
import type { HubContext } from '../app/context';
import { loadConfig } from '../config/config';
import { DEFAULT_DEMO_PATH, loadHubDemo } from '../demo/data';
import { seedHubDemo } from '../demo/seed';
import { buildServer } from '../http/server';
import { silentLogger } from '../log/logger';
import { openSqliteStore } from '../store/sqlite/store';
import type { StoreTx } from '../store/store';
import { Notifier } from '../sync/notifier';
import type { SurveySender } from './surveys';

export interface QaTestHub {
  url: string;
  port: number;
  ctx: HubContext;
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startQaHub(opts: { dataDir: string; demo?: boolean; port?: number; now?: () => number; surveySender?: SurveySender; seed?: (ctx: HubContext) => Promise<unknown> }): Promise<QaTestHub> {
  const config = loadConfig(opts.dataDir, {}, { port: 0, host: '127.0.0.1', demo: opts.demo ?? true });
  const store = openSqliteStore({ path: join(opts.dataDir, 'hub.db') });
  const notifier = new Notifier();
  const ctx: HubContext = { store, config, secret: loadOrCreateSecret(opts.dataDir), now: opts.now ?? Date.now, log: silentLogger(), notifier };
  // Only into an empty hub (seedHubDemo refuses otherwise); a restart keeps the data.
  if (opts.demo ?? true) await seedHubDemo(store, loadHubDemo(DEFAULT_DEMO_PATH), ctx.now());
  if (opts.seed) await opts.seed(ctx);
  const server = await buildServer(ctx, { surveySender: opts.surveySender ?? null });
  await server.app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ctx,
    async write(fn) {
      const out = await store.write(fn);
      notifier.advanced();
      return out;
    },
    close() {
      closing ??= (async () => {
        server.beginClosing();
        server.sockets.closeAll(1001, 'closing');
        await server.app.close();
        notifier.stop();
        await store.close();
      })();
      return closing;
    },
  };
}
