import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { ErrorShape } from '../../../shared/contract/result';
import { base64ToBlob, type OpenAttachment } from './attachmentData';

export interface AttachmentUrl {
  url: string | null;
  error: ErrorShape | null;
  loading: boolean;
  retry: () => void;
  /** Put on the element whose visibility starts the load (when `lazy`). */
  ref: RefObject<HTMLElement | null>;
  /** Loads now (for a click on a file that was not shown). Resolves to the URL or null. */
  load: () => Promise<string | null>;
}

/**
 * An object URL for one attachment's bytes: from a File the agent just picked, or from
 * `attachments.open` (the replica, or the hub once). `when`: read at once, when the
 * element (`ref`) scrolls into view, or only when `load()` is called (a click). The URL
 * is revoked when the component goes away.
 */
export function useAttachmentUrl(open: OpenAttachment, id: string, mime: string, opts: { when: 'now' | 'visible' | 'click'; file?: Blob | undefined }): AttachmentUrl {
  const ref = useRef<HTMLElement | null>(null);
  const [visible, setVisible] = useState(opts.when === 'now');
  const manual = opts.when === 'click';
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<ErrorShape | null>(null);
  const [loading, setLoading] = useState(false);
  const urlRef = useRef<string | null>(null);
  const pending = useRef<Promise<string | null> | null>(null);
  // Bumped on unmount: a read that finishes later is dropped instead of leaking a URL.
  const generation = useRef(0);
  const file = opts.file;

  useEffect(() => {
    return () => {
      generation.current++;
      if (urlRef.current) URL.revokeObjectURL(urlRef.current);
      urlRef.current = null;
      pending.current = null;
    };
  }, []);

  const load = useCallback(async (): Promise<string | null> => {
    if (urlRef.current) return urlRef.current;
    if (pending.current) return pending.current;
    const g = generation.current;
    const run = (async () => {
      if (file) {
        const u = URL.createObjectURL(file.type === mime ? file : new Blob([file], { type: mime }));
        urlRef.current = u;
        setUrl(u);
        return u;
      }
      setLoading(true);
      setError(null);
      const r = await open({ id });
      if (g !== generation.current) return null;
      setLoading(false);
      if (!r.ok) {
        setError(r.error);
        return null;
      }
      const u = URL.createObjectURL(base64ToBlob(r.value.dataBase64, r.value.mime || mime));
      urlRef.current = u;
      setUrl(u);
      return u;
    })();
    pending.current = run;
    const u = await run;
    if (pending.current === run) pending.current = null;
    return u;
  }, [file, id, mime, open]);

  useEffect(() => {
    if (visible || manual) return;
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') {
      setVisible(true);
      return;
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setVisible(true);
        io.disconnect();
      }
    });
    io.observe(el);
    return () => io.disconnect();
  }, [visible, manual]);

  useEffect(() => {
    if (visible && !manual) void load();
  }, [visible, manual, load]);

  const retry = useCallback(() => {
    setError(null);
    void load();
  }, [load]);

  return { url, error, loading, retry, ref, load };
}
