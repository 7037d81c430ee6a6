import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationSummary } from '../../../shared/contract/conversations';
import type { ConversationStatus, Priority } from '../../../shared/domain/types';
import { priorities } from '../lib/domain';

interface Props {
  conversation: ConversationSummary;
  users: { id: string; displayName: string }[];
  onAssign: (assigneeId: string | null) => void;
  onStatus: (status: ConversationStatus, snoozeUntil?: number) => void;
  onPriority: (p: Priority) => void;
  onTags: (tags: string[]) => void;
}

/** Assign/transfer, resolve/reopen/snooze, priority and tags — each applied locally and queued for the hub. */
export function ConversationActions({ conversation: c, users, onAssign, onStatus, onPriority, onTags }: Props) {
  const { t } = useTranslation();
  const [tagInput, setTagInput] = useState('');
  return (
    <div className="conversation-actions">
      <label>
        <span className="sr-only">{t('actions.assignTo')}</span>
        <select data-testid="assign" value={c.assigneeId ?? ''} title={t('actions.assignTo')} onChange={(e) => onAssign(e.target.value || null)}>
          <option value="">{t('actions.unassigned')}</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="sr-only">{t('actions.priority')}</span>
        <select data-testid="priority" value={c.priority} title={t('actions.priority')} onChange={(e) => onPriority(e.target.value as Priority)}>
          {priorities.map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}`)}
            </option>
          ))}
        </select>
      </label>
      {c.status === 'resolved' ? (
        <button type="button" data-testid="reopen" onClick={() => onStatus('open')}>
          {t('actions.reopen')}
        </button>
      ) : (
        <>
          <button type="button" data-testid="snooze" onClick={() => onStatus('snoozed', Date.now() + 3600_000)}>
            {t('actions.snooze1h')}
          </button>
          <button type="button" className="primary" data-testid="resolve" onClick={() => onStatus('resolved')}>
            {t('actions.resolve')}
          </button>
        </>
      )}
      <div className="tags" data-testid="tags">
        {c.tags.map((tag) => (
          <span key={tag} className="tag">
            {tag}
            <button type="button" aria-label={`× ${tag}`} onClick={() => onTags(c.tags.filter((x) => x !== tag))}>
              ×
            </button>
          </span>
        ))}
        <input
          data-testid="tag-input"
          value={tagInput}
          placeholder={t('actions.tagsPlaceholder')}
          aria-label={t('actions.tags')}
          onChange={(e) => setTagInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && tagInput.trim()) {
              onTags([...c.tags, tagInput.trim()]);
              setTagInput('');
            }
          }}
        />
      </div>
    </div>
  );
}
