import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttachmentMeta } from '../../../shared/contract/attachments';
import type { ErrorShape } from '../../../shared/contract/result';
import { fileToBase64, precheck, type AttachmentsApi } from './attachmentData';

export interface StagedItem {
  meta: AttachmentMeta;
  /** The bytes the agent picked in this session (thumbnails without a round trip); absent after a reload. */
  file?: Blob;
}

/** Renderer-side codes (texts in the renderer's i18n under `attachments.*`). */
export const READ_FAILED = 'ui.attachments.read_failed';
export const NOTE_MODE = 'ui.attachments.note_mode';

const MAX_NAME = 200;
function fitName(name: string): string {
  const n = name.trim() || 'file';
  if (n.length <= MAX_NAME) return n;
  const dot = n.lastIndexOf('.');
  const ext = dot > 0 && n.length - dot <= 10 ? n.slice(dot) : '';
  return n.slice(0, MAX_NAME - ext.length) + ext;
}

/**
 * The files attached to the reply being written in one conversation. They live in the
 * replica (staged), so they are loaded again when the conversation opens and survive
 * restarts like drafts. Every failure becomes `error` (shown in the composer), never a throw.
 */
export function useStagedAttachments(api: AttachmentsApi, conversationId: string, enabled: boolean) {
  const [items, setItems] = useState<StagedItem[]>([]);
  const [adding, setAdding] = useState<{ key: number; name: string }[]>([]);
  const [error, setError] = useState<ErrorShape | null>(null);
  const count = useRef({ items: 0, adding: 0 });
  const alive = useRef(true);
  const nextKey = useRef(0);
  count.current.items = items.length;

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const reload = useCallback(async () => {
    const r = await api.staged({ conversationId });
    if (!alive.current) return;
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setItems((prev) =>
      r.value.items.map((meta) => {
        const file = prev.find((p) => p.meta.id === meta.id)?.file;
        return file ? { meta, file } : { meta };
      }),
    );
  }, [api, conversationId]);

  useEffect(() => {
    setItems([]);
    setError(null);
    if (enabled) void reload();
  }, [reload, enabled]);

  const add = useCallback(
    async (files: File[]) => {
      if (!files.length) return;
      if (!enabled) {
        setError({ code: 'attachments.channel_unsupported', message: '' });
        return;
      }
      const pre = precheck(files, count.current.items + count.current.adding);
      if (pre?.code === 'attachments.too_many') {
        setError({ code: pre.code, message: '' });
        return;
      }
      setError(pre ? { code: pre.code, message: '' } : null);
      const accepted = files.filter((_, i) => !pre?.tooLarge.includes(i));
      const jobs = accepted.map((file) => ({ file, key: nextKey.current++ }));
      count.current.adding += jobs.length;
      setAdding((prev) => [...prev, ...jobs.map((j) => ({ key: j.key, name: j.file.name }))]);
      // One at a time: the service counts what is staged, and a 10 MB read is not small.
      for (const { file, key } of jobs) {
        try {
          let data: string;
          try {
            data = await fileToBase64(file);
          } catch {
            if (alive.current) setError({ code: READ_FAILED, message: '' });
            continue;
          }
          const r = await api.stage({ conversationId, filename: fitName(file.name), dataBase64: data });
          if (!alive.current) return;
          if (r.ok) setItems((prev) => [...prev, { meta: r.value, file }]);
          else setError(r.error);
        } finally {
          count.current.adding--;
          if (alive.current) setAdding((prev) => prev.filter((a) => a.key !== key));
        }
      }
    },
    [api, conversationId, enabled],
  );

  const remove = useCallback(
    async (id: string) => {
      const r = await api.unstage({ id });
      if (!alive.current) return;
      // Already gone (sent or removed elsewhere) is what was asked for.
      if (r.ok || r.error.code === 'replica.not_found') {
        setItems((prev) => prev.filter((i) => i.meta.id !== id));
        setError(null);
      } else setError(r.error);
    },
    [api],
  );

  /** After the reply was queued: the files now belong to the message. */
  const clear = useCallback(() => setItems([]), []);

  return { items, adding, error, setError, add, remove, clear, reload };
}
