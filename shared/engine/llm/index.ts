export { createLlmProvider, completionsUrl, llmConfigSchema, llmError, llmErrorCodes, LLM_ERROR_TEXT, type ChatMessage, type ChatOutcome, type LlmConfig, type LlmError, type LlmErrorCode, type LlmProvider } from './provider';
export { llmAssist, screenText, type AssistInput, type AssistMessage, type AssistResult, type ScreenedText } from './assist';
export type { FetchLike, ResponseLike } from './web';
