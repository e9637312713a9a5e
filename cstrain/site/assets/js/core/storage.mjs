/* localStorage as JSON, never throwing: private mode, a full quota or a damaged value leave the
 * page working (the caller decides what to keep in memory meanwhile). */

/** A JSON object: not null, not an array. */
export function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The JSON stored under key, or fallback when there is none or it cannot be read. */
export function readJson(key, fallback) {
  try {
    const raw = window.localStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch (error) {
    return fallback;
  }
}

/** Stores value as JSON; false when storage refused it. */
export function writeJson(key, value) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch (error) {  // full or disabled: the page keeps working, the record is not kept
    return false;
  }
}

export function forget(key) {
  try {
    window.localStorage.removeItem(key);
  } catch (error) { /* nothing stored, nothing to clear */ }
}
