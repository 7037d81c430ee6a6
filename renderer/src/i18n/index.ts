import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../shared/domain/types';
import type { Messages } from './types';
import { zhCN } from './zh-CN';

/**
 * zh-CN is the default and the fallback, so it is in the main bundle. Every other
 * language is its own chunk, loaded before it is first shown (at start when the user's
 * language is English, or when they switch) — the inbox does not parse a language it
 * may never show.
 */
const loaders: Record<Exclude<Language, 'zh-CN'>, () => Promise<Messages>> = {
  en: () => import('./en').then((m) => m.en),
};

async function load(language: Language): Promise<void> {
  if (language === 'zh-CN' || i18next.hasResourceBundle(language, 'translation')) return;
  i18next.addResourceBundle(language, 'translation', await loaders[language]());
}

export async function initI18n(language: Language): Promise<typeof i18next> {
  const resources: Resource = { 'zh-CN': { translation: zhCN } };
  if (language !== 'zh-CN') resources[language] = { translation: await loaders[language]() };
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  document.documentElement.lang = language;
  return i18next;
}

/** Live switch: loads the language's messages if needed, then re-renders every translated view. */
export async function changeLanguage(language: Language): Promise<unknown> {
  await load(language);
  document.documentElement.lang = language;
  return i18next.changeLanguage(language);
}
