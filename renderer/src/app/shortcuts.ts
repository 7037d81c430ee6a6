import { useEffect, useRef } from 'react';
import type { zhCN } from '../i18n/zh-CN';

/**
 * Every keyboard shortcut of the workspace, in one list: the key handling below (and the
 * composer's own keys) match against it, and the help overlay is drawn from it, so the
 * overlay cannot list a key that does nothing or miss one that works.
 *
 * Keys avoid what Electron's default menu and Windows take: Ctrl+R/W/Z/Y/X/C/V/A,
 * Ctrl+Shift+I/R, Ctrl+0/=/-, F5, F11, Alt+letter (menu mnemonics), Ctrl+Shift+F
 * (Microsoft Pinyin's simplified/traditional switch), Ctrl+Space (IME on/off).
 */

/** Labels live in the translations: an id without a label there is a type error. */
export type ShortcutId = keyof (typeof zhCN)['shortcuts']['actions'];
export type ShortcutGroup = keyof (typeof zhCN)['shortcuts']['groups'];

/** One key combination. `ctrl` also accepts ⌘ (macOS). */
export interface KeyCombo {
  /** `KeyboardEvent.key`: a lower-case letter, a character such as `?`, or a name (`ArrowDown`, `F1`, `Escape`, `Enter`). */
  key: string;
  ctrl?: boolean;
  shift?: boolean;
  alt?: boolean;
}

export interface ShortcutDef {
  id: ShortcutId;
  group: ShortcutGroup;
  /** Alternatives: any one of them triggers the shortcut. */
  keys: readonly KeyCombo[];
  /** 'global': handled by `useShortcuts`; 'composer': by the composer's text box. */
  scope: 'global' | 'composer';
  /** Still works while the help overlay is open. */
  inHelp?: boolean;
}

export const SHORTCUTS = [
  { id: 'nextConversation', group: 'navigation', scope: 'global', keys: [{ key: 'ArrowDown', alt: true }, { key: 'j' }] },
  { id: 'prevConversation', group: 'navigation', scope: 'global', keys: [{ key: 'ArrowUp', alt: true }, { key: 'k' }] },
  { id: 'focusSearch', group: 'navigation', scope: 'global', keys: [{ key: 'k', ctrl: true }, { key: 'f', ctrl: true }] },
  { id: 'focusComposer', group: 'conversation', scope: 'global', keys: [{ key: 'r' }] },
  { id: 'assignToMe', group: 'conversation', scope: 'global', keys: [{ key: 'a', ctrl: true, shift: true }] },
  { id: 'snooze', group: 'conversation', scope: 'global', keys: [{ key: 's', ctrl: true, shift: true }] },
  { id: 'resolve', group: 'conversation', scope: 'global', keys: [{ key: 'd', ctrl: true, shift: true }] },
  { id: 'toggleNote', group: 'composer', scope: 'global', keys: [{ key: 'n', ctrl: true, shift: true }] },
  { id: 'send', group: 'composer', scope: 'composer', keys: [{ key: 'Enter', ctrl: true }] },
  { id: 'cannedReplies', group: 'composer', scope: 'composer', keys: [{ key: '/' }] },
  { id: 'help', group: 'app', scope: 'global', inHelp: true, keys: [{ key: '?' }, { key: 'F1' }] },
  { id: 'closeOverlay', group: 'app', scope: 'global', inHelp: true, keys: [{ key: 'Escape' }] },
  { id: 'lock', group: 'app', scope: 'global', keys: [{ key: 'l', ctrl: true }] },
] as const satisfies readonly ShortcutDef[];

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = ['navigation', 'conversation', 'composer', 'app'];

type Entry = (typeof SHORTCUTS)[number];
export type GlobalShortcutId = Extract<Entry, { scope: 'global' }>['id'];
/** Returns false when the action does not apply now (the key then does what it would have done). */
export type ShortcutHandler = () => boolean | void;

const byId = (id: ShortcutId): ShortcutDef => SHORTCUTS.find((s) => s.id === id) as ShortcutDef;

/** The character typed at the start of a reply that opens the canned replies. */
export const CANNED_TRIGGER = byId('cannedReplies').keys[0]?.key ?? '/';

const KEY_NAMES: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑', Escape: 'Esc', Enter: 'Enter' };

/** What the help overlay shows for a combination, one entry per key cap: ['Ctrl', 'Shift', 'D']. */
export function comboCaps(c: KeyCombo): string[] {
  return [...(c.ctrl ? ['Ctrl'] : []), ...(c.shift ? ['Shift'] : []), ...(c.alt ? ['Alt'] : []), KEY_NAMES[c.key] ?? (c.key.length === 1 ? c.key.toUpperCase() : c.key)];
}

/** Single printable keys type text, so they are ignored while the user is typing. */
const isPrintable = (c: KeyCombo) => c.key.length === 1 && !c.ctrl && !c.alt;

export function matchesCombo(c: KeyCombo, e: KeyboardEvent): boolean {
  if (!!c.ctrl !== (e.ctrlKey || e.metaKey) || !!c.alt !== e.altKey) return false;
  const letter = /^[a-z]$/.test(c.key);
  // `?` is Shift+/ on most layouts: for such characters the key itself says it.
  if ((letter || c.key.length > 1) && !!c.shift !== e.shiftKey) return false;
  if (!letter) return e.key === c.key;
  // A letter also matches by position when the layout gives a non-Latin character.
  return e.key.toLowerCase() === c.key || (!/^[a-z]$/i.test(e.key) && e.code === `Key${c.key.toUpperCase()}`);
}

export function matchesShortcut(id: ShortcutId, e: KeyboardEvent): boolean {
  return byId(id).keys.some((c) => matchesCombo(c, e));
}

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'password', 'tel', 'url', 'number', 'date', 'time', 'datetime-local', 'month', 'week']);

/** Focus is where keys type or choose: text fields, text areas, selects, editable content. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(target.type);
}

/** The global shortcut a key press means here, if any. */
export function shortcutFor(e: KeyboardEvent): GlobalShortcutId | null {
  // An input method is composing (Chinese pinyin): every key belongs to it.
  if (e.isComposing || e.keyCode === 229 || e.defaultPrevented) return null;
  const typing = isTypingTarget(e.target);
  const modal = document.querySelector('[aria-modal="true"]');
  if (modal && !modal.hasAttribute('data-shortcuts-help')) return null; // another dialog has the keyboard
  for (const s of SHORTCUTS) {
    if (s.scope !== 'global' || (modal && !('inHelp' in s))) continue;
    const hit = s.keys.some((c: KeyCombo) => matchesCombo(c, e) && !(typing && isPrintable(c)) && !(e.target instanceof HTMLSelectElement && c.key.startsWith('Arrow')));
    if (hit) return s.id;
  }
  return null;
}

/** Listens for every global shortcut while mounted; each id needs its handler (the type says so). */
export function useShortcuts(handlers: Record<GlobalShortcutId, ShortcutHandler>): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const id = shortcutFor(e);
      if (id && current.current[id]() !== false) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** The conversation `step` rows away from `selectedId` in the inbox (the first one when none is open). */
export function neighbour(items: readonly { id: string }[], selectedId: string | null, step: 1 | -1): string | null {
  const i = selectedId ? items.findIndex((c) => c.id === selectedId) : -1;
  return (i < 0 ? items[0] : items[i + step])?.id ?? null;
}
