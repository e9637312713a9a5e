/* A practice drill (接待模拟) on a module page or the drill's own page: a seller's workbench
 * where buyer messages arrive one by one, a countdown per reply, red-line hints while typing,
 * the 快捷短语 panel, branching per the drill's `next`, several buyers at once in peak mode; at
 * the end the result, scored in the browser (drills/score.mjs, as cstrain.drills.score), kept
 * in this device's progress (core/progress.mjs recordDrill). The page loads this module itself. */
import {el, embeddedJson, once, onEveryPage} from "../core/dom.mjs";
import {formatTime} from "../core/format.mjs";
import * as progress from "../core/progress.mjs";
import {randomId} from "../core/random.mjs";
import {t} from "../core/text.mjs";
import {workbench} from "../drills/bench.mjs";
import {scoreDrill} from "../drills/score.mjs";
import {resultView} from "../drills/view.mjs";
import {redlineChecker} from "./redlines.mjs";

const TICK_MS = 250;
const STAGGER_S = 0.8;     // a turn's messages appear this far apart, like a buyer typing

function seconds(ms) {
  return Math.round(ms) / 1000;
}

/** Per chat: the turns so far (answered, then the one waiting) from the replies sent. */
function chatStates(drill, replies) {
  const states = {};
  drill.chat_ids.forEach((chat) => { states[chat] = {turns: [], open: null}; });
  scoreDrill(drill, replies, null).turns.forEach((turn) => {
    const state = states[turn.chat];
    if (state.open) return;
    state.turns.push(turn);
    if (!turn.answered) state.open = turn;
  });
  return states;
}

function lastResult(ref) {
  const done = progress.drillAttempts(progress.loadState(), ref);
  return done.length ? done[done.length - 1] : null;
}

function lastLine(ref) {
  const last = lastResult(ref);
  if (!last) return "";
  return t("drill_last", {percent: last.result.percent, verdict: last.result.passed ? t("drill_passed") : t("drill_failed"),
                          time: formatTime(last.submitted_at), n: progress.drillAttempts(progress.loadState(), ref).length});
}

function setupDrill(section) {
  const drill = embeddedJson(section, ".cstrain-drill-data");
  if (!drill) return;
  const peak = Boolean(drill.chats);
  const host = el("div", {class: "cstrain-drill-run"});
  const last = el("p", {class: "cstrain-drill-last", text: lastLine(drill.ref)});
  const startButton = el("button", {type: "button", class: "md-button md-button--primary cstrain-drill-start",
                                    text: t("drill_start")});
  const intro = el("div", {class: "cstrain-drill-intro"}, startButton, last);
  host.append(intro);
  section.insertBefore(host, section.querySelector("noscript"));
  startButton.addEventListener("click", () => run(section, drill, peak, host, intro, last));
  progress.onChange(() => { last.textContent = lastLine(drill.ref); });
}

function run(section, drill, peak, host, intro, last) {
  intro.hidden = true;
  const startedMs = Date.now();
  const startedAt = new Date(startedMs).toISOString();
  const replies = [];
  let finished = false;
  let states = chatStates(drill, replies);
  const elapsed = () => seconds(Date.now() - startedMs);

  function messages(chat) {
    const items = [];
    const now = elapsed();
    const sent = replies.filter((reply) => (reply.chat || "main") === chat);
    states[chat].turns.forEach((turn, index) => {
      drill.turns[turn.turn].buyer.forEach((text, k) => {
        if (now + 1e-9 >= turn.arrived + k * STAGGER_S) items.push({who: "buyer", text: text});
      });
      if (turn.answered) items.push({who: "agent", text: sent[index].text});
    });
    if (!states[chat].open) items.push({who: "system", text: t("drill_chat_ended")});
    return items;
  }

  function openOf(chat) {
    const open = states[chat].open;
    return open ? {key: open.chat + "/" + open.turn + "/" + open.visit, arrived: open.arrived, allowed: open.allowed} : null;
  }

  const bench = workbench({
    drill: drill, itemsOf: messages, openOf: openOf, now: elapsed,
    onSend: (chat, text, began) => {
      const reply = {text: text, at: elapsed(), began: began};
      if (peak) reply.chat = chat;
      replies.push(reply);
      states = chatStates(drill, replies);
      tick();
      if (drill.chat_ids.every((id) => !states[id].open)) finish();
    },
    onEnd: () => finish(),
  });
  host.append(bench.node);

  function tick() {
    if (finished) return;
    if (!section.isConnected) {  // instant navigation left the page
      clearInterval(timer);
      return;
    }
    bench.tick();
  }

  function finish() {
    if (finished) return;
    finished = true;
    clearInterval(timer);
    const result = scoreDrill(drill, replies, redlineChecker());
    const attempt = {id: randomId(), drill: drill.ref, version: drill.version, module: drill.module,
                     started_at: startedAt, submitted_at: progress.now(), replies: replies, result: result};
    progress.recordDrill(attempt);
    const retry = el("button", {type: "button", class: "md-button md-button--primary cstrain-drill-retry", text: t("drill_retry")});
    const view = resultView(drill, result, replies);
    view.append(el("p", {}, retry));
    bench.node.replaceWith(view);
    retry.addEventListener("click", () => {
      view.remove();
      run(section, drill, peak, host, intro, last);
    });
    view.querySelector(".cstrain-drill-result-title").focus();
  }

  const timer = setInterval(tick, TICK_MS);
  bench.start();
  bench.box.focus();
}

onEveryPage(() => {
  document.querySelectorAll("section.cstrain-drill[data-mode=practice]").forEach((node) => once(node, "drill", setupDrill));
});
