import { z } from 'zod';
import { channelSchema, idSchema, languageSchema } from '../../shared/domain/types';

/** `routing` in `<data>/hub.json` (docs/channels.md §Routing). */
export const queueConfigSchema = z.strictObject({
  id: idSchema,
  teamId: idSchema,
  /** Channels this queue takes (none = every channel). */
  channels: z.array(channelSchema).optional(),
  /** Departments this queue serves (a conversation with a department goes to a queue naming it). */
  departments: z.array(z.string().min(1)).optional(),
  /** Where a conversation goes when nobody took it within `overflowAfterSeconds`. */
  overflowTo: idSchema.optional(),
  overflowAfterSeconds: z.number().int().min(1).max(86_400).optional(),
});
export type QueueConfig = z.infer<typeof queueConfigSchema>;

export const agentConfigSchema = z.strictObject({
  capacity: z.number().int().min(0).max(100).optional(),
  languages: z.array(languageSchema).optional(),
  departments: z.array(z.string().min(1)).optional(),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const routingConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    strategy: z.enum(['least_loaded', 'round_robin']).default('least_loaded'),
    /** Only agents with a live workstation connection get new conversations. */
    requireOnline: z.boolean().default(true),
    defaultCapacity: z.number().int().min(0).max(100).default(5),
    /** How often waiting conversations are (re)assigned and overflow is checked. */
    tickMs: z.number().int().min(50).max(60_000).default(1000),
    queues: z.array(queueConfigSchema).default([]),
    agents: z.record(idSchema, agentConfigSchema).default({}),
    botHandoff: z
      .strictObject({
        enabled: z.boolean().default(true),
        repeatThreshold: z.number().int().min(2).max(10).default(3),
        negativeWords: z.array(z.string().min(1)).optional(),
        tag: z.string().min(1).max(32).default('转人工'),
      })
      .default({ enabled: true, repeatThreshold: 3, tag: '转人工' }),
  })
  .superRefine((r, ctx) => {
    const ids = new Set(r.queues.map((q) => q.id));
    if (ids.size !== r.queues.length) ctx.addIssue({ code: 'custom', path: ['queues'], message: 'queue ids must be unique' });
    r.queues.forEach((q, i) => {
      if (q.overflowTo && !ids.has(q.overflowTo)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'overflowTo'], message: `unknown queue ${q.overflowTo}` });
      if (q.overflowTo === q.id) ctx.addIssue({ code: 'custom', path: ['queues', i, 'overflowTo'], message: 'a queue cannot overflow into itself' });
      if (q.overflowTo && !q.overflowAfterSeconds) ctx.addIssue({ code: 'custom', path: ['queues', i, 'overflowAfterSeconds'], message: 'overflowAfterSeconds is required with overflowTo' });
    });
  });
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
export type RoutingConfigInput = z.input<typeof routingConfigSchema>;
