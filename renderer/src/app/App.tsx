import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationSummary } from '../../../shared/contract/conversations';
import type { Message } from '../../../shared/contract/messages';
import type { ErrorShape, Result } from '../../../shared/contract/result';
import type { Language } from '../../../shared/domain/types';
import type { LanternClient } from '../lib/client';
import { changeLanguage } from '../i18n';
import { Inbox, type InboxFilter } from '../inbox/Inbox';
import { ConversationView } from '../conversation/ConversationView';
import { KnowledgePanel } from '../knowledge/KnowledgePanel';
import { ErrorBanner } from './ErrorBanner';
import { TopBar } from './TopBar';

interface Props {
  client: LanternClient;
  mode: 'demo' | 'hub';
}

export function App({ client, mode }: Props) {
  const { i18n } = useTranslation();
  const [filter, setFilter] = useState<InboxFilter>({ urgentOnly: false, channel: '', status: '' });
  const [items, setItems] = useState<ConversationSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
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

  const contractFilter = useMemo(
    () => ({
      ...(filter.urgentOnly ? { priority: 'urgent' as const } : {}),
      ...(filter.channel ? { channel: filter.channel } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    }),
    [filter],
  );

  const refreshInbox = useCallback(async () => {
    const list = await call(client.conversations.list({ filter: contractFilter, limit: 500, offset: 0 }));
    if (list) {
      setItems(list.items);
      setTotal(list.total);
    }
  }, [call, client, contractFilter]);

  useEffect(() => {
    void refreshInbox();
  }, [refreshInbox]);

  const loadMessages = useCallback(
    async (conversationId: string) => {
      const list = await call(client.messages.list({ conversationId, limit: 200 }));
      if (list) setMessages(list.items);
    },
    [call, client],
  );

  async function select(id: string) {
    setSelectedId(id);
    setMessages([]);
    await loadMessages(id);
    const read = await call(client.conversations.markRead({ id }));
    if (read) setItems((prev) => prev.map((c) => (c.id === id ? { ...c, unreadCount: 0 } : c)));
  }

  async function send(body: string): Promise<boolean> {
    if (!selectedId) return false;
    const m = await call(client.messages.queueReply({ conversationId: selectedId, body }));
    if (!m) return false;
    setMessages((prev) => [...prev, m]);
    void refreshInbox();
    return true;
  }

  async function switchLanguage(language: Language) {
    await changeLanguage(language);
    await call(client.session.setLanguage({ language }));
  }

  const selected = items.find((c) => c.id === selectedId) ?? null;

  return (
    <div className="app">
      <TopBar mode={mode} language={i18n.language as Language} onLanguage={(l) => void switchLanguage(l)} />
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      <main className="workspace">
        <Inbox items={items} total={total} selectedId={selectedId} filter={filter} onFilter={setFilter} onSelect={(id) => void select(id)} />
        <ConversationView conversation={selected} messages={messages} onSend={send} />
        <KnowledgePanel />
      </main>
    </div>
  );
}
