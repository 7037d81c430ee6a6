import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_MESSAGE_CHARS } from '../../../shared/contract/limits';
import type { ComplianceHit } from '../../../shared/engine';
import type { Channel, Language } from '../../../shared/domain/types';
import { channelCarriesFiles } from '../../../shared/domain/files';
import type { AttachmentsApi } from './attachmentData';
import { AttachButton, AttachError, StagedChips } from './Attachments';
import { NOTE_MODE, useStagedAttachments } from './useStagedAttachments';
import { CANNED_TRIGGER, matchesShortcut } from '../app/shortcuts';

/** Canned-reply variables with a name in both languages (others show as written). */
const CANNED_VAR_NAMES = ['patient_name', 'agent_name', 'appointment_time'] as const;
type CannedVar = (typeof CANNED_VAR_NAMES)[number];
const CANNED_VARS: ReadonlySet<string> = new Set(CANNED_VAR_NAMES);

export type ComposerMode = 'reply' | 'note';

/** What the workspace's keyboard shortcuts do to the composer (see app/shortcuts.ts). */
export interface ComposerControls {
  focus: () => void;
  /** Reply ⇄ internal note, and puts the cursor in the text box. */
  toggleMode: () => void;
}

export interface CannedItem {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  missing: string[];
}

interface Props {
  conversationId: string;
  /** Decides whether replies may carry files (web chat and email). */
  channel: Channel;
  attachments: AttachmentsApi;
  loadDraft: (mode: ComposerMode) => Promise<string>;
  saveDraft: (mode: ComposerMode, body: string) => void;
  searchCanned: (query: string) => Promise<CannedItem[]>;
  onSend: (mode: ComposerMode, body: string, attachmentIds: string[]) => Promise<boolean>;
  /** Lets the knowledge panel see what is being typed (it only suggests). */
  onDraftChange?: (body: string, mode: ComposerMode) => void;
  /** Text a knowledge card asked to insert. */
  insertRequest?: { text: string; nonce: number } | null;
  /** The engine's compliance hits on this draft: 'block' hits stop sending until fixed. */
  compliance?: ComplianceHit[];
  /** Filled with the composer's controls while it is mounted. */
  controls?: Ref<ComposerControls>;
}

const SAVE_DELAY_MS = 400;

/**
 * Reply or internal-note mode; `/` opens canned replies; Ctrl+Enter (⌘+Enter) sends.
 * Drafts are saved to the encrypted replica as you type and survive restarts and
 * locks; the text stays until the replica has accepted it. Replies on web chat and
 * email may carry files (picked, pasted or dropped), staged in the replica too.
 */
export function Composer({ conversationId, channel, attachments, loadDraft, saveDraft, searchCanned, onSend, onDraftChange, insertRequest, compliance = [], controls }: Props) {
  const { t, i18n } = useTranslation();
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [canned, setCanned] = useState<CannedItem[]>([]);
  const [cannedIndex, setCannedIndex] = useState(0);
  const [missing, setMissing] = useState<string[]>([]);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const tooLong = body.length > MAX_MESSAGE_CHARS;
  const lang = (i18n.language as Language) === 'en' ? 'en' : 'zh-CN';
  const blocking = mode === 'reply' ? compliance.filter((h) => h.severity === 'block') : [];
  const warnings = mode === 'reply' ? compliance.filter((h) => h.severity === 'warn') : [];
  const explain = (hs: ComplianceHit[]) => hs.map((h) => `“${h.text}” ${h.explanation[lang] ?? h.explanation['zh-CN']}${h.rewrite ? ` → ${h.rewrite}` : ''}`).join('；');
  const carriesFiles = channelCarriesFiles(channel);
  const files = useStagedAttachments(attachments, conversationId, carriesFiles);
  const [dragging, setDragging] = useState(false);
  const withFiles = mode === 'reply' && files.items.length > 0;
  const canSend = !busy && !tooLong && (body.trim().length > 0 || withFiles) && blocking.length === 0 && (mode === 'note' || files.adding.length === 0);
  const slash = mode === 'reply' && body.startsWith(CANNED_TRIGGER) && !body.includes('\n') ? body.slice(CANNED_TRIGGER.length) : null;

  useImperativeHandle(
    controls,
    () => ({
      focus: () => textRef.current?.focus(),
      toggleMode: () => {
        setMode((m) => (m === 'reply' ? 'note' : 'reply'));
        textRef.current?.focus();
      },
    }),
    [],
  );

  // What the agent typed while the stored draft was still loading must not be overwritten
  // by it (fast typists right after opening a conversation lost their first letters).
  const edits = useRef(0);
  const bodyRef = useRef(body);
  bodyRef.current = body;
  useEffect(() => {
    let alive = true;
    const editsAtStart = edits.current;
    void loadDraft(mode).then((d) => {
      if (!alive) return;
      if (edits.current === editsAtStart) return setBody(d);
      const typed = bodyRef.current;
      if (d !== '' && d !== typed) update(typed === '' ? d : `${d}${typed}`);
    });
    return () => {
      alive = false;
    };
    // (update is a plain function of this render: the draft loads once per conversation and mode.)
  }, [conversationId, mode, loadDraft]);

  useEffect(() => {
    onDraftChange?.(body, mode);
  }, [body, mode, onDraftChange]);

  useEffect(() => {
    if (slash === null) {
      setCanned([]);
      return;
    }
    let alive = true;
    void searchCanned(slash).then((items) => {
      if (alive) {
        setCanned(items);
        setCannedIndex(0);
      }
    });
    return () => {
      alive = false;
    };
  }, [slash, searchCanned]);

  useEffect(() => {
    if (!insertRequest) return;
    edits.current++;
    setBody((prev) => (prev.trim() ? `${prev.trimEnd()}\n${insertRequest.text}` : insertRequest.text));
    textRef.current?.focus();
  }, [insertRequest]);

  function update(next: string) {
    edits.current++;
    setBody(next);
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => saveDraft(mode, next), SAVE_DELAY_MS);
  }

  function pickCanned(item: CannedItem) {
    update(item.body);
    setMissing(item.missing);
    setCanned([]);
    textRef.current?.focus();
  }

  async function send() {
    if (!canSend) return;
    setBusy(true);
    if (saveTimer.current) clearTimeout(saveTimer.current);
    const ids = mode === 'reply' ? files.items.map((f) => f.meta.id) : [];
    const ok = await onSend(mode, body, ids);
    setBusy(false);
    if (ok) {
      setBody(''); // on failure the draft stays, nothing typed is lost
      setMissing([]);
      saveDraft(mode, '');
      if (ids.length) files.clear();
    } else if (ids.length) {
      void files.reload(); // the files stay staged; show what the replica holds
    }
  }

  /** Files picked, pasted or dropped: only replies carry them. */
  function attach(list: File[]) {
    if (!list.length) return;
    if (mode !== 'reply') files.setError({ code: NOTE_MODE, message: '' });
    else void files.add(list);
  }
  const hasFiles = (dt: DataTransfer | null) => !!dt && Array.from(dt.types).includes('Files');

  return (
    <form
      className={`composer mode-${mode}${dragging ? ' dragging' : ''}`}
      data-testid="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        if (!hasFiles(e.dataTransfer)) return;
        e.preventDefault(); // also keeps the window from navigating to the dropped file
        e.dataTransfer.dropEffect = 'copy'; // a drop where files cannot go is answered in words (attach)
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e.dataTransfer)) return;
        e.preventDefault();
        setDragging(false);
        attach(Array.from(e.dataTransfer.files));
      }}
    >
      <div className="composer-modes" role="tablist">
        {(['reply', 'note'] as const).map((m) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} data-testid={`composer-mode-${m}`} onClick={() => setMode(m)}>
            {t(`composerMode.${m}`)}
          </button>
        ))}
        <span className="hint">{mode === 'note' ? t('timeline.noteHint') : t('composerMode.cannedHint')}</span>
      </div>
      {canned.length > 0 ? (
        <ul className="canned" role="listbox" aria-label={t('composerMode.cannedList')} data-testid="canned-list">
          {canned.map((c, i) => (
            <li key={c.id} role="option" aria-selected={i === cannedIndex} data-testid="canned-item" onMouseDown={(e) => e.preventDefault()} onClick={() => pickCanned(c)}>
              <strong>/{c.shortcut}</strong> <span>{c.title}</span>
              <div className="canned-body">{c.body}</div>
            </li>
          ))}
        </ul>
      ) : null}
      {mode === 'reply' ? <StagedChips open={attachments.open} items={files.items} adding={files.adding} onRemove={(id) => void files.remove(id)} /> : null}
      <textarea
        ref={textRef}
        data-testid="composer-input"
        value={body}
        placeholder={mode === 'note' ? t('composerMode.notePlaceholder') : t('composer.placeholder')}
        aria-label={mode === 'note' ? t('composerMode.notePlaceholder') : t('composer.placeholder')}
        rows={3}
        onChange={(e) => update(e.target.value)}
        onPaste={(e) => {
          const pasted = Array.from(e.clipboardData.files);
          if (!pasted.length) return; // plain text pastes as usual
          e.preventDefault();
          attach(pasted);
        }}
        onKeyDown={(e) => {
          if (canned.length > 0) {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setCannedIndex((i) => (i + (e.key === 'ArrowDown' ? 1 : canned.length - 1)) % canned.length);
              return;
            }
            if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
              e.preventDefault();
              const item = canned[cannedIndex];
              if (item) pickCanned(item);
              return;
            }
            if (e.key === 'Escape') {
              e.preventDefault(); // closes only this list, not a pop-up behind it
              setCanned([]);
              return;
            }
          }
          if (matchesShortcut('send', e.nativeEvent)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      {files.error ? <AttachError error={files.error} onDismiss={() => files.setError(null)} /> : null}
      <div className="composer-bar">
        {mode === 'reply' ? <AttachButton channel={channel} enabled={carriesFiles} onFiles={attach} /> : null}
        <span className={tooLong || missing.length || blocking.length ? 'hint error' : warnings.length ? 'hint warn' : 'hint'} data-testid="composer-hint">
          {tooLong
            ? t('composer.tooLong', { max: MAX_MESSAGE_CHARS })
            : blocking.length
              ? t('knowledge.blocked', { rules: explain(blocking) })
              : missing.length
                ? t('composerMode.cannedMissing', { vars: missing.map((v) => (CANNED_VARS.has(v) ? t(`composerMode.cannedVar.${v as CannedVar}`) : v)).join(i18n.language === 'en' ? ', ' : '、') })
                : warnings.length
                  ? t('knowledge.warned', { rules: explain(warnings) })
                  : mode === 'reply'
                    ? t('composer.queuedHint')
                    : t('timeline.noteHint')}
        </span>
        <button type="submit" data-testid="composer-send" disabled={!canSend}>
          {busy ? t('composer.sending') : t('composer.send')}
        </button>
      </div>
    </form>
  );
}
