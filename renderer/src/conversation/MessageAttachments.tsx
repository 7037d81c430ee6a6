import { useTranslation } from 'react-i18next';
import type { AttachmentMeta } from '../../../shared/contract/attachments';
import { isImageMime } from '../../../shared/domain/files';
import { downloadUrl, formatSize, type OpenAttachment } from './attachmentData';
import { FileIcon, useAttachErrorText } from './Attachments';
import { useAttachmentUrl } from './useAttachmentUrl';

function QueuedBadge({ a }: { a: AttachmentMeta }) {
  const { t } = useTranslation();
  return a.state === 'queued' ? (
    <span className="attach-state" data-testid="attachment-queued">
      {t('attachments.queued')}
    </span>
  ) : null;
}

/** A picture on a message: read when scrolled into view, at most 200 px; a click downloads it. */
function ImageAttachment({ a, open }: { a: AttachmentMeta; open: OpenAttachment }) {
  const { t } = useTranslation();
  const errorText = useAttachErrorText();
  const { url, error, retry, ref } = useAttachmentUrl(open, a.id, a.mime, { when: 'visible' });
  return (
    <figure className="message-image" data-testid="message-image" data-attachment-id={a.id} ref={ref}>
      {error ? (
        <div className="attach-open-error" role="alert" data-testid="attachment-error" data-code={error.code}>
          <span>{errorText(error)}</span>
          <button type="button" className="link-button" data-testid="attachment-retry" onClick={retry}>
            {t('attachments.retry')}
          </button>
        </div>
      ) : url ? (
        <button type="button" className="thumb-button" title={t('attachments.download', { name: a.filename })} aria-label={t('attachments.download', { name: a.filename })} onClick={() => downloadUrl(url, a.filename)}>
          <img src={url} alt={a.filename} data-testid="message-image-img" />
        </button>
      ) : (
        <div className="thumb-placeholder" aria-busy="true">
          {t('attachments.loading')}
        </div>
      )}
      <figcaption>
        <span className="chip-name" title={a.filename}>
          {a.filename}
        </span>
        <span className="chip-size">{formatSize(a.size)}</span>
        <QueuedBadge a={a} />
      </figcaption>
    </figure>
  );
}

/** A document on a message: a chip; a click reads the bytes (replica or hub) and downloads them. */
function FileAttachment({ a, open }: { a: AttachmentMeta; open: OpenAttachment }) {
  const { t } = useTranslation();
  const errorText = useAttachErrorText();
  const { error, loading, load } = useAttachmentUrl(open, a.id, a.mime, { when: 'click' });
  return (
    <div className="message-file" data-testid="message-file" data-attachment-id={a.id}>
      <button
        type="button"
        className="file-chip"
        data-testid="message-file-open"
        // No aria-label: the name is the visible text (file name and size), as speech
        // input users see it; "Download …" is the tooltip and the accessible description.
        title={t('attachments.download', { name: a.filename })}
        disabled={loading}
        onClick={async () => {
          const u = await load();
          if (u) downloadUrl(u, a.filename);
        }}
      >
        <FileIcon mime={a.mime} />
        <span className="chip-name">{a.filename}</span>
        <span className="chip-size">{loading ? t('attachments.loading') : formatSize(a.size)}</span>
      </button>
      <QueuedBadge a={a} />
      {error ? (
        <div className="attach-open-error" role="alert" data-testid="attachment-error" data-code={error.code}>
          <span>{errorText(error)}</span>
        </div>
      ) : null}
    </div>
  );
}

export function MessageAttachments({ attachments, open }: { attachments: AttachmentMeta[]; open: OpenAttachment }) {
  if (!attachments.length) return null;
  return (
    <div className="message-files" data-testid="message-attachments">
      {attachments.map((a) => (isImageMime(a.mime) ? <ImageAttachment key={a.id} a={a} open={open} /> : <FileAttachment key={a.id} a={a} open={open} />))}
    </div>
  );
}
