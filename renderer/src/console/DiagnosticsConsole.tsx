import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Terminal, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import './console.css';
import type { LanternClient } from '../lib/client';
import { installCspSafeStyles } from './cspStyles';

/**
 * The diagnostics console: an xterm.js terminal over `console.run` / `console.complete`.
 * Everything a command does happens in the workstation services (plain Node, tested
 * there); this only edits one line, keeps ↑/↓ history, and prints what comes back
 * (ANSI colour included). A visually hidden live region repeats the last output as
 * plain text for screen readers.
 */
interface Props {
  client: LanternClient;
  onClose?: () => void;
  /** Called when a command locked the workspace (`lock`). */
  onLock?: () => void;
}

const PROMPT = '\x1b[1;33mlantern\x1b[0m\x1b[2m>\x1b[0m ';
const THEME: ITheme = {
  background: '#141d26',
  foreground: '#e6edf3',
  cursor: '#e7b26a',
  cursorAccent: '#141d26',
  selectionBackground: '#3b5068',
  black: '#141d26',
  red: '#ff7b72',
  green: '#7ee787',
  yellow: '#e7b26a',
  blue: '#79c0ff',
  magenta: '#d2a8ff',
  cyan: '#76e3ea',
  white: '#e6edf3',
  brightBlack: '#8b98a5',
  brightRed: '#ffa198',
  brightGreen: '#aff5b4',
  brightYellow: '#f2cc8f',
  brightBlue: '#a5d6ff',
  brightMagenta: '#e2c5ff',
  brightCyan: '#b3f0ff',
  brightWhite: '#ffffff',
};
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export function DiagnosticsConsole({ client, onClose, onLock }: Props) {
  const { t } = useTranslation();
  const hostRef = useRef<HTMLDivElement>(null);
  const [lastOutput, setLastOutput] = useState('');
  const [state, setState] = useState<{ busy: boolean; runs: number; exit: number | null; allowed: boolean | null }>({ busy: false, runs: 0, exit: null, allowed: null });
  // Latest callbacks without re-creating the terminal.
  const handlers = useRef({ onClose, onLock, t });
  handlers.current = { onClose, onLock, t };

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const uninstallStyles = installCspSafeStyles(document);
    const term = new Terminal({
      convertEol: true,
      cursorBlink: true,
      // A CJK monospace first when present: its Latin is exactly half its Hanzi, so Chinese
      // fills its two cells without gaps. Windows falls back to Cascadia/Consolas + YaHei.
      fontFamily: '"Noto Sans Mono CJK SC", "Sarasa Mono SC", "Cascadia Mono", Consolas, "DejaVu Sans Mono", "Microsoft YaHei UI", monospace',
      fontSize: 14,
      lineHeight: 1.15,
      scrollback: 3000,
      theme: THEME,
      allowProposedApi: false,
    });
    term.open(host);

    // Fit the grid to the box (what @xterm/addon-fit does, from the rendered cell size).
    const fit = () => {
      const screen = host.querySelector<HTMLElement>('.xterm-screen');
      const row = host.querySelector<HTMLElement>('.xterm-rows > div');
      if (!screen || !row || term.cols === 0) return;
      const cellW = screen.getBoundingClientRect().width / term.cols;
      const cellH = row.getBoundingClientRect().height;
      if (!cellW || !cellH) return;
      const box = host.getBoundingClientRect();
      const cols = Math.max(40, Math.floor((box.width - 14) / cellW));
      const rows = Math.max(8, Math.floor((box.height - 4) / cellH));
      if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
    };
    fit();
    const resize = new ResizeObserver(() => fit());
    resize.observe(host);

    let line = '';
    let busy = true;
    let allowed = false;
    let history: string[] = [];
    let index: number | null = null;
    let saved = '';
    let runs = 0;
    let disposed = false;

    const redraw = () => term.write(`\r\x1b[2K${PROMPT}${line}`);
    const prompt = () => term.write(`\r\n${PROMPT}`);
    const print = (lines: string[]) => {
      if (lines.length) term.write(`${lines.join('\r\n')}`);
    };
    const publish = (text: string, exit: number | null) => {
      runs++;
      setLastOutput(text.replace(ANSI, ''));
      setState({ busy, runs, exit, allowed });
    };

    const submit = async () => {
      const current = line;
      line = '';
      index = null;
      term.write('\r\n');
      if (current.trim() === '') {
        term.write(PROMPT);
        return;
      }
      if (history[history.length - 1] !== current.trim()) history = [...history, current.trim()];
      busy = true;
      setState((s) => ({ ...s, busy: true }));
      const r = await client.console.run({ line: current });
      if (disposed) return;
      busy = false;
      if (!r.ok) {
        const text = handlers.current.t('console.failed', { message: `${r.error.code}: ${r.error.message}` });
        term.write(`\x1b[31m${text}\x1b[0m`);
        prompt();
        publish(text, 1);
        return;
      }
      const { lines, exitCode, effect } = r.value;
      if (effect === 'clear') {
        term.clear();
        term.write(`\r\x1b[2K${PROMPT}`);
        publish('', exitCode);
        return;
      }
      print(lines);
      if (exitCode !== 0) term.write(`${lines.length ? '\r\n' : ''}\x1b[2m[${handlers.current.t('console.exit', { code: exitCode })}]\x1b[0m`);
      prompt();
      publish(lines.join('\n'), exitCode);
      if (effect === 'lock') handlers.current.onLock?.();
    };

    const completeLine = async () => {
      const r = await client.console.complete({ line });
      if (disposed || !r.ok) return;
      const { line: next, candidates } = r.value;
      if (candidates.length > 1) {
        term.write(`\r\n\x1b[36m${candidates.join('  ')}\x1b[0m\r\n`);
        line = next;
        term.write(`${PROMPT}${line}`);
        return;
      }
      line = next;
      redraw();
    };

    const recall = (dir: -1 | 1) => {
      if (!history.length) return;
      if (index === null) {
        if (dir === 1) return;
        saved = line;
        index = history.length - 1;
      } else {
        index += dir;
        if (index >= history.length) {
          index = null;
          line = saved;
          redraw();
          return;
        }
        index = Math.max(0, index);
      }
      line = history[index] ?? '';
      redraw();
    };

    const input = term.onData((data) => {
      if (busy || !allowed) return;
      if (data === '\x1b[A') return recall(-1);
      if (data === '\x1b[B') return recall(1);
      if (data.startsWith('\x1b')) return; // other keys (←/→, F-keys): not editable here
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') {
          void submit();
          return; // a pasted second line is not run unseen
        }
        if (ch === '\x7f' || ch === '\b') {
          line = [...line].slice(0, -1).join('');
          redraw();
        } else if (ch === '\t') {
          void completeLine();
          return;
        } else if (ch === '\x03') {
          term.write('^C');
          line = '';
          index = null;
          prompt();
        } else if (ch === '\x0c') {
          term.clear();
          redraw();
        } else if (ch >= ' ' && line.length < 2000) {
          line += ch;
          term.write(ch);
        }
      }
    });
    term.attachCustomKeyEventHandler((e) => {
      if (e.type === 'keydown' && e.key === 'Escape') {
        handlers.current.onClose?.();
        return false;
      }
      return true;
    });

    // Not bold: bold CJK falls back to a wider face, which xterm spaces out.
    term.writeln(`\x1b[36m${handlers.current.t('console.welcome')}\x1b[0m`);
    void (async () => {
      const [info, past] = await Promise.all([client.console.info(), client.console.history()]);
      if (disposed) return;
      allowed = info.ok && info.value.allowed;
      busy = false;
      if (!allowed) {
        term.write(`\x1b[31m${handlers.current.t('console.forbidden')}\x1b[0m`);
        setState({ busy: false, runs, exit: null, allowed: false });
        return;
      }
      if (past.ok) history = past.value.lines;
      term.write(PROMPT);
      setState({ busy: false, runs, exit: null, allowed: true });
      term.focus();
    })();

    return () => {
      disposed = true;
      resize.disconnect();
      input.dispose();
      term.dispose();
      uninstallStyles();
    };
  }, [client]);

  return (
    <div className="console-overlay" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && onClose?.()}>
      <section
        className="console-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={t('console.title')}
        data-testid="diagnostics-console"
        data-busy={state.busy ? 'true' : 'false'}
        data-runs={state.runs}
        data-exit={state.exit ?? ''}
        data-allowed={state.allowed === null ? '' : String(state.allowed)}
      >
        <header className="console-header">
          <strong>{t('console.title')}</strong>
          <span className="console-hint">{state.busy && state.allowed ? t('console.busy') : ''}</span>
          <button type="button" className="console-close" data-testid="console-close" onClick={() => onClose?.()} aria-label={t('console.close')}>
            ×
          </button>
        </header>
        <div className="console-terminal" ref={hostRef} data-testid="console-terminal" />
        <pre className="sr-only" role="log" aria-live="polite" aria-label={t('console.output')} data-testid="console-output">
          {lastOutput}
        </pre>
      </section>
    </div>
  );
}
