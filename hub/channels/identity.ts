import { ulid } from 'ulid';
import type { Channel } from '../../shared/domain/types';
import { appendAudit } from '../audit/audit';
import type { StoreTx } from '../store/store';
import type { ContactIdentityRow, ContactRow } from '../store/types';
import { emitContactSnapshot, emitConversationSnapshot, type ChangeMeta } from '../sync/changes';

/**
 * One identity per patient: every channel address (WeChat openid, phone number,
 * e-mail address, widget visitor id) is a `contact_identities` row of one contact.
 * A new address joins an existing contact automatically only on a VERIFIED match
 * (the same verified phone number on SMS and on the phone line); anything weaker
 * is left for a person to merge (`mergeContacts`, API and CLI).
 */

/** Mainland numbers to +86…, other numbers with their '+' kept; null when it is not a phone number. */
export function normalizePhone(raw: string): string | null {
  const s = raw.trim().replace(/[\s\-().]/g, '');
  if (/^\+\d{6,15}$/.test(s)) return s;
  if (/^00\d{6,15}$/.test(s)) return `+${s.slice(2)}`;
  if (/^86(1[3-9]\d{9})$/.test(s)) return `+${s}`;
  if (/^1[3-9]\d{9}$/.test(s)) return `+86${s}`;
  if (/^0\d{9,11}$/.test(s)) return `+86${s.slice(1)}`;
  return null;
}

export function normalizeEmail(raw: string): string | null {
  const s = raw.trim().toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(s) ? s : null;
}

/** A name for a contact nobody has named yet (agents rename it). */
export function placeholderName(channel: Channel, externalId: string): string {
  const tail = externalId.slice(-4);
  switch (channel) {
    case 'webchat':
      return `网页访客 ${tail}`;
    case 'wechat':
      return `微信用户 ${tail}`;
    case 'wecom':
      return `企业微信 ${tail}`;
    case 'sms':
    case 'phone': {
      const m = /^\+86(1\d{2})\d{4}(\d{4})$/.exec(externalId);
      return m ? `${m[1]}****${m[2]}` : `电话 ${tail}`;
    }
    case 'email':
      return externalId.split('@')[0] ?? externalId;
    default:
      return `患者 ${tail}`;
  }
}

export interface ResolvedSender {
  contact: ContactRow;
  identity: ContactIdentityRow;
  createdContact: boolean;
  createdIdentity: boolean;
}

async function emitIdentity(tx: StoreTx, i: ContactIdentityRow, meta: ChangeMeta): Promise<number> {
  return tx.appendChange({ ...meta, entity: 'contact_identity', entityId: i.id, op: 'put', data: i, contactId: i.contactId });
}

/** Finds the sender's identity, or links it to a verified match, or creates a new contact for it. */
export async function resolveSender(
  tx: StoreTx,
  sender: { channel: Channel; externalId: string; verified: boolean; displayName?: string | null | undefined },
  linkChannels: readonly Channel[],
  meta: ChangeMeta,
): Promise<ResolvedSender> {
  const existing = await tx.findIdentity(sender.channel, sender.externalId);
  if (existing) {
    const contact = (await tx.getContact(existing.contactId))!;
    if (sender.verified && !existing.verified) {
      const updated = { ...existing, verified: true };
      await tx.updateIdentity(existing.id, { verified: true });
      await emitIdentity(tx, updated, meta);
      return { contact, identity: updated, createdContact: false, createdIdentity: false };
    }
    return { contact, identity: existing, createdContact: false, createdIdentity: false };
  }
  const identity: ContactIdentityRow = {
    id: `ci-${ulid()}`,
    contactId: '',
    channel: sender.channel,
    externalId: sender.externalId,
    verified: sender.verified,
    consent: 'unknown',
    consentUpdatedAt: null,
  };
  if (sender.verified && linkChannels.length > 0) {
    const match = (await tx.identitiesByExternalId(sender.externalId, linkChannels)).find((i) => i.verified);
    if (match) {
      const contact = (await tx.getContact(match.contactId))!;
      identity.contactId = contact.id;
      await tx.insertIdentity(identity);
      await emitIdentity(tx, identity, meta);
      await appendAudit(tx, { at: meta.at, userId: null, workstationId: null, action: 'contact.link', objectType: 'contact', objectId: contact.id, outcome: 'ok', detail: { identityId: identity.id, channel: sender.channel, via: match.id } });
      return { contact, identity, createdContact: false, createdIdentity: true };
    }
  }
  const contact: ContactRow = {
    id: `c-${ulid()}`,
    displayName: (sender.displayName?.trim() || placeholderName(sender.channel, sender.externalId)).slice(0, 100),
    sex: 'unknown',
    birthYear: null,
    preferredChannel: null,
    conditions: [],
    medicines: [],
    allergies: [],
    createdAt: meta.at,
    updatedAt: meta.at,
  };
  identity.contactId = contact.id;
  await tx.insertContact(contact);
  await tx.insertIdentity(identity);
  await emitContactSnapshot(tx, contact.id, meta);
  return { contact, identity, createdContact: true, createdIdentity: true };
}

/** Records an opt-out (or opt-in) on one identity; the change reaches every replica that sees the contact. */
export async function setConsent(tx: StoreTx, identity: ContactIdentityRow, consent: 'granted' | 'withdrawn', meta: ChangeMeta, why: string): Promise<ContactIdentityRow> {
  if (identity.consent === consent) return identity;
  const updated = { ...identity, consent, consentUpdatedAt: meta.at };
  await tx.updateIdentity(identity.id, { consent, consentUpdatedAt: meta.at });
  await emitIdentity(tx, updated, meta);
  await appendAudit(tx, { at: meta.at, userId: meta.actorId ?? null, workstationId: null, action: `consent.${consent}`, objectType: 'contact_identity', objectId: identity.id, outcome: 'ok', detail: { channel: identity.channel, why } });
  return updated;
}

export class MergeError extends Error {
  constructor(
    readonly code: 'contact.not_found' | 'contact.same' | 'contact.already_merged',
    message: string,
  ) {
    super(message);
    this.name = 'MergeError';
  }
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/**
 * Merges `fromId` into `intoId`: identities, conversations, readings and device
 * bindings move; empty profile fields of `into` are filled from `from`; lists are
 * joined. The history row says what moved and who decided. `from` stays as an
 * empty shell (replicas may still hold it; nothing points at it any more).
 */
export async function mergeContacts(tx: StoreTx, fromId: string, intoId: string, actor: string, reason: string | null, meta: ChangeMeta) {
  if (fromId === intoId) throw new MergeError('contact.same', 'Cannot merge a contact into itself');
  const from = await tx.getContact(fromId);
  const into = await tx.getContact(intoId);
  if (!from || !into) throw new MergeError('contact.not_found', `Contact ${!from ? fromId : intoId} not found`);
  if ((await tx.mergesOf(fromId)).some((m) => m.fromContactId === fromId)) throw new MergeError('contact.already_merged', `Contact ${fromId} was already merged`);

  const identities = await tx.identitiesOf(fromId);
  for (const i of identities) await tx.updateIdentity(i.id, { contactId: intoId });
  const conversations = await tx.conversationsOfContact(fromId);
  for (const c of conversations) await tx.updateConversation(c.id, { contactId: intoId, updatedAt: meta.at });
  const readings = await tx.moveReadings(fromId, intoId);
  const bindings = await tx.deviceBindingsOf(fromId);
  for (const b of bindings) await tx.putDeviceBinding({ ...b, contactId: intoId });

  const patch: Partial<ContactRow> = {};
  if (into.birthYear === null && from.birthYear !== null) patch.birthYear = from.birthYear;
  if (into.preferredChannel === null && from.preferredChannel !== null) patch.preferredChannel = from.preferredChannel;
  if (into.sex === 'unknown' && from.sex !== 'unknown') patch.sex = from.sex;
  const conditions = union(into.conditions, from.conditions);
  const medicines = union(into.medicines, from.medicines);
  const allergies = union(into.allergies, from.allergies);
  if (conditions.length !== into.conditions.length) patch.conditions = conditions;
  if (medicines.length !== into.medicines.length) patch.medicines = medicines;
  if (allergies.length !== into.allergies.length) patch.allergies = allergies;
  await tx.updateContact(intoId, { ...patch, updatedAt: meta.at });

  const detail = { identities: identities.map((i) => i.id), conversations: conversations.map((c) => c.id), readings, devices: bindings.map((b) => b.deviceId), filled: Object.keys(patch) };
  const mergeId = await tx.insertMerge({ fromContactId: fromId, intoContactId: intoId, at: meta.at, actor, reason, detail });
  let seq = await emitContactSnapshot(tx, intoId, meta);
  for (const c of conversations) seq = await emitConversationSnapshot(tx, c.id, meta);
  await appendAudit(tx, { at: meta.at, userId: meta.actorId ?? null, workstationId: null, action: 'contact.merge', objectType: 'contact', objectId: intoId, outcome: 'ok', detail: { from: fromId, mergeId, actor } });
  return { mergeId, seq, ...detail };
}
