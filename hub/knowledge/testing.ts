/**
 * Test support (not shipped code): a real hub on 127.0.0.1 port 0 built the way
 * createHub builds one, plus `startKnowledge` before `listen` — the one line
 * createHub gets for this — with a log that tests can read.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoginValue } from '../../shared/sync/protocol';
import type { HubContext } from '../app/context';
import { loadOrCreateSecret } from '../auth/secret';
import { loadConfig } from '../config/config';
import { DEFAULT_DEMO_PATH, loadHubDemo } from '../demo/data';
import { seedHubDemo } from '../demo/seed';
import { buildServer } from '../http/server';
import { createLogger } from '../log/logger';
import { openSqliteStore } from '../store/sqlite/store';
import { Notifier } from '../sync/notifier';
import { call, Clock, DEMO_PASSWORDS, TestClient, value } from '../testing/harness';
import { startKnowledge, type KnowledgeOptions, type KnowledgeRuntime } from './index';

export const SHIPPED_KNOWLEDGE = fileURLToPath(new URL('../../resources/knowledge', import.meta.url));

/** A writable copy of resources/knowledge (tests edit it). */
export function copyKnowledge(): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'lantern-knowledge-'));
  const dir = join(root, 'knowledge');
  cpSync(SHIPPED_KNOWLEDGE, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface KnowledgeTestHub {
  url: string;
  ctx: HubContext;
  clock: Clock;
  knowledge: KnowledgeRuntime;
  /** Parsed pino lines. */
  logs: { level: number; msg: string; [k: string]: unknown }[];
  signIn(username: string, workstationId?: string, password?: string): Promise<TestClient>;
  close(): Promise<void>;
}

export async function startKnowledgeHub(opts: { clock?: Clock; knowledge?: KnowledgeOptions } = {}): Promise<KnowledgeTestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lantern-hub-'));
  const clock = opts.clock ?? new Clock();
  const logs: KnowledgeTestHub['logs'] = [];
  const log = createLogger({ level: 'info', destination: { write: (s: string) => void logs.push(JSON.parse(s) as KnowledgeTestHub['logs'][number]) } as unknown as NodeJS.WritableStream });
  const config = loadConfig(dataDir, {}, { port: 0, host: '127.0.0.1', demo: true });
  const store = openSqliteStore({ path: join(dataDir, 'hub.db') });
  const notifier = new Notifier();
  const ctx: HubContext = { store, config, secret: loadOrCreateSecret(dataDir), now: clock.now, log, notifier };
  await seedHubDemo(store, loadHubDemo(DEFAULT_DEMO_PATH), clock.now());
  const server = await buildServer(ctx, { surveySender: null });
  let knowledge: KnowledgeRuntime;
  try {
    knowledge = await startKnowledge(server.app, ctx, { dataDir, env: {}, ...opts.knowledge });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
  } catch (e) {
    await server.app.close();
    notifier.stop();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const address = server.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let closed: Promise<void> | null = null;
  return {
    url,
    ctx,
    clock,
    knowledge,
    logs,
    async signIn(username, workstationId = `ws-${username}`, password = DEMO_PASSWORDS[username] ?? '') {
      const login = value(await call<LoginValue>(url, 'POST', '/auth/login', { username, password, workstationId }));
      return new TestClient(url, login, workstationId);
    },
    close() {
      closed ??= (async () => {
        server.beginClosing();
        await server.channels.stop();
        server.sockets.closeAll(1001, 'test over');
        await server.app.close(); // stops the knowledge watcher (onClose)
        notifier.stop();
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
