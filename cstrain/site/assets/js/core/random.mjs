/* Randomness for practice attempts: ids, question and option order, drawn values. */

/** A version-4 UUID (an attempt's id, its idempotency key in team mode). */
export function randomId() {
  const crypto = window.crypto;
  if (crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => (b + 0x100).toString(16).slice(1)).join("");
  return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
    hex.slice(16, 20) + "-" + hex.slice(20);
}

/** A whole number from low to high, both included, without modulo bias. */
export function randomInt(low, high) {
  const span = high - low + 1;
  const crypto = window.crypto;
  if (crypto && crypto.getRandomValues && span <= 0x100000000) {
    const limit = Math.floor(0x100000000 / span) * span;
    const word = new Uint32Array(1);
    do crypto.getRandomValues(word); while (word[0] >= limit);
    return low + (word[0] % span);
  }
  return low + Math.floor(Math.random() * span);
}

/** A shuffled copy (Fisher-Yates). */
export function shuffled(list) {
  const copy = list.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(0, i);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** 0, 1, ... n - 1. */
export function range(n) {
  return Array.from({length: n}, (_, i) => i);
}
