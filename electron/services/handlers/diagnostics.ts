import { statSync, existsSync } from 'node:fs';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { CIPHER } from '../replica/cipher';
import type { ServiceContext } from './context';

const COUNTED_TABLES = ['contacts', 'conversations', 'messages', 'notes', 'device_readings', 'knowledge_items', 'outbox', 'audit'] as const;

export function diagnosticsHandlers(ctx: ServiceContext): Handlers<Contract>['diagnostics'] {
  const { sqlite, path } = ctx.replica;
  return {
    checkIntegrity: () => ctx.replica.integrityCheck(),
    dbInfo: () => {
      const counts: Record<string, number> = {};
      for (const table of COUNTED_TABLES) {
        counts[table] = (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      }
      return {
        path,
        sizeBytes: statSync(path).size,
        walBytes: existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0,
        schemaVersion: ctx.replica.schemaVersion,
        cipher: `${CIPHER.name} (legacy=${CIPHER.legacy})`,
        journalMode: String(sqlite.pragma('journal_mode', { simple: true })),
        pageSize: Number(sqlite.pragma('page_size', { simple: true })),
        counts,
      };
    },
  };
}
