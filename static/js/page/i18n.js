// Message catalogs (static/i18n/<lang>.json, at the addresses of the page config's catalogs,
// {lang: url}) and the document's language.
// Keys are written out literally in the code (section.name, e.g. player.play) so that
// tests/test_i18n.py can find every key that is used.

const catalogs = {};
let current = "en";

// languages: the languages the page has a catalog for.
export function preferredLanguage(params, languages) {
  const asked = params.get("lang");
  if (languages.includes(asked)) return asked;
  return (navigator.language || "").toLowerCase().startsWith("ja") ? "ja" : "en";
}

export async function loadLanguage(lang, catalogUrls) {
  if (!catalogs[lang]) {
    const response = await fetch(catalogUrls[lang]);
    if (!response.ok) throw new Error(`catalog ${lang}: ${response.status}`);
    catalogs[lang] = await response.json();
  }
  current = lang;
  document.documentElement.lang = lang;
}

export function language() {
  return current;
}

// t("key", {name: "x"}) fills {name} placeholders. Values are plain text; callers put
// the result into textContent, never innerHTML.
export function t(key, params = {}) {
  const template = catalogs[current]?.[key] ?? catalogs.en?.[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? String(params[name]) : whole);
}

// Translate the static parts of the page: data-i18n (text), data-i18n-aria-label, data-i18n-title.
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
  for (const el of root.querySelectorAll("[data-i18n-title]")) {
    el.setAttribute("title", t(el.dataset.i18nTitle));
  }
}
