import { join } from 'node:path';
import { createHub, type Hub } from '../../hub/app/create-hub';
import { DEFAULT_DEMO_PATH, loadHubDemo } from '../../hub/demo/data';

export interface EmbeddedHub {
  readonly url: string;
  /** The demo clinic's public accounts, shown on the sign-in screen. */
  readonly demoAccounts: { username: string; password: string; role: string; displayName: string }[];
  close(): Promise<void>;
}

/**
 * Single clinic / first run: when no hub URL is configured (policy or
 * LANTERN_HUB_URL), the workstation runs the hub in-process on loopback with the demo
 * clinic, so a fresh machine works with one command. Its data lives beside the
 * replica (`<userData>/hub`), it listens on 127.0.0.1 only, and it is closed (writes
 * drained) before the app quits.
 */
export async function startEmbeddedHub(userDataDir: string, opts: { demoDataPath?: string } = {}): Promise<EmbeddedHub> {
  const hub: Hub = await createHub({
    dataDir: join(userDataDir, 'hub'),
    port: 0,
    host: '127.0.0.1',
    demo: true,
    logger: false,
    ...(opts.demoDataPath ? { demoDataPath: opts.demoDataPath } : {}),
  });
  const demo = loadHubDemo(opts.demoDataPath ?? DEFAULT_DEMO_PATH);
  const demoAccounts = demo.hub.users.map((u) => ({ username: u.username, password: u.password, role: u.role, displayName: u.displayName }));
  return { url: hub.url, demoAccounts, close: () => hub.close() };
}

/** Which hub the workstation talks to: a configured one, or the embedded one. */
export function hubChoice(configured: string | null | undefined): { kind: 'remote'; url: string } | { kind: 'embedded' } {
  const url = configured?.trim();
  return url ? { kind: 'remote', url } : { kind: 'embedded' };
}
