import { Fragment, useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { comboCaps, SHORTCUT_GROUPS, SHORTCUTS } from './shortcuts';
import './shortcuts.css';

const FOCUSABLE = 'button, [tabindex="0"]';

/**
 * Every shortcut, by group, drawn from the registry. Modal: focus stays inside while it
 * is open and goes back to where it was when it closes (Esc, ?, F1, × or a click outside).
 */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    const keepInside = (e: FocusEvent) => {
      if (e.target instanceof Node && !dialogRef.current?.contains(e.target)) closeRef.current?.focus();
    };
    document.addEventListener('focusin', keepInside);
    return () => {
      document.removeEventListener('focusin', keepInside);
      if (previous?.isConnected) previous.focus({ preventScroll: true });
    };
  }, []);

  function trapTab(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== 'Tab') return;
    const all = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const edge = e.shiftKey ? all[0] : all[all.length - 1];
    if (edge && document.activeElement === edge) {
      e.preventDefault();
      (e.shiftKey ? all[all.length - 1] : all[0])?.focus();
    }
  }

  return (
    <div className="shortcuts-backdrop" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialogRef}
        className="shortcuts-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-hint`}
        data-shortcuts-help=""
        data-testid="shortcuts-help"
        onKeyDown={trapTab}
      >
        <header className="shortcuts-header">
          <h2 id={`${id}-title`}>{t('shortcuts.title')}</h2>
          <button ref={closeRef} type="button" className="shortcuts-close" data-testid="shortcuts-close" aria-label={t('shortcuts.close')} onClick={onClose}>
            ×
          </button>
        </header>
        <p id={`${id}-hint`} className="shortcuts-hint">
          {t('shortcuts.hint')}
        </p>
        {/* Focusable so a list taller than the window scrolls from the keyboard. */}
        <div className="shortcuts-groups" tabIndex={0} role="group" aria-labelledby={`${id}-title`}>
          {SHORTCUT_GROUPS.map((group) => (
            <section key={group} className="shortcuts-group" aria-labelledby={`${id}-${group}`}>
              <h3 id={`${id}-${group}`}>{t(`shortcuts.groups.${group}`)}</h3>
              <table className="shortcuts-table">
                <tbody>
                  {SHORTCUTS.filter((s) => s.group === group).map((s) => (
                    <tr key={s.id} data-testid="shortcut" data-shortcut-id={s.id}>
                      <th scope="row">{t(`shortcuts.actions.${s.id}`)}</th>
                      <td>
                        {s.keys.map((combo, i) => (
                          <Fragment key={i}>
                            {i > 0 ? <span className="shortcuts-or"> {t('shortcuts.or')} </span> : null}
                            <kbd className="combo">
                              {comboCaps(combo).map((cap, j) => (
                                <Fragment key={j}>
                                  {j > 0 ? '+' : null}
                                  <kbd className="cap">{cap}</kbd>
                                </Fragment>
                              ))}
                            </kbd>
                          </Fragment>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
