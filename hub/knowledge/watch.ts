import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isWatchedName } from './reload';

export interface DirWatcherOptions {
  /** Quiet time after the last change before reloading (editors write in several steps). Default 300 ms. */
  debounceMs?: number;
  /**
   * Safety net besides fs.watch: every `pollMs` the directory's identity and the
   * files' sizes and mtimes are compared, so a directory replaced by a rename
   * (`mv knowledge.new knowledge`, a deploy tool), a network file system without
   * change events, or a lost watcher still lead to a reload. Default 30 s; 0 = off.
   */
  pollMs?: number;
  log: Logger;
  /** Runs one reload. Never run twice at once; a change during a run schedules one more run after it. */
  onChange: () => Promise<unknown>;
}

export interface DirWatcher {
  /** Schedule a reload as if a file had changed (debounced). */
  trigger(): void;
  /** Resolves when no reload is running or scheduled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Directory identity plus every watched file's size and mtime. */
function signature(dir: string): string {
  try {
    const d = statSync(dir);
    const parts = [`${d.dev}:${d.ino}`];
    for (const name of readdirSync(dir).filter(isWatchedName).sort()) {
      try {
        const s = statSync(join(dir, name));
        parts.push(`${name}:${s.size}:${s.mtimeMs}`);
      } catch {
        parts.push(`${name}:gone`);
      }
    }
    return parts.join('|');
  } catch {
    return 'missing';
  }
}

/**
 * Watches a knowledge directory and calls `onChange` once things have settled.
 *
 * Robust to how editors save: vim writes `4913`, `.x.jsonl.swp` and renames, VS Code
 * and JetBrains write a temp file and rename it over the original, `sed -i` replaces
 * the inode. Events for names that are not knowledge files are ignored; every
 * relevant event (and events without a file name) restarts the debounce timer; the
 * reload then reads the WHOLE directory fresh, so it does not matter which event
 * came last or whether a rename was reported as one or two events. A half-written
 * file is simply invalid: that reload is refused and the next event retries.
 * If the watcher fails (directory deleted or replaced) it is re-created by the poll.
 */
export function watchKnowledgeDir(dir: string, opts: DirWatcherOptions): DirWatcher {
  const debounceMs = opts.debounceMs ?? 300;
  const pollMs = opts.pollMs ?? 30_000;
  let watcher: FSWatcher | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let poller: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let lastSig = signature(dir);
  let watchedIno = lastSig.split('|')[0] ?? '';

  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        // Record what this run is about to read, so the poll only fires on later changes.
        lastSig = signature(dir);
        try {
          await opts.onChange();
        } catch (e) {
          opts.log.error({ err: e, dir }, 'knowledge reload failed');
        }
      } while (again && !closed);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void run();
    }, debounceMs);
  };

  const startWatcher = () => {
    if (closed) return;
    try {
      watcher = watch(dir, { persistent: false }, (_event, filename) => {
        const name = filename === null ? null : String(filename);
        if (name === null || isWatchedName(name)) schedule();
      });
      watcher.on('error', (e) => {
        opts.log.warn({ err: e, dir }, 'knowledge directory watcher failed; re-watching on the next poll');
        watcher?.close();
        watcher = null;
        schedule();
      });
      watchedIno = signature(dir).split('|')[0] ?? '';
    } catch (e) {
      watcher = null;
      opts.log.warn({ err: e, dir }, 'cannot watch the knowledge directory; relying on the poll');
    }
  };

  startWatcher();
  if (pollMs > 0) {
    poller = setInterval(() => {
      const sig = signature(dir);
      const ino = sig.split('|')[0] ?? '';
      if (ino !== 'missing' && (!watcher || ino !== watchedIno)) {
        // Deleted and re-created, or replaced by a rename: the old watcher sees nothing any more.
        watcher?.close();
        watcher = null;
        startWatcher();
      }
      if (sig !== lastSig) schedule();
    }, pollMs);
    poller.unref();
  }

  return {
    trigger: schedule,
    async idle() {
      while (timer || running) {
        if (running) await running;
        else await new Promise((r) => setTimeout(r, debounceMs));
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (poller) clearInterval(poller);
      watcher?.close();
      watcher = null;
      if (running) await running;
    },
  };
}
