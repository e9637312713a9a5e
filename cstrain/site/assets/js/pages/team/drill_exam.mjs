/* Team mode: an exam drill (mode: exam). The server runs the chat (POST /api/drill-sittings, its
 * replies and finish): it decides which buyer message comes next, keeps the clock and scores the
 * sitting; the page never has the rubric. It shows what the server answers in the same workbench
 * as a practice drill (drills/bench.mjs), counts down from the server's time, and after the
 * sitting closes shows the server's result. The sitting's id is kept in localStorage, so a reload
 * resumes the same sitting. An exam drill's block loads this module (a team build writes its
 * script tag); on the static site the block keeps its notice. */
import {errorText, request, sessionEnded, signinUrl, whoAmI} from "../../core/api.mjs";
import {el, once, onEveryPage} from "../../core/dom.mjs";
import {formatNumber} from "../../core/format.mjs";
import {forget, readJson, writeJson} from "../../core/storage.mjs";
import {t} from "../../core/text.mjs";
import {badge} from "../../core/widgets.mjs";
import {workbench} from "../../drills/bench.mjs";
import {turnView} from "../../drills/view.mjs";

const KEY_PREFIX = "cstrain:team:drill-sitting:";
const TICK_MS = 250;
const POLL_MS = 5000;       // a look at the server while chatting: buyers' messages, time-outs
const SOON_MS = 1000;       // at most this often when the page expects news

/** A write to the API, once who is signed in is known: a write carries the session's CSRF
 *  token, which comes with GET /api/me (a click before that answer would be refused, 403). */
function write(path, body) {
  return whoAmI().then(() => request("POST", path, body));
}

function signinBox() {
  return el("div", {class: "admonition info"}, el("p", {text: t("drill_exam_signin")}),
    el("p", {}, el("a", {class: "md-button md-button--primary", href: signinUrl(), text: t("team_signin_link")})));
}

/** What the workbench's card needs, from a sitting: the chats and the scenario. */
function benchDrill(sitting) {
  return {chat_ids: sitting.chats ? sitting.chats.map((chat) => chat.id) : ["main"], chats: sitting.chats,
          persona: sitting.persona, scenario: sitting.scenario};
}

/** The closed sitting's result as the server scored it: the total, then every turn with its
 *  checkpoints and red-line hits, and the model reply where the server sends one. */
function resultView(sitting) {
  const result = sitting.result;
  const source = {};
  Object.keys(sitting.turns || {}).forEach((id) => {
    source[id] = {buyer: sitting.turns[id].buyer, expect: sitting.turns[id].checkpoints,
                  model: sitting.models ? sitting.models[id] : null};
  });
  const verdict = result.passed ? t("drill_passed") : t("drill_failed");
  const failed = result.turns.filter((turn) => turn.failed).length;
  return el("div", {class: "cstrain-drill-result"},
    el("h3", {class: "cstrain-drill-result-title", tabindex: "-1"}, t("drill_exam_result")),
    el("p", {class: "cstrain-drill-total cstrain-drill-total--" + (result.passed ? "passed" : "failed")},
      badge(result.passed ? "passed" : "failed", verdict), " ",
      t("drill_exam_total", {percent: formatNumber(result.percent), score: formatNumber(result.score),
                             max: formatNumber(result.max_score)})),
    failed ? el("p", {class: "cstrain-drill-fail-note", text: t("drill_failed_turns", {n: failed})}) : null,
    sitting.models ? null : el("p", {text: t("drill_exam_pending")}),
    el("ol", {class: "cstrain-drill-turns"}, result.turns.map((turn, index) => {
      const known = source[turn.turn] || {buyer: [], expect: [], model: null};
      const drill = {turns: {[turn.turn]: known}};
      return turnView(drill, Object.assign({}, turn, {max: turn.max_score}), index, turn.text || "");
    })));
}

/** The exam block of a page (section.cstrain-drill[data-mode=exam]). */
function setupExam(section) {
  const ref = section.getAttribute("data-drill");
  const moduleId = section.getAttribute("data-module") || null;
  const key = KEY_PREFIX + ref;
  const host = el("div", {class: "cstrain-drill-run"});
  const notice = section.querySelector(".cstrain-drill-exam");
  if (notice) notice.replaceWith(host);
  else section.append(host);

  function showIntro(text) {
    const button = el("button", {type: "button", class: "md-button md-button--primary cstrain-drill-start",
                                 text: t("drill_exam_start")});
    button.addEventListener("click", start);
    host.replaceChildren(el("div", {class: "cstrain-drill-intro"}, el("p", {text: t("drill_exam_intro")}), button,
      text ? el("p", {class: "cstrain-exam-message cstrain-exam-message--error", role: "status", text: text}) : null));
  }

  function refused(result) {
    if (result.status === 401) {
      sessionEnded();
      host.replaceChildren(signinBox());
    } else {
      showIntro(result.status === 409 ? t("drill_exam_used_up") : errorText(result));
    }
  }

  function start() {
    write("drill-sittings", {drill: ref, module: moduleId}).then((result) => {
      if (result.status !== 200 && result.status !== 201) return refused(result);
      writeJson(key, result.data.id);
      return result.data.closed ? showResult(result.data) : run(result.data);
    });
  }

  function showResult(sitting) {
    const again = el("button", {type: "button", class: "md-button md-button--primary cstrain-drill-retry",
                                text: t("drill_exam_again")});
    again.addEventListener("click", start);
    const view = resultView(sitting);
    view.append(el("p", {}, again));
    host.replaceChildren(view);
    return view;
  }

  function run(first) {
    let sitting = first;
    let syncedMs = Date.now();
    let over = false;
    let asking = false;
    let askedMs = 0;
    const now = () => sitting.elapsed + (Date.now() - syncedMs) / 1000;

    function itemsOf(chat) {
      const items = [];
      sitting.messages.filter((m) => m.chat === chat).forEach((m) => {
        m.buyer.forEach((text) => items.push({who: "buyer", text: text}));
        if (m.reply !== null) items.push({who: "agent", text: m.reply});
      });
      if (!sitting.waiting.some((w) => w.chat === chat)) items.push({who: "system", text: t("drill_chat_ended")});
      return items;
    }

    function openOf(chat) {
      const waiting = sitting.waiting.find((w) => w.chat === chat);
      return waiting ? {key: chat + "/" + waiting.turn + "/" + waiting.arrives, arrived: waiting.arrives,
                        allowed: waiting.allowed} : null;
    }

    function take(next) {
      sitting = next;
      syncedMs = Date.now();
      if (sitting.closed) return close();
      return bench.tick();
    }

    function ask() {
      if (asking || over) return;
      asking = true;
      askedMs = Date.now();
      request("GET", "drill-sittings/" + sitting.id).then((result) => {
        asking = false;
        if (over) return;
        if (result.status === 200) take(result.data);
        else if (result.status === 401) { over = true; clearInterval(timer); sessionEnded(); host.replaceChildren(signinBox()); }
      });
    }

    /** News is due: a buyer's message should have arrived, or a turn's time is over. */
    function due() {
      const at = now();
      return sitting.waiting.some((w) => (at >= w.arrives && !sitting.messages.some((m) => m.chat === w.chat && m.turn === w.turn))
                                          || at > w.last);
    }

    function close() {
      if (over) return;
      over = true;
      clearInterval(timer);
      showResult(sitting).querySelector(".cstrain-drill-result-title").focus();
    }

    const bench = workbench({
      drill: benchDrill(sitting), itemsOf: itemsOf, openOf: openOf, now: now, endText: t("drill_exam_end"),
      onSend: (chat, text) => {
        const waiting = sitting.waiting.find((w) => w.chat === chat);
        write("drill-sittings/" + sitting.id + "/replies", {chat: chat, turn: waiting.turn, text: text})
          .then((result) => {
            if (result.status === 200) return take(result.data);
            if (result.status === 409) {
              bench.say(t("drill_exam_refused"));
              return ask();
            }
            bench.restore(chat, text);
            bench.say(t("drill_exam_not_sent", {reason: errorText(result)}));
            if (result.status === 401) sessionEnded();
            return null;
          });
      },
      onEnd: () => {
        if (!window.confirm(t("drill_exam_confirm_end"))) return;
        write("drill-sittings/" + sitting.id + "/finish").then((result) => {
          if (result.status === 200) take(result.data);
          else bench.say(errorText(result));
        });
      },
    });
    host.replaceChildren(bench.node);

    function tick() {
      if (over) return;
      if (!section.isConnected) {  // instant navigation left the page
        over = true;
        clearInterval(timer);
        return;
      }
      bench.tick();
      const since = Date.now() - askedMs;
      if (since >= POLL_MS || (since >= SOON_MS && due())) ask();
    }

    askedMs = Date.now();
    const timer = setInterval(tick, TICK_MS);
    bench.start();
    bench.box.focus();
  }

  const stored = readJson(key, null);
  if (typeof stored !== "string") return showIntro();
  return request("GET", "drill-sittings/" + encodeURIComponent(stored)).then((result) => {
    if (result.status === 200) return result.data.closed ? showResult(result.data) : run(result.data);
    if (result.status === 401) return refused(result);
    forget(key);  // another learner's, or gone: start afresh
    return showIntro();
  });
}

onEveryPage(() => {
  document.querySelectorAll("section.cstrain-drill[data-mode=exam]").forEach((node) => once(node, "drill-exam", setupExam));
});
