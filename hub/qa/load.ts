import type { ConvInput, ConvTransfer } from '../../shared/supervisor';
import type { Role } from '../../shared/sync/entities';
import type { StoreReader } from '../store/store';
import type { ConversationChangeRow } from '../store/qa';
import type { ContactIdentityRow, ConversationRow } from '../store/types';
import { SURVEY_CONTENT_TYPE } from './survey-wording';

export interface LoadedConversation extends ConvInput {
  contactId: string;
  contactName: string;
  row: ConversationRow;
}

/** Assignee changes from the change log (first assignment from nobody is not a transfer). */
export function transfersOf(history: readonly ConversationChangeRow[]): ConvTransfer[] {
  const out: ConvTransfer[] = [];
  for (const h of history) {
    if (!h.prev || !('assigneeId' in h.prev)) continue;
    const from = (h.prev.assigneeId as string | null | undefined) ?? null;
    if (from !== h.data.assigneeId) out.push({ at: h.at, from, to: h.data.assigneeId });
  }
  return out;
}

function identityFor(ids: readonly ContactIdentityRow[], channel: string): ConvInput['identity'] {
  const same = ids.filter((i) => i.channel === channel);
  if (!same.length) return null;
  // Several identities on one channel: the strictest consent wins, verified if any is.
  const withdrawn = same.find((i) => i.consent === 'withdrawn');
  const granted = same.find((i) => i.consent === 'granted');
  const pick = withdrawn ?? granted ?? same[0]!;
  return { verified: same.some((i) => i.verified), consent: pick.consent, consentUpdatedAt: pick.consentUpdatedAt };
}

/** Everything the analysis needs for these conversations, read in one snapshot. */
export async function loadConversations(r: StoreReader, rows: readonly ConversationRow[]): Promise<Map<string, LoadedConversation>> {
  const ids = rows.map((c) => c.id);
  const contactIds = [...new Set(rows.map((c) => c.contactId))];
  const [messages, history, contacts, identities, users] = await Promise.all([
    r.messagesOfConversations(ids),
    r.conversationHistory(ids),
    r.contactsByIds(contactIds),
    r.identitiesOfContacts(contactIds),
    r.listUsers(),
  ]);
  const roles = new Map<string, Role>(users.map((u) => [u.id, u.role]));
  const names = new Map(contacts.map((c) => [c.id, c.displayName]));
  const out = new Map<string, LoadedConversation>();
  for (const c of rows) {
    const own = identities.filter((i) => i.contactId === c.contactId);
    out.set(c.id, {
      id: c.id,
      row: c,
      contactId: c.contactId,
      contactName: names.get(c.contactId) ?? '—',
      channel: c.channel,
      status: c.status,
      priority: c.priority,
      assigneeId: c.assigneeId,
      teamId: c.teamId,
      createdAt: c.createdAt,
      // The CSAT/NPS survey the hub sent is not a staff reply (timings, compliance, "replied in the period").
      messages: messages.filter((m) => m.conversationId === c.id && m.contentType !== SURVEY_CONTENT_TYPE),
      transfers: transfersOf(history.filter((h) => h.data.id === c.id)),
      identity: identityFor(own, c.channel),
      patient: { phones: own.filter((i) => i.channel === 'sms' || i.channel === 'phone').map((i) => i.externalId.replace(/^\+86/, '')) },
      staffRole: (c.assigneeId ? roles.get(c.assigneeId) : undefined) ?? 'agent',
    });
  }
  return out;
}

export async function loadConversationsByIds(r: StoreReader, ids: readonly string[]): Promise<Map<string, LoadedConversation>> {
  const rows: ConversationRow[] = [];
  for (const id of ids) {
    const c = await r.getConversation(id);
    if (c) rows.push(c);
  }
  return loadConversations(r, rows);
}
