// Text for users, Chinese first: zh-CN unless the browser prefers another language we have.
import en from './en.js';
import zh from './zh-CN.js';

const DICTIONARIES = { 'zh-CN': zh, en };
const LANGUAGE_KEY = 'roundbook.language';
let language = pickLanguage();

function pickLanguage() {
  const chosen = self.localStorage?.getItem(LANGUAGE_KEY);
  if (chosen && DICTIONARIES[chosen]) return chosen;
  const preferred = self.navigator?.languages || [];
  for (const tag of preferred) {
    if (tag.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (tag.toLowerCase().startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

export function currentLanguage() {
  return language;
}

export function setLanguage(tag) {
  language = DICTIONARIES[tag] ? tag : 'zh-CN';
  self.localStorage?.setItem(LANGUAGE_KEY, language);
  document.documentElement.lang = language;
}

/** Translate a key, filling {placeholders}; falls back to Chinese, then to the key. */
export function t(key, values = {}) {
  const text = DICTIONARIES[language][key] ?? zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** The user's-language field of a bilingual record: name_zh / name_en. */
export function pick(record, field = 'name') {
  if (!record) return '';
  const [first, second] = language === 'en' ? ['en', 'zh'] : ['zh', 'en'];
  return record[`${field}_${first}`] || record[`${field}_${second}`] || '';
}
