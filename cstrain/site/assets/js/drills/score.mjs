/* The practice drill's scorer: cstrain/drills/score.py repeated step for step (Python is
 * authoritative; docs/format.md gives the formula). It takes the page's drill data
 * (CompiledDrill.client), a transcript [{chat, text, at, began}] and the red-line checker
 * (js/redlines/engine.mjs's createChecker, or null), and returns what DrillResult.to_dict()
 * returns. tests/vectors/drills.json runs against both. Pure: no DOM, no clock. */
import {roundHalfUp} from "../core/format.mjs";
import {countChars, findAlternative, normalise} from "./text.mjs";

export const SINGLE_CHAT = "main";
export const REPLY_LIMIT = 2000;
const MAX_REPLIES = 500;
const MAX_SECONDS = 24 * 3600;
const WARNING_COST = 0.5;
const EPSILON = 1e-9;
const REPLY_KEYS = ["chat", "text", "at", "began"];
const PARTS = ["content", "speed", "compliance"];
const REDLINE_FIELDS = ["rule", "category", "severity", "start", "end", "matched", "explanation", "source"];
// str.strip()'s whitespace: a reply of nothing else is no reply
const PY_SPACE = /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/u;

/** A transcript this drill cannot produce (score.py's ValueError). */
export class TranscriptError extends Error {}

function total(weights) {
  return weights.content + weights.speed + weights.compliance;
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}

function seconds(value, where) {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TranscriptError(where + ": expected seconds since the drill started");
  }
  if (!(value >= 0 && value <= MAX_SECONDS)) throw new TranscriptError(where + ": expected 0 to " + MAX_SECONDS + " seconds");
  return value;
}

/** score.parse_replies: the transcript checked, as {chat, text, at, began}. */
export function parseReplies(drill, replies) {
  if (!Array.isArray(replies)) throw new TranscriptError("replies: expected a list");
  if (replies.length > MAX_REPLIES) throw new TranscriptError("replies: more than " + MAX_REPLIES);
  const peak = Boolean(drill.chats);
  const parsed = [];
  let last = 0;
  replies.forEach((item, index) => {
    const where = "replies[" + index + "]";
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new TranscriptError(where + ": expected an object");
    }
    const unknown = Object.keys(item).filter((key) => REPLY_KEYS.indexOf(key) < 0).sort();
    if (unknown.length) throw new TranscriptError(where + ": unknown key '" + unknown[0] + "'");
    const chat = "chat" in item ? item.chat : (peak ? undefined : SINGLE_CHAT);
    if (drill.chat_ids.indexOf(chat) < 0) {
      throw new TranscriptError(where + ".chat: expected one of " + drill.chat_ids.join(", "));
    }
    const text = item.text;
    if (typeof text !== "string" || PY_SPACE.test(text)) throw new TranscriptError(where + ".text: expected the reply's text");
    if (Array.from(text).length > REPLY_LIMIT) {
      throw new TranscriptError(where + ".text: longer than " + REPLY_LIMIT + " characters");
    }
    const at = seconds(item.at, where + ".at");
    if (at + EPSILON < last) throw new TranscriptError(where + ".at: " + at + " s is before the previous reply; list replies as sent");
    let began = item.began === undefined || item.began === null ? null : seconds(item.began, where + ".began");
    if (began !== null && began > at + EPSILON) throw new TranscriptError(where + ".began: after the reply was sent");
    parsed.push({chat: chat, text: text, at: at, began: began});
    last = at;
  });
  return parsed;
}

function applies(branch, hits) {
  return branch.hit.every((id) => hits.has(id)) && !branch.missed.some((id) => hits.has(id));
}

/** CompiledDrill.next_turn: the turn after turnId when the reply hit hits; null ends the chat. */
export function nextTurn(drill, turnId, hits) {
  const turn = drill.turns[turnId];
  for (const branch of turn.next) {
    if (applies(branch, hits)) return branch.goto;
  }
  return turn.default_next;
}

function unanswered(drill, turnId, visit, arrived) {
  const turn = drill.turns[turnId];
  return {chat: turn.chat, turn: turnId, visit: visit, arrived: arrived, answered: false, allowed: turn.seconds,
          hit: [], missed: turn.expect.map((cp) => cp.id), content: 0, speed: 0, compliance: 0, score: 0,
          max: total(drill.weights), chars: 0, composing: null, seconds: null, timed_out: false, failed: false};
}

function firstFound(normal, alternatives) {
  for (const alternative of alternatives) {
    const found = findAlternative(normal, alternative);
    if (found) return found;
  }
  return null;
}

function scoreTurn(drill, turnId, visit, arrived, reply, checker) {
  const turn = drill.turns[turnId];
  const weights = drill.weights;
  const normal = normalise(reply.text);
  const hit = [];
  const missed = [];
  const spans = {};
  turn.expect.forEach((checkpoint) => {
    const found = firstFound(normal, checkpoint.any);
    if (found) {
      hit.push(checkpoint.id);
      spans[checkpoint.id] = found.map((span) => span.slice());
    } else {
      missed.push(checkpoint.id);
    }
  });
  const avoided = [];
  turn.avoid.forEach((avoid, index) => {
    const found = firstFound(normal, avoid.any);
    if (found) avoided.push({index: index, severity: avoid.severity, why: avoid.why, spans: found.map((s) => s.slice())});
  });
  const redlines = checker ? checker.check(reply.text).map((found) => {
    const item = {};
    REDLINE_FIELDS.forEach((name) => { item[name] = found[name]; });
    return item;
  }) : [];
  const failed = avoided.concat(redlines).some((item) => item.severity === "error");
  const warningRules = new Set(redlines.filter((item) => item.severity === "warning").map((item) => item.rule));
  const warnings = avoided.filter((item) => item.severity === "warning").length + warningRules.size;
  const taken = roundHalfUp(reply.at - arrived, 3);
  const began = reply.began === null ? arrived : Math.max(reply.began, arrived);
  const totalWeight = sum(turn.expect.map((cp) => cp.weight));
  const hitWeight = sum(turn.expect.filter((cp) => cp.id in spans).map((cp) => cp.weight));
  const allowed = turn.seconds;
  const raw = [
    weights.content * (totalWeight ? hitWeight / totalWeight : 1),
    weights.speed * (taken <= allowed ? 1 : Math.max(0, (2 * allowed - taken) / allowed)),
    weights.compliance * Math.max(0, 1 - WARNING_COST * warnings),
  ];
  const parts = failed ? [0, 0, 0] : raw.map((part) => roundHalfUp(part, 2));
  return {chat: turn.chat, turn: turnId, visit: visit, arrived: arrived, answered: true, allowed: allowed,
          sent: reply.at, seconds: taken, timed_out: taken > allowed, hit: hit, missed: missed, spans: spans,
          avoid: avoided, redlines: redlines, failed: failed, content: parts[0], speed: parts[1],
          compliance: parts[2], score: roundHalfUp(sum(parts), 2), max: total(weights),
          chars: countChars(reply.text), composing: roundHalfUp(reply.at - began, 3)};
}

function walk(drill, chat, replies, checker) {
  const results = [];
  const visits = {};
  let lastSent = 0;
  let turnId = drill.first[chat];
  let index = 0;
  while (turnId !== null && turnId !== undefined) {
    visits[turnId] = (visits[turnId] || 0) + 1;
    const turn = drill.turns[turnId];
    const arrived = roundHalfUp(lastSent + turn.delay, 3);
    const reply = index < replies.length ? replies[index] : null;
    let result;
    if (!reply) {
      result = unanswered(drill, turnId, visits[turnId], arrived);
    } else {
      if (reply.at + EPSILON < arrived) {
        throw new TranscriptError("replies: reply " + (index + 1) + " to chat " + chat + " is sent at " + reply.at +
                                  " s, before turn '" + turnId + "' arrived at " + arrived + " s");
      }
      result = scoreTurn(drill, turnId, visits[turnId], arrived, reply, checker);
      lastSent = reply.at;
      index += 1;
    }
    results.push(result);
    turnId = nextTurn(drill, turnId, new Set(result.hit));
    if (turnId !== null && (visits[turnId] || 0) >= drill.max_visits) turnId = null;
  }
  if (index < replies.length) {
    throw new TranscriptError("replies: reply " + (index + 1) + " to chat " + chat + " comes after the chat ended");
  }
  return results;
}

function part(turns, weights, name) {
  const points = roundHalfUp(sum(turns.map((turn) => turn[name])), 2);
  const most = weights[name] * turns.length;
  return {points: points, max: most, percent: most ? roundHalfUp(100 * points / most, 2) : 100};
}

function turnDict(turn) {
  const data = {chat: turn.chat, turn: turn.turn, visit: turn.visit, arrived: turn.arrived, answered: turn.answered,
                allowed: turn.allowed};
  if (turn.answered) {
    Object.assign(data, {sent: turn.sent, seconds: turn.seconds, timed_out: turn.timed_out, hit: turn.hit,
                         missed: turn.missed, spans: turn.spans, avoid: turn.avoid, redlines: turn.redlines,
                         failed: turn.failed});
  } else {
    Object.assign(data, {hit: [], missed: turn.missed});
  }
  return Object.assign(data, {content: turn.content, speed: turn.speed, compliance: turn.compliance,
                              score: turn.score, max: turn.max});
}

function resultOf(drill, turns, checked) {
  const points = roundHalfUp(sum(turns.map((turn) => turn.score)), 2);
  const most = sum(turns.map((turn) => turn.max));
  const percent = most ? roundHalfUp(100 * points / most, 2) : 0;
  const failedTurns = turns.filter((turn) => turn.failed).map((turn) => turn.turn);
  const answered = turns.filter((turn) => turn.answered);
  const chars = sum(answered.map((turn) => turn.chars));
  const composing = sum(answered.map((turn) => turn.composing));
  const firstReply = {};
  turns.forEach((turn) => {
    if (!(turn.chat in firstReply)) firstReply[turn.chat] = turn.answered ? turn.seconds : null;
  });
  const parts = {};
  PARTS.forEach((name) => { parts[name] = part(turns, drill.weights, name); });
  return {
    percent: percent, passed: percent + EPSILON >= drill.pass_mark && !failedTurns.length,
    pass_mark: drill.pass_mark, points: points, max: most, parts: parts, failed_turns: failedTurns,
    complete: turns.every((turn) => turn.answered),
    typing_speed: composing > 0 ? roundHalfUp(chars * 60 / composing, 0) : null,
    waiting: {
      total: roundHalfUp(sum(answered.map((turn) => turn.seconds)), 3),
      longest: answered.reduce((most_, turn) => Math.max(most_, turn.seconds), 0),
      first_reply: firstReply,
      timed_out: answered.filter((turn) => turn.timed_out).length,
      unanswered: turns.length - answered.length,
    },
    redlines_checked: Boolean(checked),
    turns: turns.map(turnDict),
  };
}

/** score.score_drill(...).to_dict(): the result of a transcript. checker: the red-line
 *  checker, or null to score without it (the result says so). Throws TranscriptError for a
 *  transcript this drill cannot produce. */
export function scoreDrill(drill, replies, checker) {
  const byChat = {};
  drill.chat_ids.forEach((chat) => { byChat[chat] = []; });
  parseReplies(drill, replies).forEach((reply) => byChat[reply.chat].push(reply));
  let turns = [];
  drill.chat_ids.forEach((chat) => { turns = turns.concat(walk(drill, chat, byChat[chat], checker)); });
  return resultOf(drill, turns, checker);
}

/** score.open_turns: {chat: [turn id, arrived]} of the turn each chat waits on after replies;
 *  chats that have ended are left out. */
export function openTurns(drill, replies) {
  const waiting = {};
  scoreDrill(drill, replies, null).turns.forEach((turn) => {
    if (!turn.answered && !(turn.chat in waiting)) waiting[turn.chat] = [turn.turn, turn.arrived];
  });
  return waiting;
}
