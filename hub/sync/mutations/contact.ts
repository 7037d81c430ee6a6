import { HubErrorCode } from '../../../shared/sync/errors';
import type { ContactRow } from '../../store/types';
import { putContact } from '../changes';
import { canSeeAs } from '../scope';
import { Rejection, diff, type Applier } from './types';

/** LWW in hub order per field; every edit also lands in contact_profile_history with what it replaced. */
export const contactUpdateProfile: Applier<'contact.updateProfile'> = async (c, args) => {
  const contact = await c.tx.getContact(args.contactId);
  const visible = contact !== null && (await c.tx.conversationsOfContact(contact.id)).some((v) => canSeeAs(c.auth, v));
  if (!contact || !visible) throw new Rejection(HubErrorCode.notFound, `Contact ${args.contactId} not found or not visible`);
  const { prev, next } = diff<ContactRow>(contact, args.patch as Partial<ContactRow>);
  const object = { type: 'contact', id: contact.id };
  if (Object.keys(next).length === 0) return { result: { seq: 0, acceptedAt: c.now, changed: false }, object };
  const updated = { ...contact, ...next, updatedAt: c.now };
  await c.tx.updateContact(contact.id, { ...next, updatedAt: c.now });
  const seq = await putContact(c.tx, updated, c.meta, prev as Record<string, unknown>);
  await c.tx.insertContactHistory({
    contactId: contact.id,
    changedAt: c.now,
    userId: c.auth.userId,
    workstationId: c.auth.workstationId,
    mutationId: c.meta.mutationId ?? '',
    before: prev as Record<string, unknown>,
    after: next as Record<string, unknown>,
    seq,
  });
  return { result: { seq, acceptedAt: c.now, changed: true }, object };
};

/**
 * A workstation showed an identifier in full. Nothing changes and nothing is pulled;
 * `push` appends the audit record (action `contact.revealIdentifier`, object the identity)
 * with this detail, in the same commit as the idempotency record, so a replay is one record.
 */
export const contactRevealIdentifier: Applier<'contact.revealIdentifier'> = async (c, args) => {
  const identity = await c.tx.getIdentity(args.identityId);
  const visible = identity !== null && (await c.tx.conversationsOfContact(identity.contactId)).some((v) => canSeeAs(c.auth, v));
  if (!identity || !visible) throw new Rejection(HubErrorCode.notFound, `Identifier ${args.identityId} not found or not visible`);
  return {
    result: { seq: 0, acceptedAt: c.now },
    object: { type: 'contact_identity', id: identity.id },
    auditDetail: { contactId: identity.contactId, channel: identity.channel, ...(args.reason ? { reason: args.reason } : {}) },
  };
};
