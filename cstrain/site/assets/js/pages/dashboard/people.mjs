/* The dashboard's list of learners at any size (a supervisor's 1,000+): a search box (name or
 * 工号, each keystroke narrows the list; Enter opens the one person found), a status filter (with counts), a sort and pages of
 * PAGE_SIZE rows. /api/team/progress sends everyone in scope in one response (most overdue
 * first); searching, filtering, sorting and paging happen here, so a keystroke never waits for
 * the network. Only the rows of one page are in the document. Team, cohort and mentor are the
 * server's filters (dashboard.mjs): the downloads follow them too. */
import {el} from "../../core/dom.mjs";
import {naturalCompare} from "../../core/order.mjs";
import {t} from "../../core/text.mjs";

export const PAGE_SIZE = 50;
const STATUS_KEYS = {overdue: "dash_status_overdue", open: "dash_status_open", done: "dash_status_done",
                     unassigned: "dash_status_unassigned"};
const SORT_KEYS = {urgent: "dash_sort_urgent", name: "dash_sort_name", id: "dash_sort_id", team: "dash_sort_team",
                   due: "dash_sort_due", progress: "dash_sort_progress"};
const names = new Intl.Collator("zh-CN");  // 拼音 order, as a Chinese contact list

/** The list's state on the board: kept when the overview is drawn again (a filter changed). */
function stateOf(board) {
  if (!board.list) board.list = {q: "", status: "", sort: "urgent", page: 0};
  return board.list;
}

function byId(a, b) {
  return naturalCompare(a.id, b.id);
}

function share(x) {
  return x.assigned ? x.assigned_done / x.assigned : 2;  // nothing assigned: last
}

const COMPARE = {
  name: (a, b) => names.compare(a.name, b.name) || byId(a, b),
  id: byId,
  team: (a, b) => naturalCompare(a.team, b.team) || byId(a, b),
  due: (a, b) => (a.next_due || "9999") < (b.next_due || "9999") ? -1
    : (a.next_due || "9999") > (b.next_due || "9999") ? 1 : byId(a, b),
  progress: (a, b) => share(a) - share(b) || b.overdue - a.overdue || byId(a, b),
};

/** The words typed, each of which must be in the name or the 工号 (case does not matter). */
function matcher(q) {
  const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  return (x) => {
    const text = (x.name + "\u0000" + x.id).toLowerCase();
    return words.every((w) => text.indexOf(w) >= 0);
  };
}

/** The people the state picks, in its order (the API's order is "urgent"). */
export function pick(people, state) {
  const match = matcher(state.q);
  const chosen = people.filter((x) => (!state.status || x.status === state.status) && (!match || match(x)));
  return state.sort === "urgent" ? chosen : chosen.slice().sort(COMPARE[state.sort]);
}

/** The learners section: controls, the table of one page, the pager. rowOf(person) makes a
 *  <tr>; table(rows) wraps rows in the table with its head. */
export function peopleSection(board, people, rowOf, table) {
  const state = stateOf(board);
  const counts = {};
  people.forEach((x) => { counts[x.status] = (counts[x.status] || 0) + 1; });
  const search = el("input", {type: "search", id: "cstrain-dash-search", value: state.q, autocomplete: "off",
                              spellcheck: "false", placeholder: t("dash_search_placeholder"),
                              "aria-describedby": "cstrain-dash-count"});
  const status = el("select", {id: "cstrain-dash-status"},
    el("option", {value: "", text: t("dash_all") + "\uff08" + people.length + "\uff09"}),
    Object.keys(STATUS_KEYS).map((s) => el("option", {value: s, selected: s === state.status,
                                                      text: t(STATUS_KEYS[s]) + "\uff08" + (counts[s] || 0) + "\uff09"})));
  const sort = el("select", {id: "cstrain-dash-sort"},
    Object.keys(SORT_KEYS).map((s) => el("option", {value: s, text: t(SORT_KEYS[s]), selected: s === state.sort})));
  const count = el("p", {class: "cstrain-dash-count", id: "cstrain-dash-count", role: "status", "aria-live": "polite"});
  const body = el("div", {class: "cstrain-dash-page"});
  const back = el("button", {type: "button", class: "md-button cstrain-dash-small", text: t("dash_page_prev")});
  const next = el("button", {type: "button", class: "md-button cstrain-dash-small", text: t("dash_page_next")});
  const where = el("span", {class: "cstrain-dash-where"});
  const pager = el("nav", {class: "cstrain-dash-pager", "aria-label": t("dash_pages")}, back, where, next);
  let chosen = [];

  function draw() {
    const pages = Math.max(1, Math.ceil(chosen.length / PAGE_SIZE));
    state.page = Math.min(Math.max(0, state.page), pages - 1);
    const from = state.page * PAGE_SIZE;
    const shown = chosen.slice(from, from + PAGE_SIZE);
    body.replaceChildren(shown.length ? table(shown.map(rowOf))
      : el("p", {class: "cstrain-dash-none", text: t("dash_search_none")}));
    count.textContent = t(chosen.length === people.length ? "dash_count_all" : "dash_count_some",
                          {from: shown.length ? from + 1 : 0, to: from + shown.length, n: chosen.length,
                           all: people.length});
    where.textContent = t("dash_page_of", {page: state.page + 1, pages: pages});
    back.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    pager.hidden = pages < 2;
  }

  function again() {
    chosen = pick(people, state);
    draw();
  }

  search.addEventListener("input", () => {
    state.q = search.value;
    state.page = 0;
    again();
  });
  search.addEventListener("keydown", (event) => {  // Enter on the one person found opens their page
    if (event.key !== "Enter" || chosen.length !== 1) return;
    const link = body.querySelector("tbody a[href]");
    if (link) {
      event.preventDefault();
      link.click();
    }
  });
  status.addEventListener("change", () => {
    state.status = status.value;
    state.page = 0;
    again();
  });
  sort.addEventListener("change", () => {
    state.sort = sort.value;
    state.page = 0;
    again();
  });
  const turn = (step, button) => {
    state.page += step;
    draw();
    (button.disabled ? search : button).focus();
  };
  back.addEventListener("click", () => turn(-1, back));
  next.addEventListener("click", () => turn(1, next));
  again();
  return [
    el("div", {class: "cstrain-dash-filters cstrain-dash-find"},
      el("label", {class: "cstrain-dash-filter cstrain-dash-search", for: search.id},
        el("span", {text: t("dash_search_label")}), search),
      el("label", {class: "cstrain-dash-filter", for: status.id}, el("span", {text: t("dash_filter_status")}), status),
      el("label", {class: "cstrain-dash-filter", for: sort.id}, el("span", {text: t("dash_sort_label")}), sort)),
    count, body, pager];
}
