import type { UserData } from '../../shared/sync/entities';
import type { StoreReader, StoreTx } from '../store/store';
import type { ContactRow, ConversationRow, MessageRow, NoteRow, UserRow } from '../store/types';

/** Who/when/why of the change rows one operation writes. */
export interface ChangeMeta {
  at: number;
  mutationId?: string | null;
  actorId?: string | null;
}

/** A message as clients see it (hub-only columns dropped). */
export function messageData(m: MessageRow) {
  const { acceptedAt: _a, mutationId: _m, ...data } = m;
  return data;
}

export function noteData(n: NoteRow) {
  const { mutationId: _m, ...data } = n;
  return data;
}

export function userData(u: UserRow, teamIds: string[]): UserData {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, teamIds, disabled: u.disabled };
}

export async function putConversation(tx: StoreTx, c: ConversationRow, meta: ChangeMeta, prev?: Record<string, unknown>): Promise<number> {
  return tx.appendChange({ ...meta, entity: 'conversation', entityId: c.id, op: 'put', data: c, prev: prev ?? null, conversationId: c.id, contactId: c.contactId });
}

/**
 * A message with the metadata of its files (replicas fetch the bytes by id when
 * opened). A recalled message names none: its files are shredded with it.
 */
export async function putMessage(tx: StoreTx, m: MessageRow, contactId: string, meta: ChangeMeta): Promise<number> {
  const files = m.recalledAt === null ? await tx.attachmentsOfMessage(m.id) : [];
  const attachments = files.map((f) => ({ id: f.id, filename: f.filename, mime: f.mime, size: f.size, sha256: f.sha256 }));
  return tx.appendChange({ ...meta, entity: 'message', entityId: m.id, op: 'put', data: { ...messageData(m), ...(attachments.length ? { attachments } : {}) }, conversationId: m.conversationId, contactId });
}

export async function putNote(tx: StoreTx, n: NoteRow, contactId: string, meta: ChangeMeta): Promise<number> {
  return tx.appendChange({ ...meta, entity: 'note', entityId: n.id, op: 'put', data: noteData(n), conversationId: n.conversationId, contactId });
}

export async function putContact(tx: StoreTx, c: ContactRow, meta: ChangeMeta, prev?: Record<string, unknown>): Promise<number> {
  return tx.appendChange({ ...meta, entity: 'contact', entityId: c.id, op: 'put', data: c, prev: prev ?? null, contactId: c.id });
}

/** The contact with its identities and readings (contact-level rows). */
export async function emitContactSnapshot(tx: StoreTx, contactId: string, meta: ChangeMeta): Promise<number> {
  const contact = await tx.getContact(contactId);
  if (!contact) throw new Error(`contact ${contactId} missing`);
  let seq = await putContact(tx, contact, meta);
  for (const i of await tx.identitiesOf(contactId)) {
    seq = await tx.appendChange({ ...meta, entity: 'contact_identity', entityId: i.id, op: 'put', data: i, contactId });
  }
  for (const r of await tx.readingsOf(contactId)) {
    seq = await tx.appendChange({ ...meta, entity: 'device_reading', entityId: r.id, op: 'put', data: r, contactId });
  }
  return seq;
}

/**
 * Scope refresh: the whole conversation as it is now (contact first, then the
 * conversation, messages and notes), emitted when someone newly gains sight of it.
 * Rows are not addressed to anyone in particular; everyone who sees the
 * conversation when pulling gets them (a duplicate upsert is harmless).
 */
export async function emitConversationSnapshot(tx: StoreTx, conversationId: string, meta: ChangeMeta, prev?: Record<string, unknown>): Promise<number> {
  const conv = await tx.getConversation(conversationId);
  if (!conv) throw new Error(`conversation ${conversationId} missing`);
  await emitContactSnapshot(tx, conv.contactId, meta);
  let seq = await putConversation(tx, conv, meta, prev);
  for (const m of await tx.messagesOf(conversationId)) seq = await putMessage(tx, m, conv.contactId, meta);
  for (const n of await tx.notesOf(conversationId)) seq = await putNote(tx, n, conv.contactId, meta);
  return seq;
}

export async function emitUser(tx: StoreTx, userId: string, meta: ChangeMeta): Promise<number> {
  const u = (await tx.getUserById(userId))!;
  return tx.appendChange({ ...meta, entity: 'user', entityId: u.id, op: 'put', data: userData(u, await tx.teamIdsOf(u.id)) });
}

export async function emitTeam(tx: StoreTx, teamId: string, meta: ChangeMeta): Promise<number> {
  const t = (await tx.getTeam(teamId))!;
  return tx.appendChange({ ...meta, entity: 'team', entityId: t.id, op: 'put', data: { id: t.id, name: t.name } });
}

export type { StoreReader };
