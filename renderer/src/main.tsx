import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Shell } from './app/Shell';
import { getClient } from './lib/client';
import { initI18n } from './i18n';
import './styles.css';

async function boot() {
  const rootEl = document.getElementById('root');
  if (!rootEl) return;
  const root = createRoot(rootEl);
  try {
    const client = getClient();
    const info = await client.session.info();
    if (!info.ok) throw new Error(`${info.error.code}: ${info.error.message}`);
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
