import type { RefObject } from 'react';
import type { ConversationSummary } from '../../../shared/contract/conversations';
import type { ConversationStatus } from '../../../shared/domain/types';
import type { ComposerControls } from '../conversation/Composer';
import { neighbour, useShortcuts } from './shortcuts';

/** The same hour as the "Snooze 1 hour" button. */
const SNOOZE_MS = 3600_000;

interface Workspace {
  /** The agent's workspace is the page shown (not the supervisor page). */
  shown: boolean;
  items: readonly ConversationSummary[];
  selectedId: string | null;
  /** The open conversation as last read (ignored while it is not the selected one yet). */
  conversation: ConversationSummary | null;
  userId: string | null;
  select: (id: string) => void;
  setStatus: (status: ConversationStatus, snoozeUntil?: number) => void;
  assign: (assigneeId: string) => void;
  search: RefObject<HTMLInputElement | null>;
  composer: RefObject<ComposerControls | null>;
  help: boolean;
  setHelp: (open: boolean) => void;
  /** Closes the one non-modal pop-up that is open (the refused-changes list), if any. */
  closePopup: () => boolean;
  lock: () => void;
}

/** Wires every global shortcut of the registry to the workspace's existing actions. */
export function useWorkspaceShortcuts(w: Workspace): void {
  const c = w.shown && w.selectedId && w.conversation?.id === w.selectedId ? w.conversation : null;
  const step = (dir: 1 | -1) => {
    const id = w.shown ? neighbour(w.items, w.selectedId, dir) : null;
    if (!id) return false;
    w.select(id);
  };
  useShortcuts({
    nextConversation: () => step(1),
    prevConversation: () => step(-1),
    focusSearch: () => {
      const input = w.shown ? w.search.current : null;
      if (!input) return false;
      input.focus();
      input.select();
    },
    focusComposer: () => (c && w.composer.current ? w.composer.current.focus() : false),
    toggleNote: () => (c && w.composer.current ? w.composer.current.toggleMode() : false),
    assignToMe: () => {
      if (!c || !w.userId) return false;
      if (c.assigneeId !== w.userId) w.assign(w.userId);
    },
    snooze: () => {
      if (!c || c.status === 'resolved') return false;
      w.setStatus('snoozed', Date.now() + SNOOZE_MS);
    },
    resolve: () => {
      if (!c || c.status === 'resolved') return false;
      w.setStatus('resolved');
    },
    help: () => w.setHelp(!w.help),
    closeOverlay: () => {
      if (w.help) w.setHelp(false);
      else return w.closePopup();
    },
    lock: () => w.lock(),
  });
}
