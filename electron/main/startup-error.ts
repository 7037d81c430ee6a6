import { isLanternError } from '../../shared/contract/result';
import { localizeError } from '../../shared/i18n/errors';

/**
 * Text for `dialog.showErrorBox` when the workstation cannot start (no keyring,
 * wrong key, damaged replica …). Staff read zh-CN first, IT reads English and the
 * code; the technical message goes last. Kept pure so it is unit-tested.
 */
export function formatStartupError(error: unknown): { title: string; content: string } {
  const title = '提灯无法启动 — Lantern could not start';
  const code = errorCode(error);
  const technical = error instanceof Error ? error.message : String(error);
  if (code !== null) {
    return {
      title,
      content: [localizeError(code, 'zh-CN'), localizeError(code, 'en'), '', `(${code}) ${technical}`].join('\n'),
    };
  }
  const lines = ['启动时发生意外错误，请联系信息科。', 'An unexpected error stopped the app from starting. Please contact IT.', '', technical];
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(technical)) {
    lines.push('', 'Developer hint: the SQLite native module was built for Node, not Electron. Start the app with `npm start`, which builds an Electron copy into .electron-native/ and passes it via LANTERN_NATIVE_BINDING.');
  }
  return { title, content: lines.join('\n') };
}

function errorCode(error: unknown): string | null {
  if (isLanternError(error)) return error.code;
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const code = (error as { code: string }).code;
    // Stable Lantern codes are "<domain>.<reason>"; Node's ENOENT & co are not ours to localize.
    if (/^[a-z]+\.[a-z_]+$/.test(code)) return code;
  }
  return null;
}
