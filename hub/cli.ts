/**
 * The hub's command line. Machine-readable JSON lines go to stdout; logs go to stderr.
 *
 *   tsx hub/cli.ts --data <dir> [--port <n>] [--host <h>] [--demo]      run the hub
 *   tsx hub/cli.ts user add --data <dir> --username <u> --role <agent|nurse|supervisor|admin> --name <display name> [--teams a,b] [--password <p>]
 *   tsx hub/cli.ts user reset --data <dir> --username <u> [--password <p>]
 *   tsx hub/cli.ts user disable --data <dir> --username <u>
 *   tsx hub/cli.ts team add --data <dir> --id <id> --name <name>
 *   tsx hub/cli.ts workstation add|revoke --data <dir> --id <id> [--label <l>]
 *   tsx hub/cli.ts audit verify --data <dir>
 *   tsx hub/cli.ts contact merge --data <dir> --from <contactId> --into <contactId> [--reason <text>]
 *   tsx hub/cli.ts contact merges --data <dir> --id <contactId>
 *   tsx hub/cli.ts device bind --data <dir> --id <deviceId> --contact <contactId> [--label <l>]
 *
 * `--data` may come from LANTERN_HUB_DATA; passwords from LANTERN_HUB_PASSWORD
 * (else one is generated and printed once). Exit codes: 0 ok, 1 failed, 2 usage.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { roleSchema } from '../shared/sync/entities';
import { verifyAuditChain } from './audit/audit';
import { createHub, type Hub } from './app/create-hub';
import { generatePassword } from './auth/passwords';
import { ConfigError, loadConfig } from './config/config';
import { createLogger } from './log/logger';
import { hubLogDestination } from './log/rotating';
import { openSqliteStore } from './store/sqlite/store';
import { MergeError, mergeContacts } from './channels/identity';
import { appendAudit } from './audit/audit';
import { AdminError, addTeam, addUser, addWorkstation, disableUser, resetPassword, revokeWorkstation } from './users/admin';

function out(obj: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

class UsageError extends Error {}

const OPTIONS = {
  data: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  demo: { type: 'boolean' },
  username: { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  teams: { type: 'string' },
  password: { type: 'string' },
  id: { type: 'string' },
  label: { type: 'string' },
  from: { type: 'string' },
  into: { type: 'string' },
  reason: { type: 'string' },
  contact: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function need(values: Values, key: keyof Values): string {
  const v = values[key];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${key} is required`);
  return v;
}

function dataDir(values: Values): string {
  const d = values.data ?? process.env.LANTERN_HUB_DATA;
  if (!d) throw new UsageError('--data <dir> (or LANTERN_HUB_DATA) is required');
  return d;
}

async function serve(values: Values): Promise<void> {
  const dir = dataDir(values);
  let port: number | undefined;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new UsageError('--port must be 0-65535');
    port = Number(values.port);
  }
  const level = loadConfig(dir, process.env, {}).logLevel;
  // stderr for the operator, plus rotating files in <data>/logs (patient identifiers masked before either).
  const logger = createLogger({ level, destination: hubLogDestination(dir, level) });
  const hub: Hub = await createHub({ dataDir: dir, port, host: values.host, demo: values.demo ? true : undefined, logger });
  out({ event: 'listening', port: hub.port, host: hub.host, url: hub.url, hubId: hub.hubId, demo: hub.demo?.seeded ?? false, channels: [...hub.channels.adapters.keys()], ...(hub.channels.email ? { smtpPort: hub.channels.email.port } : {}) });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    out({ event: 'stopping', signal });
    hub.close().then(
      () => {
        out({ event: 'closed' });
        process.exit(0);
      },
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function admin(group: string, action: string | undefined, values: Values): Promise<number> {
  const dir = dataDir(values);
  const store = openSqliteStore({ path: join(dir, 'hub.db') });
  const now = Date.now();
  try {
    const key = `${group} ${action ?? ''}`;
    switch (key) {
      case 'user add': {
        const role = roleSchema.safeParse(values.role);
        if (!role.success) throw new UsageError('--role must be agent, nurse, supervisor or admin');
        const given = values.password ?? process.env.LANTERN_HUB_PASSWORD;
        const password = given ?? generatePassword();
        const teamIds = (values.teams ?? '').split(',').map((t) => t.trim()).filter(Boolean);
        const id = await addUser(store, { username: need(values, 'username'), displayName: need(values, 'name'), role: role.data, password, teamIds }, null, now);
        out({ event: 'user.added', id, username: need(values, 'username').toLowerCase(), ...(given ? {} : { password }) });
        return 0;
      }
      case 'user reset': {
        const given = values.password ?? process.env.LANTERN_HUB_PASSWORD;
        const password = given ?? generatePassword();
        await resetPassword(store, need(values, 'username').toLowerCase(), password, null, now);
        out({ event: 'user.reset', username: need(values, 'username').toLowerCase(), ...(given ? {} : { password }) });
        return 0;
      }
      case 'user disable':
        await disableUser(store, need(values, 'username').toLowerCase(), null, now);
        out({ event: 'user.disabled', username: need(values, 'username').toLowerCase() });
        return 0;
      case 'team add':
        await addTeam(store, { id: need(values, 'id'), name: need(values, 'name') }, null, now);
        out({ event: 'team.added', id: need(values, 'id') });
        return 0;
      case 'workstation add':
        await addWorkstation(store, need(values, 'id'), values.label ?? null, null, now);
        out({ event: 'workstation.added', id: need(values, 'id') });
        return 0;
      case 'workstation revoke':
        await revokeWorkstation(store, need(values, 'id'), null, now);
        out({ event: 'workstation.revoked', id: need(values, 'id') });
        return 0;
      case 'contact merge': {
        // Pokes reach connected workstations at the hub's next change; their next pull brings the merge.
        const r = await store.write(async (tx) => {
          const merged = await mergeContacts(tx, need(values, 'from'), need(values, 'into'), 'cli', values.reason ?? null, { at: now, actorId: null });
          await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'admin.contact.merge', objectType: 'contact', objectId: need(values, 'into'), outcome: 'ok', detail: { from: need(values, 'from'), mergeId: merged.mergeId } });
          return merged;
        });
        out({ event: 'contact.merged', from: need(values, 'from'), into: need(values, 'into'), ...r });
        return 0;
      }
      case 'contact merges': {
        const merges = await store.read((r) => r.mergesOf(need(values, 'id')));
        out({ event: 'contact.merges', id: need(values, 'id'), merges });
        return 0;
      }
      case 'device bind': {
        const contactId = need(values, 'contact');
        await store.write(async (tx) => {
          if (!(await tx.getContact(contactId))) throw new AdminError('not_found', `Contact ${contactId} not found`);
          await tx.putDeviceBinding({ deviceId: need(values, 'id'), contactId, label: values.label ?? null, createdAt: now });
          await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'admin.device.bind', objectType: 'device', objectId: need(values, 'id'), outcome: 'ok', detail: { contactId } });
        });
        out({ event: 'device.bound', id: need(values, 'id'), contactId });
        return 0;
      }
      case 'audit verify': {
        const verdict = await verifyAuditChain(store);
        out({ event: 'audit.verified', ...verdict });
        return verdict.ok ? 0 : 1;
      }
      default:
        throw new UsageError(`Unknown command "${key.trim()}"`);
    }
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [group, action] = positionals;
  if (!group || group === 'serve') {
    await serve(values);
    return -1; // keeps running until a signal
  }
  return admin(group, action, values);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const known = usage || e instanceof AdminError || e instanceof ConfigError || e instanceof MergeError;
    const code = e instanceof AdminError ? `admin.${e.code}` : e instanceof MergeError ? e.code : usage ? 'usage' : e instanceof ConfigError ? 'config' : 'failed';
    out({ event: 'error', code, message: (e as Error).message });
    if (!known) process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(usage ? 2 : 1);
  },
);
