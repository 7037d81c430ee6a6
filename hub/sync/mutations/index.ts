import type { MutationType } from '../../../shared/sync/mutations';
import { contactRevealIdentifier, contactUpdateProfile } from './contact';
import { conversationAssign, conversationMarkRead, conversationSetPriority, conversationSetStatus, conversationSetTags } from './conversation';
import { messageRecall, messageSend } from './message';
import { noteAdd } from './note';
import { knowledgeFeedback } from './knowledge';
import type { Applier } from './types';

/** One applier per mutation type; adding a type to shared/sync/mutations.ts without one here fails to compile. */
export const appliers: { [T in MutationType]: Applier<T> } = {
  'message.send': messageSend,
  'note.add': noteAdd,
  'conversation.setStatus': conversationSetStatus,
  'conversation.assign': conversationAssign,
  'conversation.setPriority': conversationSetPriority,
  'conversation.setTags': conversationSetTags,
  'conversation.markRead': conversationMarkRead,
  'contact.updateProfile': contactUpdateProfile,
  'contact.revealIdentifier': contactRevealIdentifier,
  'message.recall': messageRecall,
  'knowledge.feedback': knowledgeFeedback,
};
