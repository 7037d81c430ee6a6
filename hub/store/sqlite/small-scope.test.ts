import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { ingestInbound, ingestReading } from '../../sync/ingest';
import { newId, startHub } from '../../testing/harness';
import { openSqliteStore } from './store';
import type { ScopeKey } from '../types';

const CONVS = ['v-chen-glucose', 'v-wang-bp', 'v-sun-inr', 'v-zhang-appt', 'v-liu-report', 'v-zhou-postop', 'v-he-insurance', 'v-huang-en'];
const ASSIGNEES = [null, 'u-agent', 'u-agent2', 'u-nurse', 'u-supervisor'];
const SCOPES: ScopeKey[] = [
  { userId: 'u-agent', supervisor: false },
  { userId: 'u-agent2', supervisor: false },
  { userId: 'u-nurse', supervisor: false },
  { userId: 'u-supervisor', supervisor: true },
];

const op = fc.oneof(
  fc.record({ kind: fc.constant('assign' as const), conv: fc.constantFrom(...CONVS), assignee: fc.constantFrom(...ASSIGNEES), team: fc.constantFrom('t-chronic', 't-outpatient') }),
  fc.record({ kind: fc.constant('reply' as const), conv: fc.constantFrom(...CONVS) }),
  fc.record({ kind: fc.constant('inbound' as const), conv: fc.constantFrom(...CONVS) }),
  fc.record({ kind: fc.constant('tag' as const), conv: fc.constantFrom(...CONVS), tag: fc.constantFrom('a', 'b') }),
  fc.record({ kind: fc.constant('reading' as const), contact: fc.constantFrom('c-chen', 'c-wang', 'c-sun') }),
);

/**
 * A user who sees few conversations is read by index (the change log's audience,
 * contact and conversation indexes) instead of walking the log — hub/store/sqlite/store.ts.
 * Those plans must answer exactly what the general plans answer, on any history:
 * the same pages (rows, order, left-out middle versions, hasMore) and the same
 * newest visible seq. The general plans are the ones the convergence property and
 * the pull tests hold to the scope rule.
 */
describe('small-scope plans', () => {
  it('page and find the newest change exactly like the general plans', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), fc.array(fc.nat({ max: 400 }), { minLength: 3, maxLength: 6 }), fc.constantFrom(1, 3, 50), async (ops, cursors, limit) => {
        const t = await startHub();
        const general = openSqliteStore({ path: join(t.dir, 'hub.db'), smallScopeConversations: -1 });
        try {
          const supervisor = await t.signIn('supervisor');
          for (const o of ops) {
            if (o.kind === 'assign') await supervisor.mutate('conversation.assign', { conversationId: o.conv, assigneeId: o.assignee, teamId: o.team });
            if (o.kind === 'reply') await supervisor.mutate('message.send', { conversationId: o.conv, messageId: newId(), body: `reply ${newId()}` });
            if (o.kind === 'tag') await supervisor.mutate('conversation.setTags', { conversationId: o.conv, tags: [o.tag] });
            if (o.kind === 'inbound') await t.hub.write((tx) => ingestInbound(tx, { conversationId: o.conv, messageId: newId(), body: `in ${newId()}`, authorName: null, at: t.clock.now() }, { at: t.clock.now() }));
            if (o.kind === 'reading')
              await t.hub.write((tx) => ingestReading(tx, { id: newId(), contactId: o.contact, kind: 'glucose', value: 7.2, value2: null, unit: 'mmol/L', deviceId: null, measuredAt: t.clock.now() }, { at: t.clock.now() }));
            t.clock.advance(1000);
          }
          for (const scope of SCOPES) {
            for (const at of [0, ...cursors]) {
              const byIndex = await t.hub.store.read((r) => r.pull(scope, at, limit, 1 << 20, Math.max(0, at - 7)));
              const walked = await general.read((r) => r.pull(scope, at, limit, 1 << 20, Math.max(0, at - 7)));
              expect(byIndex, `${scope.userId} pull from ${at}`).toEqual(walked);
              const newest = await t.hub.store.read((r) => r.latestVisibleSeq(scope, at));
              expect(newest, `${scope.userId} newest after ${at}`).toBe(await general.read((r) => r.latestVisibleSeq(scope, at)));
            }
          }
        } finally {
          await general.close();
          await t.close();
        }
      }),
      { numRuns: 12 },
    );
  });
});
