/**
 * Which cards a dismissal is kept for. Cards built from the knowledge base — an item
 * (`item:<id>`) or an interaction-table entry (`interaction:<id>`) — stay hidden for
 * that conversation once the agent dismissed them. Red flags can never be dismissed;
 * wording, tone and on-prem LLM cards follow the current draft or request, so hiding
 * one is only for the moment (a later draft may need it again).
 */
export function isPersistentDismissal(cardId: string): boolean {
  return /^(item|interaction):./.test(cardId);
}

/** Red flags stay on screen whatever the agent does. */
export function isDismissable(cardId: string): boolean {
  return !cardId.startsWith('red_flag:');
}
