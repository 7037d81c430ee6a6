import { mergeDomains } from './define';
import { sessionDomain } from './session';
import { conversationsDomain } from './conversations';
import { messagesDomain } from './messages';
import { diagnosticsDomain } from './diagnostics';

/** The one contract between renderer and workstation services. Add a domain here. */
export const contract = mergeDomains([sessionDomain, conversationsDomain, messagesDomain, diagnosticsDomain] as const);
export type Contract = typeof contract;

export * from './define';
export * from './result';
export type { LanternBridge } from './bridge';
