/* The team API (cstrain serve): the site's root, the one request() every page uses, and who is
 * signed in. Only team-mode pages load this. */
import {t} from "./text.mjs";
import {forget, readJson, writeJson} from "./storage.mjs";

/** The site's root, wherever it is served from: this file is assets/cstrain/js/core/api.mjs. */
export const BASE = new URL("../../../../", import.meta.url).pathname;
const LEARNER_KEY = "cstrain:team:learner";  // who last signed in on this device: {id, name}

let me = null;          // GET /api/me: {id, name, role, team, csrf_token}, or null
let meStatus = null;    // its HTTP status; 0 when the server could not be reached
let mePromise = null;

/** fetch /api/<path>. Always resolves, to {status, data, headers}: status 0 when the network
 *  failed, data null when the body is not JSON. Writes carry the session's CSRF token. */
export function request(method, path, body, headers) {
  const options = {method: method, credentials: "same-origin", cache: "no-store",
                   headers: Object.assign({Accept: "application/json"}, headers || {})};
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  if (method !== "GET" && me) options.headers["X-CSRF-Token"] = me.csrf_token;
  return fetch(BASE + "api/" + path, options).then(
    (response) => response.json().catch(() => null)
      .then((data) => ({status: response.status, data: data, headers: response.headers})),
    () => ({status: 0, data: null, headers: null}));
}

/** A request's data when it succeeded; otherwise the result itself is thrown, for a .catch. */
export function dataOf(result) {
  if (result.status >= 200 && result.status < 300) return result.data;
  throw result;
}

/** What went wrong, in words a learner or mentor can act on. */
export function errorText(result) {
  if (result.status === 0) return t("team_error_network");
  if (result.status === 401) return t("team_session_expired");
  return t("team_error_server", {status: result.status});
}

/** The signed-in person (GET /api/me, asked once unless again), or null. */
export function whoAmI(again) {
  if (!mePromise || again) {
    mePromise = request("GET", "me").then((result) => {
      meStatus = result.status;
      setMe(result.status === 200 ? result.data : null);
      return me;
    });
  }
  return mePromise;
}

/** The person whoAmI() last found (null if none, or not asked yet). */
export function signedIn() {
  return me;
}

/** The HTTP status of the last GET /api/me: 200 signed in, 401 not, 0 the server unreachable. */
export function sessionStatus() {
  return meStatus;
}

/** True when the last GET /api/me could not reach the server. */
export function offline() {
  return meStatus === 0;
}

/** The session changed: signed in as person (POST /api/signin), or ended (null). */
export function setMe(person) {
  me = person;
  if (person) {
    meStatus = 200;
    mePromise = Promise.resolve(person);
    writeJson(LEARNER_KEY, {id: person.id, name: person.name});
  }
}

const endListeners = [];

/** listener() when a request finds the session over (401): the page shows sign-in again. */
export function onSessionEnded(listener) {
  endListeners.push(listener);
}

/** A request was refused with 401: nobody is signed in any more. */
export function sessionEnded() {
  me = null;
  endListeners.forEach((listener) => listener());
}

/** The sign-in page's address, coming back here afterwards. */
export function signinUrl() {
  return BASE + "signin/?next=" + encodeURIComponent(location.pathname + location.search);
}

/** Ask /api/me again before the next write (a stale CSRF token). */
export function recheck() {
  mePromise = null;
}

/** Signed out on purpose: this device no longer remembers who last signed in. */
export function signedOut() {
  me = null;
  forget(LEARNER_KEY);
}

/** Whose records these are: the session's learner, or, while the server cannot be reached,
 *  the learner who last signed in here (the server checks again when it takes them). */
export function currentLearner() {
  if (me) return me.id;
  if (meStatus === 0) {
    const last = readJson(LEARNER_KEY, null);
    return last && typeof last.id === "string" ? last.id : null;
  }
  return null;
}
