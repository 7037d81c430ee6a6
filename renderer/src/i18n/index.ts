import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../shared/domain/types';
import { zhCN } from './zh-CN';
import { en } from './en';

export const resources = { 'zh-CN': { translation: zhCN }, en: { translation: en } } as const;

export async function initI18n(language: Language): Promise<typeof i18next> {
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

export function changeLanguage(language: Language): Promise<unknown> {
  document.documentElement.lang = language;
  return i18next.changeLanguage(language);
}
