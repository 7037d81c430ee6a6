/**
 * The domain's value lists the screens show (filters, pickers), without zod.
 *
 * `shared/domain/types.ts` defines each list next to its zod schema, so importing a
 * list from there brings zod into the renderer's main bundle. These copies are typed
 * as `typeof` the shared lists: a list that differs in any member or in order is a
 * type error (`npm run typecheck`), so they cannot drift.
 */
import type {
  channels as sharedChannels,
  conversationStatuses as sharedConversationStatuses,
  languages as sharedLanguages,
  priorities as sharedPriorities,
} from '../../../shared/domain/types';

export const channels: typeof sharedChannels = ['webchat', 'wechat', 'wecom', 'sms', 'email', 'phone', 'device'];
export const conversationStatuses: typeof sharedConversationStatuses = ['open', 'pending', 'snoozed', 'resolved'];
export const priorities: typeof sharedPriorities = ['urgent', 'high', 'normal', 'low'];
export const languages: typeof sharedLanguages = ['zh-CN', 'en'];
