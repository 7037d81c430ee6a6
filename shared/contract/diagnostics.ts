import { z } from 'zod';
import { domain, method } from './define';

export const integrityReportSchema = z.object({
  integrity: z.array(z.string()),
  cipherIntegrity: z.array(z.string()),
  ok: z.boolean(),
});

export const diagnosticsDomain = domain('diagnostics', {
  checkIntegrity: method(
    'PRAGMA integrity_check and PRAGMA cipher_integrity_check on the replica.',
    z.object({}).strict(),
    integrityReportSchema,
  ),
  dbInfo: method(
    'Size, schema version and cipher settings of the replica (never its contents or key).',
    z.object({}).strict(),
    z.object({
      path: z.string(),
      sizeBytes: z.number().int().nonnegative(),
      walBytes: z.number().int().nonnegative(),
      schemaVersion: z.number().int(),
      cipher: z.string(),
      journalMode: z.string(),
      pageSize: z.number().int(),
      counts: z.record(z.string(), z.number().int()),
    }),
  ),
});
