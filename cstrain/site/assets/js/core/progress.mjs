/* The learner's progress on this device: one localStorage key ("cstrain:v1") holding the
 * learner's name and 工号, each module's status, every practice attempt and every finished
 * practice drill (``drills``: {id, drill, version, module, started_at, submitted_at, replies,
 * result}, added beside the attempts; older stored states simply have none) (the results file of
 * 我的学习 is this, downloaded). Pages render it (onChange); team mode sends each new record to
 * the server (onRecord) and brings the server's view in (adoptProgress). */
import {forget, isPlainObject, writeJson} from "./storage.mjs";

export const STORE_KEY = "cstrain:v1";
const STATUSES = ["not_started", "in_progress", "completed", "passed", "failed"];
const RANK = {not_started: 0, in_progress: 1, completed: 2, failed: 3, passed: 4};

let memory = null;  // the last state read or written: keeps the page working when storage fails
let unsaved = false;  // the last write failed, so storage holds less than memory does
const changeListeners = [];
const recordListeners = [];

/** listener() after every change to the progress, from this page or another tab. */
export function onChange(listener) {
  changeListeners.push(listener);
}

/** listener(kind, detail) for each record made here: "visit", "done" or "attempt". */
export function onRecord(listener) {
  recordListeners.push(listener);
}

function changed() {
  changeListeners.forEach((listener) => listener());
}

function announce(kind, detail) {
  recordListeners.forEach((listener) => listener(kind, detail));
}

export function now() {
  return new Date().toISOString();
}

function emptyState() {
  return {learner: {id: "", name: ""}, modules: {}, attempts: [], drills: []};
}

function cleanState(data) {
  const state = emptyState();
  if (!isPlainObject(data)) return state;
  if (isPlainObject(data.learner)) {
    state.learner.id = typeof data.learner.id === "string" ? data.learner.id : "";
    state.learner.name = typeof data.learner.name === "string" ? data.learner.name : "";
  }
  if (isPlainObject(data.modules)) {
    Object.keys(data.modules).forEach((id) => {
      if (isPlainObject(data.modules[id])) state.modules[id] = data.modules[id];
    });
  }
  if (Array.isArray(data.attempts)) state.attempts = data.attempts.filter(isPlainObject);
  if (Array.isArray(data.drills)) state.drills = data.drills.filter(isPlainObject);
  return state;
}

/** The progress as stored (or as last kept in memory, when storage failed). */
export function loadState() {
  if (unsaved && memory) return memory;
  try {
    const raw = window.localStorage.getItem(STORE_KEY);
    memory = cleanState(raw ? JSON.parse(raw) : null);
  } catch (error) {  // private mode, storage disabled, or a damaged value
    memory = memory || emptyState();
  }
  return memory;
}

/** The progress last read or written, without reading storage again. */
export function currentState() {
  return memory || loadState();
}

export function saveState(state) {
  memory = state;
  // full quota or no storage: progress lives until the page is left
  unsaved = !writeJson(STORE_KEY, state);
  return !unsaved;
}

/** Forgets this device's progress (我的学习's 清除本机记录, or signing out on a shared PC). */
export function clearState() {
  memory = emptyState();
  unsaved = false;
  forget(STORE_KEY);
  changed();
}

function moduleRecord(state, moduleId) {
  if (!isPlainObject(state.modules[moduleId])) {
    state.modules[moduleId] = {status: "not_started", visited_at: null, completed_at: null, best_percent: null};
  }
  const record = state.modules[moduleId];
  if (STATUSES.indexOf(record.status) < 0) record.status = "not_started";
  return record;
}

export function statusOf(state, moduleId) {
  const record = state.modules[moduleId];
  return record && STATUSES.indexOf(record.status) >= 0 ? record.status : "not_started";
}

/** A module's state from what is known of it: the rule of cstrain/tracking/status.py
 *  (``_state``), which every count of "done" uses. ``facts``: {quiz, drill, visited, completed,
 *  signed}, where ``quiz`` and ``drill`` are null when the module has none, else {count, passed}.
 *  A module is done when each exercise it has (quiz, drill or both) is passed, when it is signed
 *  off, or when it has no exercise and was marked read. Returns {state, done}.
 *  tests/vectors/module-done.json runs against both. */
export function moduleState(facts) {
  const exercises = [facts.quiz, facts.drill].filter(Boolean);
  if (exercises.length && exercises.every((tries) => tries.passed)) return {state: "passed", done: true};
  if (facts.signed) return {state: "completed", done: true};
  if (exercises.some((tries) => tries.count && !tries.passed)) return {state: "failed", done: false};
  if (exercises.some((tries) => tries.count)) return {state: "in_progress", done: false};
  if (facts.completed) return {state: "completed", done: !exercises.length};
  return {state: facts.visited ? "in_progress" : "not_started", done: false};
}

/** What this device knows of a module whose exercises are ``needs`` ({quiz: bool, drill: the
 *  drill's ref or null}): its quiz attempts, the runs of its drill (wherever they were taken,
 *  as the store counts them), visits, 我已学完本节, and the server's word that it is done. */
export function moduleFacts(state, moduleId, needs) {
  const record = state.modules[moduleId] || {};
  const status = statusOf(state, moduleId);
  let quiz = null;
  if (needs.quiz) {
    const tries = state.attempts.filter((attempt) => attempt.module === moduleId);
    // a quiz-only module passed before its attempts were kept here (or by the server's word)
    quiz = {count: tries.length, passed: tries.some((attempt) => attempt.passed) || (status === "passed" && !needs.drill)};
  }
  let drill = null;
  if (needs.drill) {
    const runs = drillAttempts(state, needs.drill);
    drill = {count: runs.length, passed: runs.some((run) => Boolean(run.result && run.result.passed))};
  }
  return {quiz: quiz, drill: drill, visited: Boolean(record.visited_at) || status !== "not_started",
          completed: Boolean(record.completed_at), signed: Boolean(record.done_at)};
}

/** A module's status for a badge: by the rule from this device's facts when its exercises are
 *  known (``needs``), and never below what the server last said (team mode). */
export function moduleStatus(state, moduleId, needs) {
  if (!needs) return statusOf(state, moduleId);
  const local = moduleState(moduleFacts(state, moduleId, needs)).state;
  const server = (state.modules[moduleId] || {}).server_state;
  return server in RANK && RANK[server] > RANK[local] ? server : local;
}

/** Modules done, as the store counts them (tracking/status.py, moduleState): ``needsOf(id)``
 *  gives each module's exercises ({quiz, drill}); done by the server's word counts too. */
export function doneCount(state, modules, needsOf) {
  return modules.filter((id) => moduleState(moduleFacts(state, id, needsOf(id))).done).length;
}

function updateModule(moduleId, change) {
  const state = loadState();
  change(moduleRecord(state, moduleId), state);
  saveState(state);
  changed();
}

/** The learner opened a module page. */
export function markVisited(moduleId) {
  const record = loadState().modules[moduleId];
  if (record && record.status !== "not_started") return;
  updateModule(moduleId, (module) => {
    module.status = "in_progress";
    module.visited_at = module.visited_at || now();
  });
  announce("visit", {module: moduleId, visited_at: loadState().modules[moduleId].visited_at});
}

/** The learner said they have read a module (我已学完本节). */
export function markDone(moduleId) {
  updateModule(moduleId, (module) => {
    // A quiz result says more than "read it": passed and failed stay as they are.
    if (module.status === "not_started" || module.status === "in_progress") module.status = "completed";
    module.visited_at = module.visited_at || now();
    module.completed_at = module.completed_at || now();
  });
  const record = loadState().modules[moduleId];
  announce("done", {module: moduleId, visited_at: record.visited_at, completed_at: record.completed_at});
}

/** A practice attempt, graded in the browser. */
export function recordAttempt(attempt) {
  updateModule(attempt.module, (module, state) => {
    state.attempts.push(attempt);
    module.visited_at = module.visited_at || attempt.started_at;
    if (attempt.passed) module.status = "passed";
    else if (module.status !== "passed") module.status = "failed";
    if (typeof module.best_percent !== "number" || attempt.percent > module.best_percent) {
      module.best_percent = attempt.percent;
    }
  });
  announce("attempt", attempt);
}

/** A finished practice drill, scored in the browser (the transcript and DrillResult.to_dict()).
 *  Its module counts as visited; moduleStatus() and doneCount() weigh the run with the module's
 *  quiz (a module with a drill is done when its drill is passed, and its quiz too). Emitted to
 *  onRecord listeners as "drill", for team mode to send. */
export function recordDrill(attempt) {
  const state = loadState();
  state.drills.push(attempt);
  if (attempt.module) {
    const record = moduleRecord(state, attempt.module);
    if (record.status === "not_started") record.status = "in_progress";
    record.visited_at = record.visited_at || attempt.started_at;
  }
  saveState(state);
  changed();
  announce("drill", attempt);
}

/** The drills finished on this device for ``ref``, oldest first. */
export function drillAttempts(state, ref) {
  return state.drills.filter((attempt) => attempt.drill === ref);
}

/** Team mode: take in the server's view of the signed-in learner's modules (GET
 *  /api/me/modules, plus last_attempt_at). Progress another named learner left on this device
 *  is dropped first; a status never goes back, so a result still on its way to the server stays. */
export function adoptProgress(learner, modules) {
  let state = loadState();
  if (state.learner.id && state.learner.id !== learner.id) state = emptyState();
  state.learner = {id: learner.id, name: learner.name};
  modules.forEach((server) => {
    if (!(server.state in RANK)) return;
    const record = moduleRecord(state, server.module);
    if (RANK[server.state] > RANK[record.status]) record.status = server.state;
    record.server_state = server.state;
    if (typeof server.best_percent === "number" &&
        !(typeof record.best_percent === "number" && record.best_percent >= server.best_percent)) {
      record.best_percent = server.best_percent;
    }
    record.visited_at = record.visited_at || server.visited_at || null;
    record.completed_at = record.completed_at || server.completed_at || null;
    record.done_at = record.done_at || server.done_at || null;
    if (server.last_attempt_at && !(String(record.last_attempt_at || "") >= server.last_attempt_at)) {
      record.last_attempt_at = server.last_attempt_at;
    }
  });
  saveState(state);
  changed();
}

window.addEventListener("storage", (event) => {
  if (event.key === STORE_KEY || event.key === null) {
    loadState();
    changed();
  }
});
