/** A real hub (in-process, loopback) and a real workstation replica signed in as a demo user. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub, type CreateHubOptions, type Hub } from '../../../hub/app/create-hub';
import { createWorkstation, type Workstation } from '../../../electron/services/workstation';
import { createStaticKeyStore } from '../../../electron/services/replica/keystore';
import { contract } from '../../../shared/contract';
import { createClient } from '../../../shared/contract/client';
import { settleSync } from '../../support/settle';

export interface Rig {
  hub: Hub;
  ws: Workstation;
  client: ReturnType<typeof createClient<typeof contract>>;
  /** Rows of the agent's encrypted replica. */
  q<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  settle(): Promise<void>;
  close(): Promise<void>;
}

const DEMO: Record<string, string> = { agent: 'agent-demo', nurse: 'nurse-demo', supervisor: 'supervisor-demo' };

export async function rig(opts: { config: CreateHubOptions['config']; user?: string; now?: () => number }): Promise<Rig> {
  const hubDir = mkdtempSync(join(tmpdir(), 'lantern-ch-hub-'));
  const wsDir = mkdtempSync(join(tmpdir(), 'lantern-ch-ws-'));
  const hub = await createHub({ dataDir: hubDir, port: 0, host: '127.0.0.1', demo: true, logger: false, env: {}, config: opts.config, ...(opts.now ? { now: opts.now } : {}) });
  const ws = await createWorkstation({ dataDir: wsDir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 'test', hubUrl: hub.url, sync: { pollMs: 200 }, ...(opts.now ? { now: opts.now } : {}) });
  const client = createClient(contract, { invoke: ws.dispatch });
  const user = opts.user ?? 'agent';
  const login = await client.sync.login({ username: user, password: DEMO[user]! });
  if (!login.ok) throw new Error(`login failed: ${login.error.code}`);
  const r: Rig = {
    hub,
    ws,
    client,
    q: <T,>(sql: string, ...params: unknown[]) => ws.replica.sqlite.prepare(sql).all(...params) as T[],
    settle: async () => {
      await settleSync(ws);
    },

    async close() {
      await ws.close();
      await hub.close();
      rmSync(hubDir, { recursive: true, force: true });
      rmSync(wsDir, { recursive: true, force: true });
    },
  };
  await r.settle();
  return r;
}
