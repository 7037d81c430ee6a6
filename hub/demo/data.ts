import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { demoClinicSchema } from '../../shared/domain/demo';
import { readingKinds, roleSchema } from '../../shared/sync/entities';

/**
 * resources/demo/demo.json as the hub reads it: the workstation's keys
 * (contacts, conversations — also read by electron/services/demo/seed.ts) plus
 * the hub-only `hub` key (teams, users with demo passwords, assignments,
 * readings, knowledge, rules).
 */
export const hubDemoSchema = demoClinicSchema.extend({
  hub: z.object({
    teams: z.array(z.object({ id: z.string(), name: z.string() })),
    users: z.array(z.object({ id: z.string(), username: z.string(), password: z.string().min(8), displayName: z.string(), role: roleSchema, teams: z.array(z.string()) })),
    assignments: z.array(z.object({ conversationId: z.string(), teamId: z.string(), assignee: z.string().nullable() })),
    readings: z.array(
      z.object({ id: z.string(), contactId: z.string(), kind: z.enum(readingKinds), value: z.number(), value2: z.number().nullable(), unit: z.string(), deviceId: z.string().nullable(), minutesAgo: z.number().nonnegative() }),
    ),
    knowledge: z.array(z.object({ id: z.string(), lang: z.string(), title: z.string(), body: z.unknown() })),
    rules: z.array(z.object({ id: z.string(), kind: z.string(), name: z.string(), enabled: z.boolean(), body: z.unknown() })),
  }),
});
export type HubDemoData = z.infer<typeof hubDemoSchema>;

export const DEFAULT_DEMO_PATH = fileURLToPath(new URL('../../resources/demo/demo.json', import.meta.url));

export function loadHubDemo(path = DEFAULT_DEMO_PATH): HubDemoData {
  return hubDemoSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
