/* UI strings: the site's language, as the build wrote it from cstrain/i18n/<language>.json.
 * Every key is written out in full where it is used (t("status_passed"), or a table of keys),
 * never pieced together, so tests/test_i18n.py can check that both languages have it. */
import STRINGS from "../strings.mjs";

/** The string for key with {name} placeholders filled from params; the key itself if missing. */
export function t(key, params) {
  let text = typeof STRINGS[key] === "string" ? STRINGS[key] : key;
  Object.keys(params || {}).forEach((name) => {
    text = text.split("{" + name + "}").join(String(params[name]));
  });
  return text;
}

/** The colon after a label: full width in a Chinese page. */
export function colon() {
  return /^zh/i.test(document.documentElement.lang || "zh") ? "\uff1a" : ": ";
}
