import { mergeDomains } from './define';
import { sessionDomain } from './session';
import { conversationsDomain } from './conversations';
import { messagesDomain } from './messages';
import { diagnosticsDomain } from './diagnostics';
import { notesDomain } from './notes';
import { draftsDomain } from './drafts';
import { contactsDomain } from './contacts';
import { cannedDomain } from './canned';
import { usersDomain } from './users';
import { syncDomain } from './sync';
import { knowledgeDomain } from './knowledge';
import { supervisorDomain } from './supervisor';
import { consoleDomain, policyDomain } from './console';
import { attachmentsDomain } from './attachments';

/** The one contract between renderer and workstation services. Add a domain here. */
export const contract = mergeDomains([
  sessionDomain,
  conversationsDomain,
  messagesDomain,
  attachmentsDomain,
  notesDomain,
  draftsDomain,
  contactsDomain,
  cannedDomain,
  usersDomain,
  syncDomain,
  knowledgeDomain,
  supervisorDomain,
  diagnosticsDomain,
  policyDomain,
  consoleDomain,
] as const);
export type Contract = typeof contract;

export * from './define';
export * from './result';
export type { LanternBridge } from './bridge';
