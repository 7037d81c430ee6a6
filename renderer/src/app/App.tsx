import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationFilter, ConversationSummary, TimelineItem } from '../../../shared/contract/conversations';
import type { ContactProfile } from '../../../shared/contract/contacts';
import type { ErrorShape, Result } from '../../../shared/contract/result';
import type { ConversationStatus, Language, Priority } from '../../../shared/domain/types';
import type { LanternClient } from '../lib/client';
import { changeLanguage } from '../i18n';
import { EMPTY_FILTER, Inbox, type InboxFilter } from '../inbox/Inbox';
import type { ComposerControls, ComposerMode } from '../conversation/Composer';
import { useEngine } from '../knowledge/useEngine';
import { engineInput } from '../knowledge/engineInput';
import type { Action, Card } from '../../../shared/engine';
import { ErrorBanner } from './ErrorBanner';
import { SidePanel } from './SidePanel';
import { TopBar } from './TopBar';
import { useSync } from './useSync';
import { RejectedPanel } from './RejectedPanel';
import { notifyArrivals } from './notify';
import { arrivedFirstPage, firstPageInput, takePrefetchedFirstPage } from './firstPage';
import { PageTabs } from '../supervisor/PageTabs';
import { ShortcutsHelp } from './ShortcutsHelp';
import { useWorkspaceShortcuts } from './useWorkspaceShortcuts';

// Loaded on first use: the agent's inbox paints without the charting, terminal and supervisor code.
// The open conversation (timeline, composer, attachments) and the side panels are loaded
// right after the inbox's first frame (see `inboxShown`), so they are there by the first click.
const loadConversationView = () => import('../conversation/ConversationView');
const loadKnowledgePanel = () => import('../knowledge/KnowledgePanel');
const loadPatientPanel = () => import('../context/PatientPanel');
const ConversationView = lazy(() => loadConversationView().then((m) => ({ default: m.ConversationView })));
const KnowledgePanel = lazy(() => loadKnowledgePanel().then((m) => ({ default: m.KnowledgePanel })));
const PatientPanel = lazy(() => loadPatientPanel().then((m) => ({ default: m.PatientPanel })));
const DiagnosticsConsole = lazy(() => import('../console/DiagnosticsConsole').then((m) => ({ default: m.DiagnosticsConsole })));
const SupervisorView = lazy(() => import('../supervisor/SupervisorView').then((m) => ({ default: m.SupervisorView })));

interface Props {
  client: LanternClient;
  mode: 'demo' | 'hub';
  /** The signed-in user's role, from the session the shell keeps current. */
  role: string;
  /** The signed-in user, for "assign to me". */
  userId: string | null;
  onLock: () => void;
  /** Open this conversation on start (the one that was open when the screen locked). */
  resumeConversationId?: string | null;
  /** Told whenever the open conversation changes. */
  onSelectedChange?: (id: string | null) => void;
  /** Desktop notifications muted (remembered in the replica settings). */
  doNotDisturb?: boolean;
}

const SEARCH_DELAY_MS = 150;

function toContractFilter(f: InboxFilter): ConversationFilter {
  return {
    ...(f.view === 'urgent' ? { priority: 'urgent' as const } : {}),
    ...(f.view === 'mine' ? { assignee: 'me' as const } : {}),
    ...(f.view === 'team' ? { assignee: 'team' as const } : {}),
    ...(f.view === 'unassigned' ? { assignee: 'unassigned' as const } : {}),
    ...(f.channel ? { channel: f.channel } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.tag ? { tag: f.tag } : {}),
    ...(f.query.trim() ? { query: f.query.trim() } : {}),
  };
}

export function App({ client, mode, role, userId, onLock, resumeConversationId = null, onSelectedChange, doNotDisturb = false }: Props) {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useState<InboxFilter>(EMPTY_FILTER);
  const [debouncedFilter, setDebouncedFilter] = useState<InboxFilter>(EMPTY_FILTER);
  // The first page main.tsx waited for, if it came: the first render draws its rows.
  // refreshInbox then takes the same answer, so these states do not change again.
  const [arrived] = useState(() => arrivedFirstPage(firstPageInput(toContractFilter(EMPTY_FILTER))));
  const [items, setItems] = useState<ConversationSummary[]>(arrived?.items ?? []);
  /** The inbox's first screenful has been drawn: the knowledge engine starts after it. */
  const [inboxShown, setInboxShown] = useState(false);
  const [total, setTotal] = useState(arrived?.total ?? 0);
  const [tags, setTags] = useState<string[]>(arrived?.tags ?? []);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [selected, setSelected] = useState<ConversationSummary | null>(null);
  const [timeline, setTimeline] = useState<TimelineItem[]>([]);
  const [profile, setProfile] = useState<ContactProfile | null>(null);
  const [users, setUsers] = useState<{ id: string; displayName: string }[]>([]);
  const [error, setError] = useState<ErrorShape | null>(null);

  /** Every call goes through here: a failed Result becomes the banner, never an exception. */
  const call = useCallback(async <T,>(p: Promise<Result<T>>): Promise<T | null> => {
    const r = await p;
    if (!r.ok) {
      setError(r.error);
      return null;
    }
    return r.value;
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => setDebouncedFilter(filter), filter.query === debouncedFilter.query ? 0 : SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filter, debouncedFilter.query]);

  const refreshInbox = useCallback(async () => {
    // The first screenful at once, then the rest: a 10,000-conversation inbox shows its
    // top (urgent first) immediately instead of after the whole list has crossed the bridge.
    const filter = toContractFilter(debouncedFilter);
    const input = firstPageInput(filter);
    const first = await call(takePrefetchedFirstPage(input) ?? client.conversations.list(input));
    if (!first) {
      setInboxShown(true);
      return;
    }
    setTotal(first.total);
    setTags(first.tags);
    // After the frame that shows these rows, let the knowledge engine start loading.
    requestAnimationFrame(() => setTimeout(() => setInboxShown(true), 0));
    if (first.total <= first.items.length) {
      setItems(first.items);
      return;
    }
    setItems(first.items);
    const all = await call(client.conversations.list({ filter, limit: 20_000, offset: 0 }));
    if (all) setItems(all.items);
  }, [call, client, debouncedFilter]);

  useEffect(() => {
    void refreshInbox();
  }, [refreshInbox]);

  useEffect(() => {
    if (!inboxShown) return;
    void loadConversationView();
    void loadKnowledgePanel();
    void loadPatientPanel();
  }, [inboxShown]);

  // Calls the first screen does not need wait for it, so the inbox's first page crosses the bridge alone.
  useEffect(() => {
    if (!inboxShown) return;
    void call(client.users.list()).then((u) => {
      if (u) setUsers(u.users);
    });
  }, [call, client, inboxShown]);

  const refreshConversation = useCallback(
    async (id: string) => {
      const [conv, tl] = await Promise.all([call(client.conversations.get({ id })), call(client.conversations.timeline({ id, limit: 500 }))]);
      if (conv) setSelected(conv);
      if (tl) setTimeline(tl.items);
      return conv;
    },
    [call, client],
  );

  const select = useCallback(
    async (id: string) => {
      setSelectedId(id);
      setTimeline([]);
      const conv = await refreshConversation(id);
      if (conv) {
        const p = await call(client.contacts.get({ id: conv.contactId }));
        setProfile(p);
      }
      const read = await call(client.conversations.markRead({ id }));
      if (read) setItems((prev) => prev.map((c) => (c.id === id ? { ...c, unreadCount: 0 } : c)));
    },
    [call, client, refreshConversation],
  );

  // Back from the lock screen: the same conversation, with its draft.
  const resumed = useRef(false);
  useEffect(() => {
    if (resumed.current) return;
    resumed.current = true;
    if (resumeConversationId) void select(resumeConversationId);
  }, [resumeConversationId, select]);
  useEffect(() => {
    onSelectedChange?.(selectedId);
  }, [onSelectedChange, selectedId]);
  // Stable, so the memoized inbox list does not re-render when the rest of the app does.
  const onSelectRow = useCallback((id: string) => void select(id), [select]);

  const afterChange = useCallback(async () => {
    if (selectedId) await refreshConversation(selectedId);
    await refreshInbox();
  }, [refreshConversation, refreshInbox, selectedId]);

  async function send(composerMode: ComposerMode, body: string, attachmentIds: string[]): Promise<boolean> {
    if (!selectedId) return false;
    const r = composerMode === 'note' ? await call(client.notes.add({ conversationId: selectedId, body })) : await call(client.messages.queueReply({ conversationId: selectedId, body, attachmentIds }));
    if (!r) return false;
    await afterChange();
    return true;
  }

  const loadDraft = useCallback(
    async (m: ComposerMode) => {
      if (!selectedId) return '';
      const d = await call(client.drafts.get({ conversationId: selectedId, mode: m }));
      return d?.body ?? '';
    },
    [call, client, selectedId],
  );
  const saveDraft = useCallback(
    (m: ComposerMode, body: string) => {
      if (selectedId) void call(client.drafts.save({ conversationId: selectedId, mode: m, body }));
    },
    [call, client, selectedId],
  );
  const searchCanned = useCallback(
    async (query: string) => {
      const r = await call(client.canned.search({ query, ...(selectedId ? { conversationId: selectedId } : {}), limit: 8 }));
      return r?.items ?? [];
    },
    [call, client, selectedId],
  );

  async function act<T>(p: Promise<Result<T>>) {
    if (await call(p)) await afterChange();
  }

  async function switchLanguage(language: Language) {
    await changeLanguage(language);
    await call(client.session.setLanguage({ language }));
  }

  const [draft, setDraft] = useState<{ body: string; mode: ComposerMode }>({ body: '', mode: 'reply' });
  const [insertRequest, setInsertRequest] = useState<{ text: string; nonce: number } | null>(null);
  const suggestInput = useMemo(
    () => (selectedId ? engineInput({ draft: draft.mode === 'reply' ? draft.body : '', timeline, profile, role, language: i18n.language }) : null),
    [selectedId, draft, timeline, profile, role, i18n.language],
  );
  const engine = useEngine(client, suggestInput, inboxShown);
  const onDraftChange = useCallback((body: string, m: ComposerMode) => setDraft({ body, mode: m }), []);
  function onCardAction(action: Action, card: Card) {
    if (!selectedId) return;
    if (action.type === 'raise_priority') void act(client.conversations.setPriority({ id: selectedId, priority: 'urgent' }));
    if (action.type === 'notify_clinician') void act(client.notes.add({ conversationId: selectedId, body: `${t('knowledge.action_notify_clinician')}：${card.title}${action.reason ? `（${action.reason}）` : ''}` }));
  }

  const [dnd, setDndState] = useState(doNotDisturb);
  const setDnd = useCallback(
    (on: boolean) => {
      setDndState(on);
      void call(client.session.setDoNotDisturb({ on }));
    },
    [call, client],
  );
  const [page, setPage] = useState<'workspace' | 'supervisor'>('workspace');
  const [showRejected, setShowRejected] = useState(false);
  // Diagnostics console: admins, the demo clinic, or local diagnostic mode (the services decide).
  const [consoleAllowed, setConsoleAllowed] = useState(false);
  const [showConsole, setShowConsole] = useState(false);
  useEffect(() => {
    if (!inboxShown) return;
    void client.console.info().then((r) => setConsoleAllowed(r.ok && r.value.allowed));
  }, [client, role, inboxShown]);
  const snap = useSync(
    client,
    () => void afterChange(),
    (arrived) => notifyArrivals(arrived, { dnd, t, onOpen: (id) => void select(id) }),
    inboxShown,
  );

  const summary = useMemo(() => items.find((c) => c.id === selectedId) ?? selected, [items, selectedId, selected]);

  const searchRef = useRef<HTMLInputElement>(null);
  const composerControls = useRef<ComposerControls>(null);
  const [showHelp, setShowHelp] = useState(false);
  const setStatus = (status: ConversationStatus, snoozeUntil?: number) => selectedId && void act(client.conversations.setStatus({ id: selectedId, status, ...(snoozeUntil ? { snoozeUntil } : {}) }));
  const assign = (assigneeId: string | null) => selectedId && void act(client.conversations.assign({ id: selectedId, assigneeId }));
  useWorkspaceShortcuts({
    shown: page === 'workspace',
    items,
    selectedId,
    conversation: selected?.id === selectedId ? selected : (summary ?? null),
    userId,
    select: onSelectRow,
    setStatus,
    assign,
    search: searchRef,
    composer: composerControls,
    help: showHelp,
    setHelp: setShowHelp,
    closePopup: () => {
      if (!showRejected) return false;
      setShowRejected(false);
      return true;
    },
    lock: onLock,
  });

  return (
    <div className="app">
      <TopBar
        mode={mode}
        language={i18n.language as Language}
        onLanguage={(l) => void switchLanguage(l)}
        snap={snap}
        dnd={dnd}
        onDnd={setDnd}
        onLock={onLock}
        onShowRejected={() => setShowRejected(true)}
        onHelp={() => setShowHelp(true)}
        {...(consoleAllowed ? { onConsole: () => setShowConsole(true) } : {})}
      />
      {showConsole ? (
        <Suspense fallback={null}>
          <DiagnosticsConsole client={client} onClose={() => setShowConsole(false)} onLock={onLock} />
        </Suspense>
      ) : null}
      {showHelp ? <ShortcutsHelp onClose={() => setShowHelp(false)} /> : null}
      {showRejected ? <RejectedPanel client={client} version={snap?.version ?? 0} onClose={() => setShowRejected(false)} /> : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {mode === 'hub' ? <PageTabs role={role} page={page} onPage={setPage} /> : null}
      {page === 'supervisor' ? (
        <Suspense fallback={<p className="muted loading">…</p>}>
          <SupervisorView client={client} />
        </Suspense>
      ) : null}
      <main className="workspace" hidden={page === 'supervisor'}>
        <Inbox items={items} total={total} tags={tags} selectedId={selectedId} filter={filter} onFilter={setFilter} onSelect={onSelectRow} searchRef={searchRef} />
        {selectedId ? (
          <Suspense fallback={<ConversationLoading />}>
            <ConversationView
              conversation={selected ?? summary}
              timeline={timeline}
              users={users}
              onSend={send}
              attachments={client.attachments}
              onRecall={(id) => void act(client.messages.recall({ id }))}
              onCancel={(id) => void act(client.messages.cancelQueued({ id }))}
              onAssign={assign}
              onStatus={setStatus}
              onPriority={(priority: Priority) => selectedId && void act(client.conversations.setPriority({ id: selectedId, priority }))}
              onTags={(next) => selectedId && void act(client.conversations.setTags({ id: selectedId, tags: next }))}
              loadDraft={loadDraft}
              saveDraft={saveDraft}
              searchCanned={searchCanned}
              onDraftChange={onDraftChange}
              insertRequest={insertRequest}
              compliance={draft.mode === 'reply' ? (engine.result?.compliance ?? []) : []}
              composerControls={composerControls}
            />
          </Suspense>
        ) : (
          <NoConversation />
        )}
        <SidePanel
          alert={(engine.result?.redFlags.length ?? 0) > 0}
          knowledge={
            // Its code loads after the inbox's first frame, like the engine that fills it.
            inboxShown ? (
              <Suspense fallback={<PanelLoading />}>
                <KnowledgePanel
                  result={selectedId ? engine.result : null}
                  ready={engine.ready}
                  onInsert={(text) => setInsertRequest({ text, nonce: Date.now() })}
                  onFeedback={(itemId, useful) => void call(client.knowledge.feedback({ itemId, useful, ...(selectedId ? { conversationId: selectedId } : {}) }))}
                  onAction={onCardAction}
                  client={client}
                  conversationId={selectedId}
                />
              </Suspense>
            ) : (
              <PanelLoading />
            )
          }
          patient={
            <Suspense fallback={<PanelLoading />}>
              <PatientPanel
                profile={selectedId ? profile : null}
                currentConversationId={selectedId}
                onOpenConversation={(id) => void select(id)}
                onReveal={async (identityId) => (await call(client.contacts.revealIdentifier({ identityId })))?.value ?? null}
              />
            </Suspense>
          }
        />
      </main>
    </div>
  );
}

/** The middle column before a conversation is chosen (in the main bundle: it is part of the first screen). */
function NoConversation() {
  const { t } = useTranslation();
  return (
    <section className="conversation empty-state" data-testid="conversation-view">
      <p>{t('conversation.none')}</p>
    </section>
  );
}

/** While the conversation view's code arrives (only if the first click beats the prefetch). */
function ConversationLoading() {
  return <section className="conversation empty-state" aria-busy="true" />;
}

/** A side panel whose code is still arriving. */
function PanelLoading() {
  return (
    <p className="muted loading" aria-busy="true">
      …
    </p>
  );
}
