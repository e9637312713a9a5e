/* The seller's workbench a drill runs in: the chat list (peak mode: unread badges, how long each
 * buyer has waited), the chat log, the countdown, the reply box with red-line hints while typing
 * and the 快捷短语 panel, Enter to send, Alt+↓/↑ to switch chats, the scenario card. What the
 * chats hold comes from the caller: a practice drill computes it in the browser (pages/drill.mjs),
 * an exam drill takes it from the server (pages/team/drill_exam.mjs). Literals are ASCII: UI
 * text comes from core/text.mjs. */
import {el, nextId} from "../core/dom.mjs";
import {colon, t} from "../core/text.mjs";
import {hitList, redlineChecker} from "../pages/redlines.mjs";
import {expansion, quickPanel} from "./quick.mjs";
import {REPLY_LIMIT} from "./score.mjs";
import {scenarioCard} from "./view.mjs";

const WARN_AT_S = 10;      // a screen reader hears the time left once, at 10 s, and at time-out
const HINT_AFTER_MS = 600;

/**
 * A workbench. ``options``:
 *  - ``drill``: what the card shows (scenario, persona, chats) and ``chat_ids``;
 *  - ``itemsOf(chat)``: the chat's messages so far, [{who: "buyer"|"agent"|"system", text}];
 *  - ``openOf(chat)``: the turn waiting for a reply, {key, arrived, allowed}, or null (chat over);
 *  - ``now()``: seconds since the start;
 *  - ``onSend(chat, text, began)``: a reply to send (the box is already cleared);
 *  - ``onEnd()``: the agent ends the run.
 * Returns {node, box, notice, tick(), say(text), current(), restore(chat, text)}.
 */
export function workbench(options) {
  const drill = options.drill;
  const peak = Boolean(drill.chats);
  const drafts = {};
  drill.chat_ids.forEach((chat) => { drafts[chat] = {text: "", began: null}; });
  const shown = {};     // chat -> messages put in its log
  const seen = {};      // chat -> buyer messages the agent has had on screen
  const warned = {};    // turn key -> "warn" | "late"
  let current = drill.chat_ids[0];

  const ids = {box: nextId("drill-reply"), left: nextId("drill-left"), hint: nextId("drill-hint"), list: nextId("drill-chats")};
  // a log of messages (divs: a role=log element is no list, so it may not hold <li>s)
  const log = el("div", {class: "cstrain-drill-log", role: "log", "aria-label": t("drill_log")});
  const title = el("h3", {class: "cstrain-drill-chat-title"});
  const clock = el("p", {class: "cstrain-drill-clock", id: ids.left});
  const notice = el("p", {class: "cstrain-sr-only", role: "status"});
  const box = el("textarea", {id: ids.box, class: "cstrain-drill-input", rows: "3", maxlength: String(REPLY_LIMIT),
                              "aria-describedby": ids.left + " " + ids.hint, enterkeyhint: "send"});
  const hint = el("div", {class: "cstrain-drill-hint", id: ids.hint});
  const hintStatus = el("p", {class: "cstrain-sr-only", role: "status"});
  const sendButton = el("button", {type: "button", class: "md-button md-button--primary cstrain-drill-send", text: t("drill_send")});
  const endButton = el("button", {type: "button", class: "md-button cstrain-drill-end", text: options.endText || t("drill_end")});
  const quick = quickPanel((text) => {
    box.value = box.value ? box.value + text : text;
    typed();
    quick.close();
    box.focus();
  });
  const list = peak ? el("ul", {class: "cstrain-drill-chats", "aria-label": t("drill_chats")}) : null;
  const cardHolder = el("div", {class: "cstrain-drill-card-holder"});
  const node = el("div", {class: "cstrain-drill-bench" + (peak ? " cstrain-drill-bench--peak" : "")},
    list,
    el("div", {class: "cstrain-drill-chat"}, title, log, clock,
      el("label", {for: ids.box, class: "cstrain-drill-label", text: t("drill_reply_label")}), box, hint,
      el("div", {class: "cstrain-drill-actions"}, sendButton, quick.toggle, endButton), quick.panel,
      el("p", {class: "cstrain-drill-keys", text: t(peak ? "drill_keys_peak" : "drill_keys")}), notice, hintStatus),
    cardHolder);

  const chatIndex = (chat) => drill.chat_ids.indexOf(chat);
  const chatName = (chat) => peak ? drill.chats[chatIndex(chat)].persona.name : drill.persona.name;

  function bubble(item) {
    const who = item.who === "buyer" ? chatName(current) : item.who === "agent" ? t("drill_you") : "";
    return el("div", {class: "cstrain-drill-msg cstrain-drill-msg--" + item.who},
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
      const open = options.openOf(chat);
      const buyerCount = options.itemsOf(chat).filter((m) => m.who === "buyer").length;
      const unread = chat === current ? 0 : buyerCount - (seen[chat] || 0);
      const waiting = open && now >= open.arrived ? Math.floor(now - open.arrived) : null;
      // the name is what the button shows; the unread count and the wait in words describe it
      const details = [unread > 0 ? t("drill_unread", {n: unread}) : "",
                       waiting === null ? (open ? "" : t("drill_chat_ended")) : t("drill_waiting_for", {n: waiting})].filter(Boolean);
      const about = ids.list + "-" + chatIndex(chat);
      return el("li", {},
        el("span", {id: about, class: "cstrain-sr-only", text: details.join(t("drill_list_sep"))}),
        el("button", {type: "button", class: "cstrain-drill-chat-button", "data-chat": chat,
                      "aria-current": chat === current ? "true" : null, "aria-describedby": about,
                      on: {click: () => { showChat(chat); box.focus(); }}},
          el("span", {class: "cstrain-drill-chat-name", text: chatName(chat)}),
          unread > 0 ? el("span", {class: "cstrain-drill-unread", text: String(unread)}) : null,
          el("span", {class: "cstrain-drill-wait" + (waiting !== null && open && waiting > open.allowed ? " cstrain-drill-wait--late" : ""),
                      text: waiting === null ? (open ? "" : t("drill_ended_short")) : t("drill_seconds_short", {n: waiting})})));
    }));
  }

  function tick() {
    const now = options.now();
    const items = options.itemsOf(current);
    log.append(...items.slice(shown[current] || 0).map(bubble));
    if (items.length > (shown[current] || 0)) log.scrollTop = log.scrollHeight;
    shown[current] = items.length;
    seen[current] = items.filter((m) => m.who === "buyer").length;
    const open = options.openOf(current);
    if (!open) {
      clock.textContent = t("drill_chat_ended");
      clock.className = "cstrain-drill-clock";
    } else if (now < open.arrived) {
      clock.textContent = t("drill_wait_buyer");
      clock.className = "cstrain-drill-clock";
    } else {
      const left = open.allowed - (now - open.arrived);
      clock.textContent = left >= 0 ? t("drill_left", {n: Math.ceil(left)}) : t("drill_late", {n: Math.floor(-left)});
      clock.className = "cstrain-drill-clock" + (left < 0 ? " cstrain-drill-clock--late" : left <= WARN_AT_S ? " cstrain-drill-clock--soon" : "");
      if (left < 0 && warned[open.key] !== "late") {
        warned[open.key] = "late";
        notice.textContent = t("drill_timed_out_now", {name: chatName(current)});
      } else if (left >= 0 && left <= WARN_AT_S && !warned[open.key]) {
        warned[open.key] = "warn";
        notice.textContent = t("drill_left", {n: Math.ceil(left)});
      }
    }
    renderList(now);
  }

  let hintTimer = null;
  function typed(quiet) {
    const text = box.value;
    const draft = drafts[current];
    const open = options.openOf(current);
    if (text && draft.began === null && open && options.now() >= open.arrived) draft.began = options.now();
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
    const open = options.openOf(current);
    if (!text.trim()) return;
    if (!open) { notice.textContent = t("drill_chat_ended"); return; }
    if (options.now() < open.arrived) { notice.textContent = t("drill_wait_buyer"); return; }
    const began = drafts[current].began;
    drafts[current] = {text: "", began: null};
    box.value = "";
    typed(true);
    options.onSend(current, text, began);
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
  endButton.addEventListener("click", () => options.onEnd());

  return {
    node: node,
    box: box,
    tick: tick,
    start: () => showChat(current),
    current: () => current,
    say: (text) => { notice.textContent = text; },
    /** Put back a reply the server did not take, unless the agent has typed since. */
    restore: (chat, text) => {
      if (chat === current && !box.value) { box.value = text; typed(true); }
      else if (chat !== current && !drafts[chat].text) drafts[chat].text = text;
    },
  };
}
