import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { KnowledgeSource, SourceFact } from '../../../shared/contract/knowledge-source';
import type { Card, Localized } from '../../../shared/engine';
import { formatMessageTime } from '../lib/format';
import type { LanternClient } from '../lib/client';

type State = { phase: 'loading' } | { phase: 'done'; source: KnowledgeSource } | { phase: 'none'; code: string };

/**
 * The knowledge a card came from, read from the replica (`knowledge.source`), in a
 * modal dialog: premise → trigger → intervention, suggested replies, references and
 * where the item came from. Links open only through the shell (a new-window request
 * that main hands to the OS browser for allow-listed https hosts, and drops otherwise).
 */
export function SourceDialog({ card, client, onClose }: { card: Card; client: LanternClient | undefined; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const pick = (l: Localized) => (en ? (l.en ?? l['zh-CN']) : l['zh-CN']);
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<State>(client ? { phase: 'loading' } : { phase: 'none', code: 'knowledge.source_not_found' });

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  useEffect(() => {
    if (!client) return undefined;
    let alive = true;
    void client.knowledge.source({ sourceItemId: card.sourceItemId }).then((r) => {
      if (alive) setState(r.ok ? { phase: 'done', source: r.value } : { phase: 'none', code: r.error.code });
    });
    return () => {
      alive = false;
    };
  }, [client, card.sourceItemId]);

  const s = state.phase === 'done' ? state.source : null;
  const facts = (list: SourceFact[], empty: string) =>
    list.length ? (
      <dl className="source-facts">
        {list.map((f) => (
          <div key={f.key}>
            <dt>{t(`knowledgeCard.fact.${f.key}`)}</dt>
            <dd>{f.values.map(pick).join(en ? ', ' : '、')}</dd>
          </div>
        ))}
      </dl>
    ) : (
      <p className="muted">{empty}</p>
    );

  return createPortal(
    <dialog ref={ref} className="source-dialog" data-testid="knowledge-source" data-phase={state.phase} aria-labelledby={titleId} onClose={onClose}>
      <header className="source-head">
        <h2 id={titleId}>{s ? pick(s.title) : card.title}</h2>
        <button type="button" className="source-close" data-testid="knowledge-source-close" onClick={() => ref.current?.close()}>
          {t('knowledgeCard.close')}
        </button>
      </header>
      <div className="source-content">
        {state.phase === 'loading' ? <p className="muted">{t('knowledgeCard.loading')}</p> : null}
        {state.phase === 'none' ? (
          <>
            <p className="source-body">{card.body}</p>
            <p className="muted" data-testid="knowledge-source-none">
              {t(state.code === 'knowledge.source_not_found' ? 'knowledgeCard.noItem' : 'knowledgeCard.failed')}
            </p>
          </>
        ) : null}
        {s ? (
          <>
            <p className="source-tags">
              <span className="card-kind">{t(`knowledgeCard.type.${s.type}`)}</span>
              {s.label ? <span className="card-kind">{t(`knowledgeCard.label.${s.label}`)}</span> : null}
              {s.topic ? <span className="card-kind">{t(`knowledgeCard.topic.${s.topic}`)}</span> : null}
              {s.status === 'retired' ? <span className="card-kind source-retired">{t('knowledgeCard.retired')}</span> : null}
            </p>
            <ol className="source-flow">
              <li>
                <h3>{t('knowledgeCard.premise')}</h3>
                {facts(s.premise, t('knowledgeCard.everyone'))}
              </li>
              <li>
                <h3>{t('knowledgeCard.trigger')}</h3>
                {facts(s.trigger, t('knowledgeCard.noTrigger'))}
              </li>
              <li>
                <h3>{t('knowledgeCard.intervention')}</h3>
                <p className="source-body" data-testid="knowledge-source-body">
                  {pick(s.body)}
                </p>
                {s.replies.map((r, i) => (
                  <blockquote key={i} className="source-reply">
                    <span className="muted">{t('knowledgeCard.reply')}</span> {pick(r)}
                  </blockquote>
                ))}
              </li>
            </ol>
            {s.links.length ? (
              <section className="source-section">
                <h3>{t('knowledgeCard.links')}</h3>
                <ul>
                  {s.links.map((l) => (
                    <li key={l.url}>
                      <a href={l.url} target="_blank" rel="noopener noreferrer" data-testid="knowledge-source-link">
                        {pick(l.label)}
                      </a>{' '}
                      <span className="muted">{l.url}</span>
                    </li>
                  ))}
                </ul>
                <p className="muted">{t('knowledgeCard.linkNote')}</p>
              </section>
            ) : null}
            <section className="source-section" data-testid="knowledge-source-origin">
              <h3>{t('knowledgeCard.origin')}</h3>
              <Origin source={s} language={i18n.language} />
              <p className="muted">
                <code>{s.sourceItemId}</code>
              </p>
            </section>
          </>
        ) : null}
    </div>
    </dialog>,
    document.body,
  );
}

function Origin({ source: s, language }: { source: KnowledgeSource; language: string }) {
  const { t } = useTranslation();
  const o = s.origin;
  if (o.kind === 'bundled') return <p>{t(o.file ? 'knowledgeCard.bundledAt' : 'knowledgeCard.bundled', { file: o.file, line: o.line ?? '?', version: o.appVersion })}</p>;
  if (o.kind === 'hub') return <p>{t('knowledgeCard.hub', { seq: o.seq ?? '—', date: formatMessageTime(o.updatedAt, language) })}</p>;
  if (o.kind === 'builtin') return <p>{t('knowledgeCard.builtin', { version: o.appVersion })}</p>;
  return (
    <>
      <p>{t('knowledgeCard.table', { title: o.title, updated: o.updated ?? '—', version: o.appVersion })}</p>
      <p className="source-reference" lang="en">
        {o.reference}
      </p>
      <p className="muted" lang="en">
        {o.licence}
      </p>
    </>
  );
}
