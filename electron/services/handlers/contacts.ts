import { and, desc, eq, sql } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import { maskIdentifier } from '../../../shared/domain/mask';
import { thresholdsFor } from '../../../shared/domain/thresholds';
import { audit, contactIdentities, contacts, conversations, deviceReadings } from '../../../db/replica/schema';
import type { ServiceContext } from './context';
import { enqueueMutation } from '../outbox/enqueue';
import { newId as ulid } from '../ids';

const READINGS_DAYS = 30;

export function contactsHandlers(ctx: ServiceContext): Handlers<Contract>['contacts'] {
  const { db, sqlite } = ctx.replica;
  return {
    get: ({ id }) => {
      const c = db.select().from(contacts).where(eq(contacts.id, id)).get();
      if (!c) throw new LanternError('replica.not_found', `Contact ${id} not found`);
      const now = ctx.now();
      const identities = db.select().from(contactIdentities).where(eq(contactIdentities.contactId, id)).all();
      const readings = db
        .select()
        .from(deviceReadings)
        .where(and(eq(deviceReadings.contactId, id), sql`${deviceReadings.measuredAt} >= ${now - READINGS_DAYS * 86_400_000}`))
        .orderBy(deviceReadings.measuredAt)
        .all();
      const past = db
        .select({ id: conversations.id, channel: conversations.channel, status: conversations.status, subject: conversations.subject, lastMessageAt: conversations.lastMessageAt })
        .from(conversations)
        .where(eq(conversations.contactId, id))
        .orderBy(desc(conversations.lastMessageAt))
        .limit(50)
        .all();
      return {
        id: c.id,
        displayName: c.displayName,
        sex: c.sex,
        age: c.birthYear ? new Date(now).getFullYear() - c.birthYear : null,
        preferredChannel: c.preferredChannel,
        conditions: c.conditions,
        medicines: c.medicines,
        allergies: c.allergies,
        identities: identities.map((i) => ({ id: i.id, channel: i.channel, masked: maskIdentifier(i.channel, i.externalId), verified: i.verified, consent: i.consent })),
        readings: readings.map((r) => ({ id: r.id, kind: r.kind, value: r.value, value2: r.value2, unit: r.unit, measuredAt: r.measuredAt })),
        thresholds: thresholdsFor(c.thresholds),
        conversations: past,
      };
    },
    revealIdentifier: ({ identityId, reason }) => {
      const identity = db.select().from(contactIdentities).where(eq(contactIdentities.id, identityId)).get();
      if (!identity) throw new LanternError('replica.not_found', `Identity ${identityId} not found`);
      // The audit row is written before the value is returned: no reveal without a record.
      // Its copy for the hub's audit chain leaves with the outbox (offline: when the hub is back).
      const now = ctx.now();
      sqlite
        .transaction(() => {
          db.insert(audit)
            .values({ at: now, actor: ctx.session.user.id, action: 'identifier.reveal', objectType: 'contact_identity', objectId: identityId, detail: { contactId: identity.contactId, channel: identity.channel, ...(reason ? { reason } : {}) } })
            .run();
          if (ctx.hubUrl) enqueueMutation(db, { id: ulid(), type: 'contact.revealIdentifier', args: { identityId, ...(reason?.trim() ? { reason: reason.trim() } : {}) }, at: now });
        })
        .immediate();
      return { identityId, value: identity.externalId };
    },
  };
}
