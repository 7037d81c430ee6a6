/**
 * A minimal in-memory replica that applies pulled changes by the client rules of
 * docs/sync.md. Tests use it to prove a client following those rules converges
 * to exactly what the hub says it may see.
 */
import type { Change } from '../../shared/sync/protocol';
import type { ScopeRevokeData } from '../../shared/sync/entities';
import type { StoreReader } from '../store/store';
import { messageData, noteData } from '../sync/changes';
import type { ScopeKey } from '../store/types';

type Row = Record<string, unknown> & { id: string };
const PATIENT = ['contact', 'contact_identity', 'conversation', 'message', 'note', 'device_reading'] as const;
type PatientEntity = (typeof PATIENT)[number];

export class ReplicaModel {
  readonly tables: Record<PatientEntity, Map<string, Row>> = {
    contact: new Map(),
    contact_identity: new Map(),
    conversation: new Map(),
    message: new Map(),
    note: new Map(),
    device_reading: new Map(),
  };
  cursor = 0;

  private dropConversation(id: string): void {
    this.tables.conversation.delete(id);
    for (const t of [this.tables.message, this.tables.note]) for (const [k, r] of t) if (r.conversationId === id) t.delete(k);
  }

  private dropContact(id: string): void {
    for (const [k, c] of this.tables.conversation) if (c.contactId === id) this.dropConversation(k);
    for (const t of [this.tables.contact_identity, this.tables.device_reading]) for (const [k, r] of t) if (r.contactId === id) t.delete(k);
    this.tables.contact.delete(id);
  }

  apply(changes: Change[]): void {
    for (const c of changes) {
      if (c.entity === 'scope' && c.op === 'revoke') {
        const d = c.data as ScopeRevokeData;
        this.dropConversation(d.conversationId);
        if (!d.keepContact) this.dropContact(d.contactId);
        continue;
      }
      if (!(PATIENT as readonly string[]).includes(c.entity)) continue;
      const data = c.data as Row;
      // Rule: a row whose parent is missing is skipped; a later scope-refresh snapshot carries it.
      if ((c.entity === 'message' || c.entity === 'note') && !this.tables.conversation.has(data.conversationId as string)) continue;
      if ((c.entity === 'conversation' || c.entity === 'contact_identity' || c.entity === 'device_reading') && !this.tables.contact.has(data.contactId as string)) continue;
      this.tables[c.entity as PatientEntity].set(data.id, data);
    }
  }

  snapshot(): Record<PatientEntity, Row[]> {
    const out = {} as Record<PatientEntity, Row[]>;
    for (const e of PATIENT) out[e] = [...this.tables[e].values()].sort((a, b) => a.id.localeCompare(b.id));
    return out;
  }
}

/** What the hub says `scope` may see right now, in the model's shape. */
export async function expectedView(r: StoreReader, scope: ScopeKey): Promise<Record<PatientEntity, Row[]>> {
  const out: Record<PatientEntity, Row[]> = { contact: [], contact_identity: [], conversation: [], message: [], note: [], device_reading: [] };
  const contacts = new Set<string>();
  for (const id of await r.visibleConversationIds(scope)) {
    const conv = (await r.getConversation(id))!;
    out.conversation.push(conv as unknown as Row);
    contacts.add(conv.contactId);
    out.message.push(...(await r.messagesOf(id)).map((m) => messageData(m) as unknown as Row));
    out.note.push(...(await r.notesOf(id)).map((n) => noteData(n) as unknown as Row));
  }
  for (const id of contacts) {
    out.contact.push((await r.getContact(id)) as unknown as Row);
    out.contact_identity.push(...((await r.identitiesOf(id)) as unknown as Row[]));
    out.device_reading.push(...((await r.readingsOf(id)) as unknown as Row[]));
  }
  for (const e of PATIENT) out[e].sort((a, b) => a.id.localeCompare(b.id));
  return out;
}
