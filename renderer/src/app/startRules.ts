import type { ConversationFilter } from '../../../shared/contract/conversations';

/**
 * What the first screen needs, with no DOM or React: shared by the app, by
 * public/early.js (which mirrors it in plain JS) and by the unit test that checks both agree.
 */

/** The workspace shows (not sign-in, not the lock screen). */
export const showsWorkspace = (info: { mode: 'demo' | 'hub'; user: unknown; locked: boolean }) => !(info.mode === 'hub' && !info.user) && !info.locked;

/** Conversations in the inbox's first request: a screenful and more, urgent first. The rest follows. */
export const FIRST_PAGE = 100;

export const firstPageInput = (filter: ConversationFilter) => ({ filter, limit: FIRST_PAGE, offset: 0 });
