import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
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
    const language = info.ok ? info.value.language : 'zh-CN';
    await initI18n(language);
    root.render(
      <StrictMode>
        <App client={client} mode={info.ok ? info.value.mode : 'demo'} />
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
