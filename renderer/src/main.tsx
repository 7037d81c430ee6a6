import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Shell, showsWorkspace } from './app/Shell';
import { prefetchFirstPage } from './app/firstPage';
import { getClient, type LanternClient } from './lib/client';
import { warmUpTimeFormat } from './lib/format';
import { initI18n } from './i18n';
import './styles.css';

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
    // The inbox rows format times: pay ICU's set-up while the bridge answers, not before the first rows.
    warmUpTimeFormat();
    const info = await pending;
    if (!info.ok) throw new Error(`${info.error.code}: ${info.error.message}`);
    if (showsWorkspace(info.value)) prefetchFirstPage(client, early?.firstPage as ReturnType<LanternClient['conversations']['list']> | undefined);
    await initI18n(info.value.language);
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
