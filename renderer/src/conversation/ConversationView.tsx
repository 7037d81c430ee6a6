import { useEffect, useRef, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationSummary, TimelineItem } from '../../../shared/contract/conversations';
import type { ConversationStatus, Priority } from '../../../shared/domain/types';
import { ChannelBadge } from '../inbox/ChannelBadge';
import { Composer, type CannedItem, type ComposerControls, type ComposerMode } from './Composer';
import { ConversationActions } from './ConversationActions';
import { Timeline } from './Timeline';
import type { ComplianceHit } from '../../../shared/engine';
import type { AttachmentsApi } from './attachmentData';

interface Props {
  conversation: ConversationSummary | null;
  timeline: TimelineItem[];
  users: { id: string; displayName: string }[];
  onSend: (mode: ComposerMode, body: string, attachmentIds: string[]) => Promise<boolean>;
  /** Staging, removing and opening files (the client's `attachments` domain). */
  attachments: AttachmentsApi;
  onRecall: (id: string) => void;
  onCancel: (id: string) => void;
  onAssign: (assigneeId: string | null) => void;
  onStatus: (status: ConversationStatus, snoozeUntil?: number) => void;
  onPriority: (p: Priority) => void;
  onTags: (tags: string[]) => void;
  loadDraft: (mode: ComposerMode) => Promise<string>;
  saveDraft: (mode: ComposerMode, body: string) => void;
  searchCanned: (query: string) => Promise<CannedItem[]>;
  onDraftChange?: (body: string, mode: ComposerMode) => void;
  insertRequest?: { text: string; nonce: number } | null;
  compliance?: ComplianceHit[];
  /** The composer's controls, for the keyboard shortcuts. */
  composerControls?: Ref<ComposerControls>;
}

/** One timeline per conversation; outbound messages always show whether they have left the building. */
export function ConversationView(props: Props) {
  const { conversation, timeline, users } = props;
  const { t } = useTranslation();
  const endRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [timeline.length, conversation?.id]);

  if (!conversation) {
    return (
      <section className="conversation empty-state" data-testid="conversation-view">
        <p>{t('conversation.none')}</p>
      </section>
    );
  }
  const userNames = Object.fromEntries(users.map((u) => [u.id, u.displayName]));
  return (
    <section className="conversation" data-testid="conversation-view" data-conversation-id={conversation.id}>
      <header className="conversation-header">
        <ChannelBadge channel={conversation.channel} />
        <h2>{conversation.contactName}</h2>
        <span className={`status status-${conversation.status}`} data-testid="conversation-status">
          {t(`status.${conversation.status}`)}
        </span>
        {conversation.priority === 'urgent' ? <span className="priority-tag priority-tag-urgent">{t('priority.urgent')}</span> : null}
      </header>
      <ConversationActions conversation={conversation} users={users} onAssign={props.onAssign} onStatus={props.onStatus} onPriority={props.onPriority} onTags={props.onTags} />
      {/* Focusable so the history scrolls from the keyboard even when it holds no link or button. */}
      <div className="timeline-scroll" role="region" aria-label={t('conversation.timeline')} tabIndex={0}>
        <Timeline items={timeline} userNames={userNames} onRecall={props.onRecall} onCancel={props.onCancel} openAttachment={props.attachments.open} />
        <div ref={endRef} />
      </div>
      <Composer
        key={conversation.id}
        conversationId={conversation.id}
        channel={conversation.channel}
        attachments={props.attachments}
        loadDraft={props.loadDraft}
        saveDraft={props.saveDraft}
        searchCanned={props.searchCanned}
        onSend={props.onSend}
        {...(props.onDraftChange ? { onDraftChange: props.onDraftChange } : {})}
        insertRequest={props.insertRequest ?? null}
        compliance={props.compliance ?? []}
        {...(props.composerControls ? { controls: props.composerControls } : {})}
      />
    </section>
  );
}
