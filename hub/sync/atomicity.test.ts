import { describe, expect, it } from 'vitest';
import type { HubContext } from '../app/context';
import type { AuthContext } from '../auth/service';
import { loadHubDemo } from '../demo/data';
import { seedHubDemo } from '../demo/seed';
import { silentLogger } from '../log/logger';
import { hubConfigSchema } from '../config/config';
import type { HubStore, StoreTx } from '../store/store';
import { openSqliteStore } from '../store/sqlite/store';
import { newId } from '../testing/harness';
import { Notifier } from './notifier';
import { push } from './push';

const agent: AuthContext = { userId: 'u-agent', username: 'agent', displayName: '客服 小林', role: 'agent', teamIds: ['t-outpatient'], sessionId: 's', workstationId: 'ws-1' };

/** A store whose transactions die at `failAt` (after the apply wrote), like a crash before commit. */
function failingStore(inner: HubStore, failAt: keyof StoreTx): HubStore & { armed: boolean } {
  const s = {
    armed: true,
    kind: inner.kind,
    hubId: inner.hubId,
    read: inner.read.bind(inner),
    checkpoint: inner.checkpoint.bind(inner),
    close: inner.close.bind(inner),
    write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      return inner.write((tx) =>
        fn(
          new Proxy(tx, {
            get(target, prop, recv) {
              if (prop === failAt && s.armed) {
                s.armed = false;
                return () => Promise.reject(new Error('simulated crash'));
              }
              return Reflect.get(target, prop, recv) as unknown;
            },
          }),
        ),
      );
    },
  };
  return s;
}

describe('apply + change log + idempotency record are one transaction', () => {
  for (const failAt of ['putMutation', 'insertAudit', 'appendChange'] as const) {
    it(`a failure at ${failAt} leaves no trace, and the retry applies exactly once`, async () => {
      const real = openSqliteStore({ path: ':memory:' });
      await seedHubDemo(real, loadHubDemo(), 1_000);
      const store = failingStore(real, failAt);
      const ctx: HubContext = { store, config: hubConfigSchema.parse({}), secret: Buffer.alloc(32), now: () => 2_000, log: silentLogger(), notifier: new Notifier() };
      const snapshot = () =>
        real.read(async (r) => ({ head: await r.headSeq(), msgs: (await r.messagesOf('v-zhang-appt')).length, audit: await r.auditCount(), conv: await r.getConversation('v-zhang-appt') }));
      const before = await snapshot();
      const m = { id: newId(), type: 'message.send' as const, args: { conversationId: 'v-zhang-appt', messageId: newId(), body: '复诊时间已确认', contentType: 'text' as const, attachments: [] }, clientTime: 1 };

      await expect(push(ctx, agent, [m])).rejects.toThrow('simulated crash');
      expect(await snapshot()).toEqual(before);
      expect(await real.read((r) => r.getMutation(m.id))).toBeNull();

      const first = await push(ctx, agent, [m]);
      const replay = await push(ctx, agent, [m]);
      expect(first.results[0]).toMatchObject({ status: 'applied' });
      expect(replay).toEqual(first);
      const after = await snapshot();
      expect(after.msgs).toBe(before.msgs + 1);
      expect(after.conv?.lastMessagePreview).toBe('复诊时间已确认');
      ctx.notifier.stop();
      await real.close();
    });
  }
});
