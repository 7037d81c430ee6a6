import { HubErrorCode } from '../../../shared/sync/errors';
import { putNote } from '../changes';
import { Rejection, visibleConversation, type Applier } from './types';

/** Notes are append-only: there is no edit or delete mutation. */
export const noteAdd: Applier<'note.add'> = async (c, args) => {
  const conv = await visibleConversation(c, args.conversationId);
  if (await c.tx.getNote(args.noteId)) throw new Rejection(HubErrorCode.idConflict, `Note id ${args.noteId} is taken`);
  const note = { id: args.noteId, conversationId: conv.id, authorId: c.auth.userId, authorName: c.auth.displayName, body: args.body, createdAt: c.now, mutationId: c.meta.mutationId ?? null };
  await c.tx.insertNote(note);
  const seq = await putNote(c.tx, note, conv.contactId, c.meta);
  return { result: { seq, acceptedAt: c.now, noteId: note.id }, object: { type: 'note', id: note.id } };
};
