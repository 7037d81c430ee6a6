/** Public surface of the knowledge-card engine (pure TS: runs in Node, Electron and workers). */
export * from './types';
export { createEngine, type Engine, type EngineConfig, type SuggestInput, type SuggestResult } from './engine';
export { loadKnowledge, loadKnowledgeFiles, formatLoadError, type LoadError, type LoadResult } from './knowledge/load';
export { knowledgeItemSchema, type KnowledgeItem, type KnowledgeItemInput } from './knowledge/schema';
export { applyKnowledgeDelta, type KnowledgeDelta, type DeltaOutcome } from './knowledge/delta';
export { loadInteractions, checkInteractions, type Interaction, type InteractionTable } from './drugs/interactions';
export { findDrugs, drugsInList } from './drugs/recognize';
export { detectRedFlags } from './redflags/detect';
export { lintDraft, applyRewrites } from './compliance/lint';
export { DEFAULT_RULES, rulePack, type ComplianceRule, type RuleOverrides } from './compliance/rules';
export { maskPii, type MaskOptions } from './pii/mask';
export { findPii, type PiiSpan } from './pii/detect';
export { scoreMessage } from './sentiment/score';
export { conversationSentiment, summarise, type ConversationSentiment } from './sentiment/aggregate';
export { applyFeedback, reduceFeedback, emptyFeedback, isRetired, retiredIds, usageCounts, type FeedbackEvent, type FeedbackState } from './feedback/feedback';
export { aggregateUsage, judgeRetirement, DEFAULT_RETIREMENT_RULE, type CardEvent, type CardEventKind, type RetirementRule, type RetirementVerdict, type UsageCounts } from './feedback/aggregate';
export { normalize } from './text/normalize';
export { Bm25Index } from './search/bm25';
