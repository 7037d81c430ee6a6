/** The on-prem hub, embeddable in-process (single-clinic / demo) or run by hub/cli.ts. */
export { createHub, type CreateHubOptions, type Hub } from './app/create-hub';
export { verifyAuditChain } from './audit/audit';
export type { AuditVerdict } from './audit/chain';
export type { HubStore, StoreReader, StoreTx } from './store/store';
export { ingestContact, ingestConversation, ingestInbound, ingestReading, publishKnowledgeItem, publishRule } from './sync/ingest';
