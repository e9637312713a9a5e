/* Team mode: every practice attempt and module visit made on this device goes to the server,
 * and the server's view of the learner's modules comes back (pull).
 *
 * Sync never loses a record: each goes into a queue in localStorage, tagged with the learner
 * signed in when it happened, and leaves the queue only when the server has taken it (or refused
 * it for good, kept aside then). Retries send the attempt's own id as the Idempotency-Key, so a
 * retry never counts twice. Quiz attempts go to /api/attempts, drill attempts to
 * /api/drill-attempts, visits to /api/visits. Another learner's entries on a shared device wait for that learner
 * to sign in again. */
import {currentLearner, recheck, request, sessionEnded, signedIn, whoAmI} from "../../core/api.mjs";
import {STORE_KEY, adoptProgress, onRecord} from "../../core/progress.mjs";
import {readJson, writeJson} from "../../core/storage.mjs";

const QUEUE_KEY = "cstrain:team:queue";
const REJECTED_KEY = "cstrain:team:rejected";
const listeners = [];

let memoryQueue = null;  // when localStorage fails, the queue lives until the page is left

/** listener() after each sending of the queue: the count of records waiting may have changed. */
export function onFlushed(listener) {
  listeners.push(listener);
}

function queue() {
  const stored = readJson(QUEUE_KEY, null);
  return Array.isArray(stored) ? stored : (memoryQueue || []);
}

function saveQueue(entries) {
  memoryQueue = entries;
  writeJson(QUEUE_KEY, entries);
}

function sameEntry(a, b) {
  return a.learner === b.learner && a.kind === b.kind && a.key === b.key;
}

function earliest(a, b) {
  return !a ? b || null : !b ? a : (a < b ? a : b);
}

function enqueue(entry) {
  const entries = queue();
  const found = entries.find((other) => sameEntry(other, entry));
  if (found && entry.kind === "visit") {
    found.body.visited_at = earliest(found.body.visited_at, entry.body.visited_at);
    found.body.completed_at = earliest(found.body.completed_at, entry.body.completed_at);
  } else if (!found) {
    entries.push(entry);
  }
  saveQueue(entries);
  flush();
}

/** Queue a record for the learner it belongs to, and send what can be sent. */
function record(kind, key, body) {
  whoAmI().then(() => {
    const learner = currentLearner();
    if (learner) enqueue({learner: learner, kind: kind, key: key, body: body});
  });
}

/** A finished practice drill (接待模拟) as the drill page records it: {id, drill, version, module,
 *  started_at, submitted_at, replies, result}. The server scores the replies again and never
 *  reads the browser's result, so it is not sent. */
function isDrill(detail) {
  return Boolean(detail && typeof detail.drill === "string" && Array.isArray(detail.replies));
}

function drillBody(detail) {
  return {id: detail.id, drill: detail.drill, version: detail.version, module: detail.module || null,
          started_at: detail.started_at || null, submitted_at: detail.submitted_at, replies: detail.replies};
}

const ENDPOINTS = {attempt: "attempts", drill: "drill-attempts", visit: "visits"};

onRecord((kind, detail) => {
  if (isDrill(detail)) record("drill", detail.id, drillBody(detail));
  else if (kind === "attempt") record("attempt", detail.id, detail);
  else if (kind === "visit") record("visit", detail.module, {module: detail.module, visited_at: detail.visited_at});
  else if (kind === "done") {
    record("visit", detail.module, {module: detail.module, visited_at: detail.visited_at || null,
                                    completed_at: detail.completed_at});
  }
});

let flushing = false;
let flushAgain = false;
let retryTimer = null;
let retryDelay = 2000;

function scheduleRetry() {
  if (retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    flush();
  }, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 60000);
}

function setAside(entry, result) {
  const rejected = readJson(REJECTED_KEY, []);
  rejected.push({entry: entry, status: result.status, detail: result.data && result.data.detail,
                 at: new Date().toISOString()});
  writeJson(REJECTED_KEY, rejected.slice(-200));
}

/** Send the signed-in learner's queued records, oldest first, one at a time. */
export function flush() {
  if (flushing) flushAgain = true;  // an entry queued while a flush was ending is not left behind
  const me = signedIn();
  if (flushing || !me) return Promise.resolve();
  flushing = true;
  flushAgain = false;
  const learner = me.id;

  function done(entry) {
    // a visit marked read while its first send was on the way is still to be sent
    const sent = JSON.stringify(entry.body);
    saveQueue(queue().filter((other) => !(sameEntry(other, entry) && JSON.stringify(other.body) === sent)));
  }

  function step() {
    const entry = queue().find((item) => item.learner === learner);
    const now = signedIn();
    if (!entry || !now || now.id !== learner) {
      retryDelay = 2000;
      return Promise.resolve();
    }
    const keyed = entry.kind !== "visit";  // an attempt, quiz or drill: its id is the retry key
    return request("POST", ENDPOINTS[entry.kind] || "visits", entry.body,
                   keyed ? {"Idempotency-Key": entry.key} : {}).then((result) => {
      if (result.status >= 200 && result.status < 300) {
        done(entry);
        return step();
      }
      if (result.status === 401) {  // the session ended: keep everything for the next sign-in
        sessionEnded();
        return null;
      }
      if (result.status >= 400 && result.status < 500 && [403, 408, 429].indexOf(result.status) < 0) {
        // refused for good (e.g. the quiz was edited since): set aside, never retried, never lost
        setAside(entry, result);
        done(entry);
        return step();
      }
      if (result.status === 403) recheck();  // a stale CSRF token: ask again next time
      scheduleRetry();
      return null;
    });
  }

  return step().then(() => {
    flushing = false;
    listeners.forEach((listener) => listener());
    if (flushAgain) {
      clearTimeout(retryTimer);
      retryTimer = null;
      return flush();
    }
    return null;
  }, () => {
    flushing = false;
  });
}

/** Records of the current learner still to be sent. */
export function pendingCount() {
  const learner = currentLearner();
  return queue().filter((entry) => entry.learner === learner).length;
}

/** Records of this learner the server refused for good. */
export function rejectedCount(learnerId) {
  return readJson(REJECTED_KEY, []).filter((item) => item.entry && item.entry.learner === learnerId).length;
}

window.addEventListener("online", () => {
  clearTimeout(retryTimer);
  retryTimer = null;
  retryDelay = 2000;
  flush();
});

/* ---------------------------------------------------------------- the server's progress */

let pulled = false;

/** Badges and 我的学习 from the server: this learner's modules, and the last attempt at each
 *  (asked for with withAttempts, and always on 我的学习). */
export function pull(withAttempts) {
  const person = signedIn();
  if (!person) return;
  const calls = [request("GET", "me/modules")];
  if (withAttempts || document.getElementById("cstrain-my-learning")) calls.push(request("GET", "me/attempts?limit=1000"));
  Promise.all(calls).then((results) => {
    const now = signedIn();
    if (results[0].status !== 200 || !now || now.id !== person.id) return;
    const last = {};
    if (results[1] && results[1].status === 200) {
      results[1].data.forEach((attempt) => {
        if (!last[attempt.module] || attempt.submitted_at > last[attempt.module]) last[attempt.module] = attempt.submitted_at;
      });
    }
    const before = (readJson(STORE_KEY, {}) || {}).learner;
    const switched = Boolean(before && before.id && before.id !== person.id);
    adoptProgress(person, results[0].data.map((module) =>
      Object.assign({}, module, {last_attempt_at: last[module.module] || null})));
    if (switched) {
      // progress on this device was someone else's, so this page's visit was not announced
      const states = {};
      results[0].data.forEach((module) => { states[module.module] = module.state; });
      document.querySelectorAll(".cstrain-module-head[data-module]").forEach((node) => {
        const id = node.getAttribute("data-module");
        if (states[id] === "not_started") record("visit", id, {module: id, visited_at: new Date().toISOString()});
      });
    }
    pulled = true;
  });
}

/** pull() once a page's learner is known, unless it has been done in this page's lifetime. */
export function pullOnce() {
  if (!pulled) pull(false);
}
