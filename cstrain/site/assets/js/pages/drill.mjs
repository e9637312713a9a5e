/* A practice drill (接待模拟) on a module page or the drill's own page: a seller's workbench
 * where buyer messages arrive one by one, a countdown per reply, red-line hints while typing,
 * the 快捷短语 panel, branching per the drill's `next`, several buyers at once in peak mode; at
 * the end the result, scored in the browser (drills/score.mjs, as cstrain.drills.score), kept
 * in this device's progress (core/progress.mjs recordDrill). The page loads this module itself. */
import {el, embeddedJson, nextId, once, onEveryPage} from "../core/dom.mjs";
import {formatTime} from "../core/format.mjs";
import * as progress from "../core/progress.mjs";
import {randomId} from "../core/random.mjs";
import {colon, t} from "../core/text.mjs";
import {expansion, quickPanel} from "../drills/quick.mjs";
import {REPLY_LIMIT, scoreDrill} from "../drills/score.mjs";
import {resultView, scenarioCard} from "../drills/view.mjs";
import {hitList, redlineChecker} from "./redlines.mjs";

const TICK_MS = 250;
const STAGGER_S = 0.8;     // a turn's messages appear this far apart, like a buyer typing
const WARN_AT_S = 10;      // a screen reader hears the time left once, at 10 s, and at time-out
const HINT_AFTER_MS = 600;

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
  const drafts = {};
  drill.chat_ids.forEach((chat) => { drafts[chat] = {text: "", began: null}; });
  const shown = {};     // chat -> messages put in its log
  const seen = {};      // chat -> messages the agent has had on screen
  const warned = {};    // turn key -> "warn" | "late"
  let current = drill.chat_ids[0];
  let finished = false;
  let states = chatStates(drill, replies);

  const ids = {box: nextId("drill-reply"), left: nextId("drill-left"), hint: nextId("drill-hint")};
  const log = el("ol", {class: "cstrain-drill-log", role: "log", "aria-label": t("drill_log")});
  const title = el("h3", {class: "cstrain-drill-chat-title"});
  const clock = el("p", {class: "cstrain-drill-clock", id: ids.left});
  const notice = el("p", {class: "cstrain-sr-only", role: "status"});
  const box = el("textarea", {id: ids.box, class: "cstrain-drill-input", rows: "3", maxlength: String(REPLY_LIMIT),
                              "aria-describedby": ids.left + " " + ids.hint, enterkeyhint: "send"});
  const hint = el("div", {class: "cstrain-drill-hint", id: ids.hint});
  const hintStatus = el("p", {class: "cstrain-sr-only", role: "status"});
  const sendButton = el("button", {type: "button", class: "md-button md-button--primary cstrain-drill-send", text: t("drill_send")});
  const endButton = el("button", {type: "button", class: "md-button cstrain-drill-end", text: t("drill_end")});
  const quick = quickPanel((text) => {
    box.value = box.value ? box.value + text : text;
    typed();
    quick.close();
    box.focus();
  });
  const list = peak ? el("ul", {class: "cstrain-drill-chats", "aria-label": t("drill_chats")}) : null;
  const cardHolder = el("div", {class: "cstrain-drill-card-holder"});
  const workbench = el("div", {class: "cstrain-drill-bench" + (peak ? " cstrain-drill-bench--peak" : "")},
    list,
    el("div", {class: "cstrain-drill-chat"}, title, log, clock,
      el("label", {for: ids.box, class: "cstrain-drill-label", text: t("drill_reply_label")}), box, hint,
      el("div", {class: "cstrain-drill-actions"}, sendButton, quick.toggle, endButton), quick.panel,
      el("p", {class: "cstrain-drill-keys", text: t(peak ? "drill_keys_peak" : "drill_keys")}), notice, hintStatus),
    cardHolder);
  host.append(workbench);

  const chatIndex = (chat) => drill.chat_ids.indexOf(chat);
  const chatName = (chat) => peak ? drill.chats[chatIndex(chat)].persona.name : drill.persona.name;
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

  function bubble(item) {
    const who = item.who === "buyer" ? chatName(current) : item.who === "agent" ? t("drill_you") : "";
    return el("li", {class: "cstrain-drill-msg cstrain-drill-msg--" + item.who},
      who ? el("span", {class: "cstrain-drill-who", text: who + colon()}) : null,
      el("span", {class: "cstrain-drill-text", text: item.text}));
  }

  function showChat(chat) {
    drafts[current].text = box.value;
    current = chat;
    box.value = drafts[chat].text;
    log.replaceChildren();
    shown[chat] = 0;
    title.textContent = t("drill_chat_with", {name: chatName(chat)});
    cardHolder.replaceChildren(scenarioCard(drill, chatIndex(chat)));
    typed(true);
    tick();
  }

  function renderList(now) {
    if (!list) return;
    list.replaceChildren(...drill.chat_ids.map((chat) => {
      const open = states[chat].open;
      const buyerCount = messages(chat).filter((m) => m.who === "buyer").length;
      const unread = chat === current ? 0 : buyerCount - (seen[chat] || 0);
      const waiting = open && now >= open.arrived ? Math.floor(now - open.arrived) : null;
      const label = [chatName(chat), unread > 0 ? t("drill_unread", {n: unread}) : "",
                     waiting === null ? (open ? "" : t("drill_chat_ended")) : t("drill_waiting_for", {n: waiting})].filter(Boolean);
      return el("li", {},
        el("button", {type: "button", class: "cstrain-drill-chat-button", "data-chat": chat,
                      "aria-current": chat === current ? "true" : null, "aria-label": label.join(t("drill_list_sep")),
                      on: {click: () => { showChat(chat); box.focus(); }}},
          el("span", {class: "cstrain-drill-chat-name", text: chatName(chat)}),
          unread > 0 ? el("span", {class: "cstrain-drill-unread", text: String(unread)}) : null,
          el("span", {class: "cstrain-drill-wait" + (waiting !== null && open && waiting > open.allowed ? " cstrain-drill-wait--late" : ""),
                      text: waiting === null ? (open ? "" : t("drill_ended_short")) : t("drill_seconds_short", {n: waiting})})));
    }));
  }

  function tick() {
    if (finished) return;
    if (!section.isConnected) {  // instant navigation left the page
      clearInterval(timer);
      return;
    }
    const now = elapsed();
    const items = messages(current);
    log.append(...items.slice(shown[current] || 0).map(bubble));
    if (items.length > (shown[current] || 0)) log.scrollTop = log.scrollHeight;
    shown[current] = items.length;
    seen[current] = items.filter((m) => m.who === "buyer").length;
    const open = states[current].open;
    if (!open) {
      clock.textContent = t("drill_chat_ended");
      clock.className = "cstrain-drill-clock";
    } else if (now < open.arrived) {
      clock.textContent = t("drill_wait_buyer");
      clock.className = "cstrain-drill-clock";
    } else {
      const left = open.allowed - (now - open.arrived);
      const key = open.chat + "/" + open.turn + "/" + open.visit;
      clock.textContent = left >= 0 ? t("drill_left", {n: Math.ceil(left)}) : t("drill_late", {n: Math.floor(-left)});
      clock.className = "cstrain-drill-clock" + (left < 0 ? " cstrain-drill-clock--late" : left <= WARN_AT_S ? " cstrain-drill-clock--soon" : "");
      if (left < 0 && warned[key] !== "late") {
        warned[key] = "late";
        notice.textContent = t("drill_timed_out_now", {name: chatName(open.chat)});
      } else if (left >= 0 && left <= WARN_AT_S && !warned[key]) {
        warned[key] = "warn";
        notice.textContent = t("drill_left", {n: Math.ceil(left)});
      }
    }
    renderList(now);
  }

  let hintTimer = null;
  function typed(quiet) {
    const text = box.value;
    const draft = drafts[current];
    if (text && draft.began === null && states[current].open && elapsed() >= states[current].open.arrived) draft.began = elapsed();
    if (!text) draft.began = null;
    const hits = text ? redlineChecker().check(text) : [];
    hint.replaceChildren(...(hits.length ? [el("p", {class: "cstrain-drill-hint-title", text: t("drill_hint_title")}), hitList(hits)] : []));
    clearTimeout(hintTimer);
    if (!quiet) {
      hintTimer = setTimeout(() => {
        hintStatus.textContent = hits.length ? t("drill_hint_count", {n: hits.length}) : "";
      }, HINT_AFTER_MS);
    }
  }

  function send() {
    const text = box.value;
    const open = states[current].open;
    if (!text.trim()) return;
    if (!open) { notice.textContent = t("drill_chat_ended"); return; }
    const now = elapsed();
    if (now < open.arrived) { notice.textContent = t("drill_wait_buyer"); return; }
    const reply = {text: text, at: now, began: drafts[current].began};
    if (peak) reply.chat = current;
    replies.push(reply);
    drafts[current] = {text: "", began: null};
    box.value = "";
    typed(true);
    states = chatStates(drill, replies);
    tick();
    if (drill.chat_ids.every((chat) => !states[chat].open)) finish();
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
    workbench.replaceWith(view);
    retry.addEventListener("click", () => {
      view.remove();
      run(section, drill, peak, host, intro, last);
    });
    view.querySelector(".cstrain-drill-result-title").focus();
  }

  box.addEventListener("input", () => typed(false));
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      const found = expansion(box.value);
      if (found) {
        box.value = box.value.slice(0, found.from) + found.reply.text;
        typed(false);
      } else {
        send();
      }
    } else if (peak && event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : drill.chat_ids.length - 1;
      showChat(drill.chat_ids[(chatIndex(current) + step) % drill.chat_ids.length]);
    }
  });
  sendButton.addEventListener("click", () => { send(); box.focus(); });
  endButton.addEventListener("click", finish);
  const timer = setInterval(tick, TICK_MS);
  showChat(current);
  box.focus();
}

onEveryPage(() => {
  document.querySelectorAll("section.cstrain-drill[data-mode=practice]").forEach((node) => once(node, "drill", setupDrill));
});
