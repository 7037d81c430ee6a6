import { useCallback, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorShape } from '../../../shared/contract/result';
import { isImageMime } from '../../../shared/domain/files';
import { allErrorMessages, localizeError } from '../../../shared/i18n/errors';
import type { Channel, Language } from '../../../shared/domain/types';
import { ATTACH_ACCEPT, formatSize, type OpenAttachment } from './attachmentData';
import { useAttachmentUrl } from './useAttachmentUrl';
import { NOTE_MODE, READ_FAILED, type StagedItem } from './useStagedAttachments';
import './attachments.css';

/** Localized text for an attachment error: the reviewed zh-CN/en text for known codes. */
export function useAttachErrorText(): (e: ErrorShape) => string {
  const { t, i18n } = useTranslation();
  const lang: Language = i18n.language === 'en' ? 'en' : 'zh-CN';
  return useCallback(
    (e: ErrorShape) => {
      if (e.code === READ_FAILED) return t('attachments.readFailed');
      if (e.code === NOTE_MODE) return t('attachments.noteMode');
      if (allErrorMessages[e.code] || !e.message) return localizeError(e.code, lang);
      return e.message;
    },
    [t, lang],
  );
}

export function PaperclipIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function FileIcon({ mime }: { mime: string }) {
  return (
    <span className="file-icon" aria-hidden="true">
      {mime === 'application/pdf' ? 'PDF' : (mime.split('/')[1] ?? '?').slice(0, 4).toUpperCase()}
    </span>
  );
}

/**
 * The paperclip and its hidden file input. On a channel that cannot carry files the
 * button is disabled and says why (visible text, tooltip and aria-describedby).
 */
export function AttachButton({ channel, enabled, onFiles }: { channel: Channel; enabled: boolean; onFiles: (files: File[]) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const whyId = useId();
  const why = t('attachments.unsupported', { channel: t(`channel.${channel}`) });
  return (
    <>
      <button
        type="button"
        className="attach-button"
        data-testid="attach-button"
        disabled={!enabled}
        title={enabled ? t('attachments.attachHint') : why}
        aria-describedby={enabled ? undefined : whyId}
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
        <span>{t('attachments.attach')}</span>
      </button>
      {enabled ? null : (
        <span id={whyId} className="attach-unsupported" data-testid="attach-unsupported">
          {why}
        </span>
      )}
      <input
        ref={input}
        type="file"
        multiple
        accept={ATTACH_ACCEPT}
        hidden
        tabIndex={-1}
        data-testid="attach-input"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = ''; // the same file may be picked again
          onFiles(files);
        }}
      />
    </>
  );
}

function ChipThumb({ open, item }: { open: OpenAttachment; item: StagedItem }) {
  const { url, error } = useAttachmentUrl(open, item.meta.id, item.meta.mime, { when: 'now', file: item.file });
  if (!url || error) return <span className="chip-thumb placeholder" aria-hidden="true" />;
  return <img className="chip-thumb" src={url} alt="" data-testid="attach-chip-thumb" />;
}

/** The files waiting to go with the reply: thumbnail or type, name, size, remove. */
export function StagedChips({ open, items, adding, onRemove }: { open: OpenAttachment; items: StagedItem[]; adding: { key: number; name: string }[]; onRemove: (id: string) => void }) {
  const { t } = useTranslation();
  if (!items.length && !adding.length) return null;
  return (
    <ul className="attach-chips" aria-label={t('attachments.stagedList')} data-testid="attach-chips">
      {items.map((item) => (
        <li key={item.meta.id} className="attach-chip" data-testid="attach-chip" data-attachment-id={item.meta.id} data-mime={item.meta.mime}>
          {isImageMime(item.meta.mime) ? <ChipThumb open={open} item={item} /> : <FileIcon mime={item.meta.mime} />}
          <span className="chip-name" title={item.meta.filename}>
            {item.meta.filename}
          </span>
          <span className="chip-size">{formatSize(item.meta.size)}</span>
          <button type="button" className="chip-remove" data-testid="attach-remove" aria-label={t('attachments.remove', { name: item.meta.filename })} title={t('attachments.remove', { name: item.meta.filename })} onClick={() => onRemove(item.meta.id)}>
            ×
          </button>
        </li>
      ))}
      {adding.map((a) => (
        <li key={`adding-${a.key}`} className="attach-chip adding" data-testid="attach-adding" aria-busy="true">
          <span className="chip-thumb placeholder" aria-hidden="true" />
          <span className="chip-name" title={a.name}>
            {a.name}
          </span>
          <span className="chip-size">{t('attachments.adding')}</span>
        </li>
      ))}
    </ul>
  );
}

/** An attachment problem in the composer: said in the user's language, dismissable, never a crash. */
export function AttachError({ error, onDismiss }: { error: ErrorShape; onDismiss: () => void }) {
  const { t } = useTranslation();
  const text = useAttachErrorText();
  return (
    <div className="attach-error" role="alert" data-testid="attach-error" data-code={error.code}>
      <span>{text(error)}</span>
      <button type="button" className="chip-remove" aria-label={t('errors.dismiss')} title={t('errors.dismiss')} onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
