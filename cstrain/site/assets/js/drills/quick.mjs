/* The 快捷短语 panel: the team's quick-reply libraries (replies/*.yml, written by the build as
 * drills/replies.mjs), searched by title, code, text or tag, inserted into the reply box; and
 * "/code" typed in the box expanded on Enter. Literals are ASCII: UI text comes from core/text.mjs. */
import {el, nextId} from "../core/dom.mjs";
import {t} from "../core/text.mjs";
import LIBRARIES from "./replies.mjs";

export function allReplies() {
  const found = [];
  LIBRARIES.forEach((library) => library.replies.forEach((reply) => found.push({library: library.title, ...reply})));
  return found;
}

/** The reply whose code ends the text as "/code", or null. */
export function expansion(text) {
  const match = /(^|\s)\/([^\s/]+)$/u.exec(text);
  if (!match) return null;
  const reply = allReplies().find((item) => item.code === match[2]);
  return reply ? {reply: reply, from: text.length - match[2].length - 1} : null;
}

function matches(reply, words) {
  const hay = [reply.code, reply.title, reply.text, reply.library, ...(reply.tags || [])].join(" ").toLowerCase();
  return words.every((word) => hay.indexOf(word) >= 0);
}

/** The panel; insert(text) puts a reply into the reply box. */
export function quickPanel(insert) {
  const replies = allReplies();
  const searchId = nextId("quick-search");
  const list = el("div", {class: "cstrain-quick-list"});
  const count = el("p", {class: "cstrain-quick-count", role: "status"});
  const search = el("input", {type: "search", id: searchId, class: "cstrain-quick-search", autocomplete: "off"});
  const show = () => {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = replies.filter((reply) => matches(reply, words));
    // grouped by library, as a 千牛 panel groups its phrases: 欢迎语, 物流, 售后 …
    const groups = LIBRARIES.map((library) => shown.filter((reply) => reply.library === library.title))
      .filter((group) => group.length);
    list.replaceChildren(...groups.map((group) => {
      const titleId = nextId("quick-group");
      return el("div", {class: "cstrain-quick-group", role: "group", "aria-labelledby": titleId},
        el("p", {class: "cstrain-quick-group-title", id: titleId, text: group[0].library}),
        el("ul", {}, group.map((reply) => el("li", {},
          el("button", {type: "button", class: "cstrain-quick-item", "data-code": reply.code,
                        on: {click: () => insert(reply.text)}},
            el("span", {class: "cstrain-quick-code", text: "/" + reply.code}), " ",
            el("span", {class: "cstrain-quick-title", text: reply.title}),
            el("span", {class: "cstrain-quick-text", text: reply.text}))))));
    }));
    count.textContent = replies.length ? t("drill_quick_count", {n: shown.length}) : t("drill_quick_none");
  };
  search.addEventListener("input", show);
  show();
  const panel = el("div", {class: "cstrain-quick-panel", hidden: true},
    el("label", {for: searchId, text: t("drill_quick_search")}), search, count, list);
  const toggle = el("button", {type: "button", class: "md-button cstrain-quick-toggle", "aria-expanded": "false",
                               text: t("drill_quick")});
  toggle.addEventListener("click", () => {
    const open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) search.focus();
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
  return {toggle: toggle, panel: panel, close: () => { panel.hidden = true; toggle.setAttribute("aria-expanded", "false"); }};
}
