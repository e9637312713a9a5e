/* The question types loaded on this page, by name: each type's module registers itself here. */

const types = Object.create(null);

/** Called once by each type's module (./<type>.mjs) with what it exports. */
export function register(name, type) {
  types[name] = type;
}

/** The module of a question's type; null when it is not loaded (the question earns nothing). */
export function typeOf(question) {
  return types[question.type] || null;
}
