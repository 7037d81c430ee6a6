import { useTranslation } from 'react-i18next';
import type { ConversationSummary } from '../../../shared/contract/conversations';
import type { Message } from '../../../shared/contract/messages';
import { ChannelBadge } from '../inbox/ChannelBadge';
import { formatMessageTime } from '../lib/format';
import { Composer } from './Composer';

interface Props {
  conversation: ConversationSummary | null;
  messages: Message[];
  onSend: (body: string) => Promise<boolean>;
}

/** One timeline per conversation; outbound messages always show whether they have left the building. */
export function ConversationView({ conversation, messages, onSend }: Props) {
  const { t, i18n } = useTranslation();
  if (!conversation) {
    return (
      <section className="conversation empty-state" data-testid="conversation-view">
        <p>{t('conversation.none')}</p>
      </section>
    );
  }
  return (
    <section className="conversation" data-testid="conversation-view" data-conversation-id={conversation.id}>
      <header className="conversation-header">
        <ChannelBadge channel={conversation.channel} />
        <h2>{conversation.contactName}</h2>
        <span className={`status status-${conversation.status}`}>{t(`status.${conversation.status}`)}</span>
        {conversation.priority === 'urgent' ? <span className="priority-tag priority-tag-urgent">{t('priority.urgent')}</span> : null}
      </header>
      <ol className="timeline" aria-live="polite">
        {messages.map((m) => (
          <li key={m.id} className={`message ${m.direction}`} data-testid="message" data-direction={m.direction} data-delivery={m.deliveryStatus}>
            <div className="bubble">
              <p>{m.body}</p>
            </div>
            <div className="meta">
              <span>{m.direction === 'inbound' ? (m.authorName ?? t('conversation.patient')) : (m.authorName ?? t('conversation.you'))}</span>
              <time>{formatMessageTime(m.createdAt, i18n.language)}</time>
              {m.direction === 'outbound' ? (
                <span className={`delivery delivery-${m.deliveryStatus}`} data-testid="delivery-status">
                  {t(`delivery.${m.deliveryStatus}`)}
                  {m.failureReason ? ` · ${m.failureReason}` : ''}
                </span>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      <Composer key={conversation.id} onSend={onSend} />
    </section>
  );
}
