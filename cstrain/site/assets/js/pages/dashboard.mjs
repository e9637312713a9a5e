/* The mentor dashboard (带教看板, /dashboard/); the page loads this module itself.
 *
 * The mentor's and the supervisor's view from the API (cstrain/server/mentor_api.py,
 * report_api.py): a chart of the assigned work, the mentee table (overdue first), one mentee's
 * page (./dashboard/learner.mjs), the assign form, CSV downloads and, for a supervisor, the team
 * filter and the item statistics. A learner is told the page is for mentors. */
import {BASE, dataOf, request, sessionStatus, whoAmI} from "../core/api.mjs";
import {el, once, onEveryPage, svg} from "../core/dom.mjs";
import {formatNumber} from "../core/format.mjs";
import {t} from "../core/text.mjs";
import {badge, progressTable} from "../core/widgets.mjs";
import {assignForm} from "./dashboard/assign.mjs";
import {showLearner} from "./dashboard/learner.mjs";
import {peopleSection} from "./dashboard/people.mjs";
import {LEARNER_HASH, dueText, learnerHref, liveMessage, problem, query, say, section} from "./dashboard/parts.mjs";

const MANY = 24;  // more learners than this across several teams: the chart shows teams
const SEGMENT_KEYS = {done: "dash_seg_done", started: "dash_seg_started", todo: "dash_seg_todo",
                      overdue: "dash_seg_overdue"};
const REPORT_KEYS = {completions: "dash_report_completions", assignments: "dash_report_assignments",
                     attempts: "dash_report_attempts", summary: "dash_report_summary", items: "dash_report_items",
                     "drill-attempts": "dash_drill_report_attempts", checkpoints: "dash_drill_report_checkpoints"};

let current = null;  // the board on the page now

/** Renders the dashboard into root (#cstrain-dashboard). */
function mount(root) {
  const board = {
    root: root, me: null, catalog: null, progress: null, filters: {team: "", cohort: "", mentor: ""}, routed: null,
    loadProgress: () => loadProgress(board),
    showOverview: (keepFocus) => showOverview(board, keepFocus),
    showLearner: (id, notice) => showLearner(board, id, notice),
  };
  current = board;
  root.addEventListener("click", (event) => follow(board, event));
  start(board);
}

/** Who is this, then the catalog and the team's progress (again asks the server who, after a
 *  failure). */
function start(board, again) {
  const root = board.root;
  root.replaceChildren(el("p", {class: "cstrain-dash-loading", text: t("dash_loading")}));
  whoAmI(again).then((me) => {
    if (!me) throw {status: sessionStatus(), data: null};
    board.me = me;
    if (me.role === "learner") return pointTo(board, t("dash_for_mentors"), "my-learning/", t("my_learning"));
    return Promise.all([request("GET", "catalog").then(dataOf), loadProgress(board)]).then((got) => {
      board.catalog = got[0];
      route(board);
    });
  }).catch((err) => {
    if (err && err.status === 401) return pointTo(board, t("dash_signin_needed"), "signin/", t("team_signin_link"));
    return root.replaceChildren(el("div", {class: "admonition failure"},
      el("p", {text: t("dash_error", {message: problem(err)})}),
      el("button", {class: "md-button", type: "button", text: t("dash_retry"), on: {click: () => start(board, true)}})));
  });
}

/** A note and a button elsewhere: to sign in, or (a learner) to 我的学习. */
function pointTo(board, text, path, label) {
  board.root.replaceChildren(el("div", {class: "admonition info"},
    el("p", {text: text}), el("a", {class: "md-button md-button--primary", href: BASE + path, text: label})));
}

function loadProgress(board) {
  return request("GET", "team/progress" + query(board.filters)).then(dataOf).then((progress) => {
    board.progress = progress;
    return progress;
  });
}

/* The views live in the address's #: back and forward work, and a mentee's page can be
   bookmarked. Material's instant navigation takes over same-page # links with pushState
   (no hashchange), so the dashboard's own links are followed here, before it sees them. */
function route(board) {
  if (!board.catalog) return;
  const hash = window.location.hash;
  board.routed = hash;
  if (hash.indexOf(LEARNER_HASH) === 0) showLearner(board, decodeURIComponent(hash.slice(LEARNER_HASH.length)));
  else showOverview(board);
}

function follow(board, event) {
  const link = event.target.closest && event.target.closest("a[href^='#']");
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  event.stopPropagation();
  const href = link.getAttribute("href");
  window.history.pushState(null, "", href === "#" ? window.location.pathname + window.location.search : href);
  route(board);
}

function onAddressChange() {
  if (current && document.body.contains(current.root) && current.routed !== window.location.hash) route(current);
}

window.addEventListener("hashchange", onAddressChange);
window.addEventListener("popstate", onAddressChange);
onEveryPage(() => document.querySelectorAll("#cstrain-dashboard").forEach((node) => once(node, "dashboard", mount)));

/* ------------------------------------------------------------------ the overview */

function showOverview(board, keepFocus) {
  const p = board.progress;
  const people = p.learners;
  const late = people.filter((x) => x.overdue > 0).length;
  const anyFilter = Boolean(board.filters.team || board.filters.cohort || board.filters.mentor);
  board.root.replaceChildren(el("div", {class: "cstrain-dash-overview"},
    el("p", {class: "cstrain-dash-hello"},
      el("strong", {text: t("dash_hello", {name: board.me.name})}), " \u00b7 ", t("dash_today", {date: p.today})),
    filters(board),
    people.length ? el("p", {class: "cstrain-dash-summary", text: t("dash_summary", {n: people.length, late: late})})
      : el("div", {class: "admonition note"}, el("p", {text: anyFilter ? t("dash_no_match") : t("dash_no_mentees")})),
    // many people: the search box first (a supervisor looks for someone), then the chart
    people.length > MANY ? [table(board, people), chart(board, people), assignForm(board, people, null)]
      : people.length ? [chart(board, people), table(board, people), assignForm(board, people, null)] : null,
    reports(board),
    board.me.role === "supervisor" ? itemsSection(board) : null));
  if (!keepFocus) window.scrollTo(0, 0);
}

function filters(board) {
  const p = board.progress;
  const choices = [];
  const picker = (key, label, options) => {
    const id = "cstrain-dash-filter-" + key;
    const select = el("select", {id: id, on: {change: () => {
      board.filters[key] = select.value;
      select.disabled = true;
      loadProgress(board).then(() => {
        showOverview(board, true);
        const again = document.getElementById(id);
        if (again) again.focus();
      }).catch((err) => {
        select.disabled = false;
        const note = board.root.querySelector(".cstrain-dash-filters .cstrain-dash-message");
        if (note) say(note, t("dash_error", {message: problem(err)}), true);
      });
    }}}, el("option", {value: "", text: t("dash_all")}),
    options.map((o) => el("option", {value: o.value, text: o.label, selected: o.value === board.filters[key]})));
    choices.push(el("label", {class: "cstrain-dash-filter", for: id}, el("span", {text: label}), select));
  };
  const plain = (values) => values.map((x) => ({value: x, label: x}));
  const supervisor = board.me.role === "supervisor";
  if (supervisor || p.teams.length > 1) picker("team", t("dash_filter_team"), plain(p.teams));
  if (p.cohorts.length > 1 || board.filters.cohort) picker("cohort", t("dash_filter_cohort"), plain(p.cohorts));
  if (supervisor && p.mentors.length) {
    picker("mentor", t("dash_filter_mentor"), p.mentors.map((m) => ({value: m.id, label: m.name})));
  }
  return choices.length ? el("div", {class: "cstrain-dash-filters"}, choices, liveMessage()) : null;
}

/* The chart answers a mentor's first question, "who is behind?": one bar per learner, the
   assigned modules split into done / in progress / not started / overdue, scaled to the same
   length, so green grows from the left, red grows from the right, and both ends line up for
   comparison; rows follow the table (most overdue first). Many learners across teams: one bar
   per team. */
function chart(board, people) {
  const byTeam = people.length > MANY && board.progress.teams.length > 1 && !board.filters.team;
  const rows = byTeam ? teamRows(people) : people.slice(0, MANY).map((x) => ({
    label: x.name, href: learnerHref(x.id), done: x.assigned_done, started: x.assigned_started,
    overdue: x.assigned_overdue, total: x.assigned}));
  const keys = Object.keys(SEGMENT_KEYS);
  const legend = el("ul", {class: "cstrain-dash-legend"}, keys.map((key) => el("li", {},
    el("span", {class: "cstrain-dash-swatch cstrain-dash-seg--" + key, "aria-hidden": "true"}), t(SEGMENT_KEYS[key]))));
  const list = el("ol", {class: "cstrain-dash-chart"}, rows.map((row) => {
    const todo = Math.max(0, row.total - row.done - row.started - row.overdue);
    const parts = {done: row.done, started: row.started, todo: todo, overdue: row.overdue};
    const bar = svg("svg", {class: "cstrain-dash-bar", width: "100%", height: "16", "aria-hidden": "true", focusable: "false"},
      svg("rect", {class: "cstrain-dash-track", x: "0", y: "0", width: "100%", height: "16", rx: "3"}));
    let x = 0;
    keys.forEach((key) => {
      if (!row.total || !parts[key]) return;
      const width = 100 * parts[key] / row.total;
      bar.append(svg("rect", {class: "cstrain-dash-seg--" + key, x: x + "%", y: "0", width: width + "%", height: "16"}));
      x += width;
    });
    const value = row.total ? t("dash_bar_done", {done: row.done, total: row.total}) : t("dash_nothing_assigned");
    return el("li", {class: "cstrain-dash-row"},
      el("span", {class: "cstrain-dash-label"},
        row.href ? el("a", {href: row.href, text: row.label}) : el("span", {text: row.label}),
        row.sub ? el("small", {text: row.sub}) : null),
      bar,
      el("span", {class: "cstrain-dash-value"}, value,
        row.overdue ? el("strong", {class: "cstrain-dash-late", text: t("dash_bar_overdue", {n: row.overdue})}) : null));
  }));
  return section(t("dash_chart_title"), [
    el("p", {class: "cstrain-dash-hint", text: byTeam ? t("dash_chart_by_team") : t("dash_chart_hint")}),
    !byTeam && people.length > MANY ? el("p", {class: "cstrain-dash-hint", text: t("dash_chart_first", {n: MANY})}) : null,
    legend, list], "cstrain-dash-chart-section");
}

function teamRows(people) {
  const teams = {};
  people.forEach((x) => {
    const row = teams[x.team] || (teams[x.team] = {label: x.team || "\u2014", people: 0, done: 0,
                                                   started: 0, overdue: 0, total: 0});
    row.people += 1;
    row.done += x.assigned_done;
    row.started += x.assigned_started;
    row.overdue += x.assigned_overdue;
    row.total += x.assigned;
  });
  return Object.keys(teams).map((k) => Object.assign(teams[k], {sub: t("dash_team_people", {n: teams[k].people})}))
    .sort((a, b) => b.overdue / (b.total || 1) - a.overdue / (a.total || 1));
}

/** Cells labelled with their column, so a phone can show each row as a card. */
function labelledRow(head, cells, attrs, firstIsHead) {
  return el("tr", attrs, cells.map((cell, i) => el(firstIsHead && i === 0 ? "th" : "td",
    {scope: firstIsHead && i === 0 ? "row" : null, "data-label": head[i],
     class: firstIsHead && i === cells.length - 1 ? "cstrain-dash-courses" : null}, cell)));
}

/* The learners: searched, filtered, sorted and paged by ./dashboard/people.mjs, which asks for
   the rows of one page only. */
function table(board, people) {
  const head = [t("dash_col_learner"), t("dash_col_team"), t("dash_col_assigned"), t("dash_col_overdue"),
                t("dash_col_next_due"), t("dash_col_courses")];
  const titles = {};
  board.catalog.courses.forEach((c) => { titles[c.id] = c.title; });
  const rowOf = (x) => labelledRow(head, [
    el("a", {href: learnerHref(x.id)}, el("strong", {text: x.name}), el("small", {text: " " + x.id})),
    [x.team, x.cohort].filter(Boolean).join(" \u00b7 ") || "\u2014",
    x.assigned ? x.assigned_done + "/" + x.assigned : "\u2014",
    x.overdue ? badge("failed", String(x.overdue)) : "0",
    x.next_due ? dueText(x.next_due, board.progress.today) : "\u2014",
    el("span", {}, x.courses.map((c) => el("span",
      {class: "cstrain-dash-chip" + (c.total && c.done === c.total ? " cstrain-dash-chip--full" : "")},
      titles[c.course] + " ", el("b", {text: c.done + "/" + c.total})))),
  ], {class: x.overdue ? "cstrain-dash-late-row" : ""}, true);
  return section(t("dash_table_title"),
                 peopleSection(board, people, rowOf, (rows) => progressTable(head, rows, "cstrain-dash-table")),
                 "cstrain-dash-people-section");
}

/* ------------------------------------------------------------------ downloads, items */

function reports(board) {
  const names = ["completions", "assignments", "attempts", "drill-attempts", "checkpoints", "summary"].concat(board.me.role === "supervisor" ? ["items"] : []);
  const q = query(board.filters);
  return section(t("dash_reports_title"), [
    el("p", {class: "cstrain-dash-hint", text: t("dash_reports_hint")}),
    el("ul", {class: "cstrain-dash-reports"}, names.map((name) => el("li", {},
      el("a", {class: "md-button", href: BASE + "api/reports/" + name + ".csv" + q, download: "",
               text: t(REPORT_KEYS[name])}))))]);
}

function itemRow(head, item) {
  const facility = item.facility_index;
  const meter = svg("svg", {class: "cstrain-dash-meter", width: "100%", height: "8", "aria-hidden": "true", focusable: "false"},
    svg("rect", {class: "cstrain-dash-track", x: "0", y: "0", width: "100%", height: "8", rx: "2"}));
  if (facility !== null) {
    const level = facility < 50 ? "overdue" : facility < 80 ? "partly" : "done";
    meter.append(svg("rect", {class: "cstrain-dash-seg--" + level, x: "0", y: "0", width: facility + "%", height: "8", rx: "2"}));
  }
  return labelledRow(head, [el("span", {}, item.question_text || item.question), item.quiz_title, String(item.attempts),
                            el("span", {class: "cstrain-dash-facility"}, formatNumber(facility, 1) + "%", meter),
                            formatNumber(item.discrimination_index, 1)], {}, false);
}

function itemsSection(board) {
  const body = el("div", {}, el("p", {class: "cstrain-dash-loading", text: t("dash_loading")}));
  const q = query({team: board.filters.team, cohort: board.filters.cohort, mentor: board.filters.mentor, limit: "20"});
  request("GET", "items" + q).then(dataOf).then((items) => {
    if (!items.length) return body.replaceChildren(el("p", {text: t("dash_no_items")}));
    const head = [t("dash_col_question"), t("quiz"), t("dash_col_attempts"), t("dash_col_facility"),
                  t("dash_col_discrimination")];
    return body.replaceChildren(progressTable(head, items.map((item) => itemRow(head, item)),
                                              "cstrain-dash-table cstrain-dash-items"));
  }).catch((err) => body.replaceChildren(el("p", {text: t("dash_error", {message: problem(err)})})));
  return section(t("dash_items_title"), [el("p", {class: "cstrain-dash-hint", text: t("dash_items_hint")}), body]);
}
