import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Shell, showsWorkspace } from './app/Shell';
import { firstPageArrival, prefetchFirstPage } from './app/firstPage';
import { getClient, type LanternClient } from './lib/client';
import { initI18n } from './i18n';
import './styles.css';

/** How long the first render waits for the inbox's first page before drawing without it. */
const FIRST_PAGE_WAIT_MS = 250;

async function boot() {
  const rootEl = document.getElementById('root');
  if (!rootEl) return;
  const root = createRoot(rootEl);
  try {
    const client = getClient();
    // public/early.js asked already, while this bundle loaded; same call, same answer shape.
    const early = window.__lanternEarly;
    window.__lanternEarly = undefined;
    const pending = (early?.sessionInfo as ReturnType<typeof client.session.info> | undefined) ?? client.session.info();
    const info = await pending;
    if (!info.ok) throw new Error(`${info.error.code}: ${info.error.message}`);
    if (showsWorkspace(info.value)) prefetchFirstPage(client, early?.firstPage as ReturnType<LanternClient['conversations']['list']> | undefined);
    // The inbox's first page has usually arrived by now (early.js asked for it before this
    // bundle ran): render once, with rows, rather than an empty list and then the rows.
    await Promise.all([initI18n(info.value.language), firstPageArrival(FIRST_PAGE_WAIT_MS)]);
    root.render(
      <StrictMode>
        <Shell client={client} initial={info.value} />
      </StrictMode>,
    );
  } catch (e) {
    // No bridge (opened outside Lantern) or a broken start: say so in both languages.
    root.render(
      <div className="fatal" role="alert" data-testid="error-banner">
        <p>提灯无法启动：{String(e)}</p>
        <p>Lantern could not start: {String(e)}</p>
      </div>,
    );
  }
}

void boot();
