/* Team mode (cstrain serve) on every page: the signed-in bar in the header, the sign-in page,
 * syncing (./team/sync.mjs) and 我的学习's assignments. An exam (./team/exam.mjs) and the mentor
 * dashboard (./dashboard.mjs) come with their pages. Only a team build loads this module. */
import {BASE, errorText, offline, onSessionEnded, request, setMe, signedIn, signedOut, signinUrl, whoAmI}
  from "../core/api.mjs";
import {el, embeddedJson, once, onEveryPage} from "../core/dom.mjs";
import {clearState, currentState, moduleStatus, onChange} from "../core/progress.mjs";
import {t} from "../core/text.mjs";
import {assignmentBadge, badge, progressTable} from "../core/widgets.mjs";
import {flush, onFlushed, pendingCount, pull, pullOnce, rejectedCount} from "./team/sync.mjs";

/* ================================================================ the bar in the header */

function renderBar() {
  const header = document.querySelector(".md-header__inner");
  if (!header) return;
  let bar = header.querySelector(".cstrain-teambar");
  if (!bar) {
    bar = el("div", {class: "cstrain-teambar"});
    header.insertBefore(bar, header.querySelector(".md-search") || header.querySelector(".md-header__source"));
  }
  const me = signedIn();
  if (me) {
    bar.replaceChildren(
      el("a", {class: "cstrain-teambar__name", href: BASE + "my-learning/", title: me.name, text: me.name}),
      el("span", {class: "cstrain-teambar__pending", role: "status"}),
      el("button", {type: "button", class: "cstrain-teambar__signout", text: t("team_signout"), on: {click: signOut}}));
    renderPending();
  } else if (!document.getElementById("cstrain-signin")) {
    bar.replaceChildren(el("a", {class: "cstrain-teambar__signin", href: signinUrl(), text: t("team_signin_link")}));
  } else {
    bar.replaceChildren();
  }
  offerDashboard(!me || me.role !== "learner");
}

/** The mentor dashboard is for mentors and supervisors: a signed-in learner's navigation
 *  (sidebar, tabs, the footer's next/previous) does not offer it. The page itself still
 *  tells a learner who finds it that it is for mentors. */
function offerDashboard(offer) {
  const target = new URL(BASE + "dashboard/", location.href).pathname;
  document.querySelectorAll("a.md-nav__link[href], a.md-tabs__link[href], a.md-footer__link[href]").forEach((link) => {
    if (new URL(link.getAttribute("href"), location.href).pathname !== target) return;
    (link.closest(".md-nav__item, .md-tabs__item") || link).hidden = !offer;
  });
}

function renderPending() {
  const count = pendingCount();
  document.querySelectorAll(".cstrain-teambar__pending").forEach((node) => {
    node.textContent = count ? t("team_pending", {n: count}) : "";
    node.hidden = !count;
  });
}

function signOut() {
  flush().then(() => request("POST", "signout")).then((result) => {
    if (result.status !== 204 && result.status !== 401) {
      window.alert(errorText(result));
      return;
    }
    // a shared shop PC: the next person must not see this learner's progress
    signedOut();
    clearState();
    location.href = BASE + "signin/?out=1";
  });
}

/* ================================================================ the sign-in page */

/** Where to go after signing in (the sign-in page's ?next=): a page of this site, as an
 *  absolute address, or null. The value is read the way the browser would follow it, by URL
 *  against the site's root: a browser drops TAB and LF from an address, reads a backslash as a
 *  slash and "//host" as another host, so only what then names this origin, without userinfo,
 *  under the site's root and not its API is taken. The address handed back is the parsed one,
 *  absolute, never the text given (a path "//x" would be another host again). */
export function safeNext(next) {
  if (typeof next !== "string" || !next) return null;
  const root = new URL(BASE, location.href);
  let url;
  try {
    url = new URL(next, root);
  } catch (error) {
    return null;
  }
  if (url.origin !== root.origin || url.username || url.password ||
      !url.pathname.startsWith(root.pathname) || url.pathname.startsWith(root.pathname + "api/")) return null;
  return url.href;
}

/** The code a personal link carries after #, taken out of the address bar and the history
 *  of a shared device at once. */
function codeFromLink() {
  if (!location.hash) return "";
  let code = location.hash.replace(/^#/, "");
  try {
    code = decodeURIComponent(code);
  } catch (error) { /* keep it as typed */ }
  history.replaceState(history.state, "", location.pathname + location.search);
  return code.trim();
}

const signInWith = new WeakMap();  // the sign-in page's root -> its sign-in with a code

// a link opened while the sign-in page is already showing changes only the #
window.addEventListener("hashchange", () => {
  const root = document.getElementById("cstrain-signin");
  if (root && signInWith.has(root)) {
    const code = codeFromLink();
    if (code) signInWith.get(root)(code);
  }
});

function setupSignin(root) {
  const fromLink = codeFromLink();
  const input = el("input", {type: "text", id: "cstrain-code", class: "cstrain-input cstrain-code",
                             autocomplete: "one-time-code", autocapitalize: "characters", spellcheck: "false",
                             placeholder: t("team_code_example"), maxlength: "40", required: true,
                             "aria-describedby": "cstrain-signin-message"});
  const button = el("button", {type: "submit", class: "md-button md-button--primary", text: t("team_signin_button")});
  const message = el("p", {id: "cstrain-signin-message", class: "cstrain-signin-message", role: "alert"});
  const form = el("form", {class: "cstrain-signin-form", novalidate: true},
    el("p", {class: "cstrain-hint", text: t("team_signin_intro")}),
    el("div", {class: "cstrain-field"}, el("label", {for: "cstrain-code", text: t("team_code")}), input),
    el("p", {class: "cstrain-actions"}, button),
    message);
  root.replaceChildren(form);

  function fail(text) {
    message.className = "cstrain-signin-message cstrain-signin-message--error";
    message.textContent = text;
    button.disabled = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    input.select();
  }

  function submit() {
    const code = input.value.trim();
    if (!code) {
      fail(t("team_error_code"));
      return;
    }
    button.disabled = true;
    message.className = "cstrain-signin-message";
    message.textContent = t("team_signing_in");
    request("POST", "signin", {code: code}).then((result) => {
      if (result.status === 200) {
        setMe(result.data);
        location.replace(safeNext(new URLSearchParams(location.search).get("next")) || BASE + "my-learning/");
      } else if (result.status === 401 || result.status === 422) {
        fail(t("team_error_code"));
      } else if (result.status === 429) {
        fail(t("team_error_rate", {n: Number(result.headers.get("Retry-After")) || 60}));
      } else {
        fail(errorText(result));
      }
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  const withCode = (code) => {
    input.value = code;
    submit();
  };
  signInWith.set(root, withCode);
  if (fromLink) {
    withCode(fromLink);
    return;
  }
  if (new URLSearchParams(location.search).get("out")) message.textContent = t("team_signed_out");
  whoAmI().then((person) => {
    if (!person) {
      input.focus();
      return;
    }
    root.prepend(el("div", {class: "admonition success cstrain-signed-in"},
      el("p", {text: t("team_signed_in_as", {name: person.name})}),
      el("p", {},
        el("a", {class: "md-button md-button--primary", href: BASE + "my-learning/", text: t("team_go_my_learning")}), " ",
        el("button", {type: "button", class: "md-button", text: t("team_signout"), on: {click: signOut}}))));
  });
}

/* ================================================================ practice quizzes */

function notePractice(section) {
  whoAmI().then((person) => {
    if (person || offline() || section.querySelector(".cstrain-team-note")) return;
    const title = section.querySelector(".cstrain-quiz-title");
    const note = el("p", {class: "cstrain-team-note"}, t("team_practice_local"), " ",
      el("a", {href: signinUrl(), text: t("team_signin_link")}));
    if (title) title.after(note);
    else section.prepend(note);
  });
}

/* ================================================================ 我的学习 */

/** Days left as the server counts them, in the team's time zone: a device set to another
 *  zone (or a wrong date) must not show 今天截止 beside a state of 已逾期. */
function dueNote(assignment) {
  if (assignment.state === "done_on_time" || assignment.state === "done_late") return "";
  const days = assignment.days_left;
  if (days > 0) return t("team_days_left", {n: days});
  return days === 0 ? t("team_due_today") : t("team_days_over", {n: -days});
}

/** A tag's assignment: a link to the tag's page and its modules, each with its status and link
 *  (the statuses follow the records as they arrive: see refreshTagStatuses). */
function tagTarget(catalog, assignment) {
  const tag = (catalog.tags || []).find((x) => x.name === assignment.target);
  const title = t("team_tag_target", {tag: assignment.target});
  if (!tag) return el("span", {text: title});
  const modules = {};
  catalog.courses.forEach((course) => course.modules.forEach((module) => { modules[module.id] = module; }));
  const state = currentState();
  return el("div", {class: "cstrain-tag-target"},
    tag.url ? el("a", {href: tag.url, text: title}) : el("span", {text: title}),
    el("ul", {class: "cstrain-tag-modules", "aria-label": t("learn_tag_modules", {tag: tag.name})},
      tag.modules.filter((id) => modules[id]).map((id) => el("li", {"data-module": id,
                                                                  "data-quiz": modules[id].quiz ? "1" : "0",
                                                                  "data-drill": modules[id].drill || ""},
        el("a", {href: modules[id].url, text: modules[id].title}), " ",
        el("span", {class: "cstrain-tag-status"}, badge(moduleStatus(state, id, needsOf(modules[id]))))))));
}

/** A module's exercises, as core/progress.mjs moduleStatus() takes them. */
function needsOf(module) {
  return {quiz: Boolean(module.quiz), drill: module.drill || null};
}

function refreshTagStatuses() {
  const state = currentState();
  document.querySelectorAll(".cstrain-tag-modules li[data-module]").forEach((item) => {
    const cell = item.querySelector(".cstrain-tag-status");
    if (cell) {
      cell.replaceChildren(badge(moduleStatus(state, item.getAttribute("data-module"),
        {quiz: item.getAttribute("data-quiz") === "1", drill: item.getAttribute("data-drill") || null})));
    }
  });
}

function targetLink(root, assignment) {
  const catalog = embeddedJson(root, "#cstrain-catalog") || {courses: []};
  if (assignment.target_kind === "tag") return tagTarget(catalog, assignment);
  const courses = catalog.courses;
  let url = null;
  courses.forEach((course) => {
    if (assignment.target_kind === "course" && course.id === assignment.target) url = course.url;
    course.modules.forEach((module) => {
      if (assignment.target_kind === "module" && module.id === assignment.target) url = module.url;
    });
  });
  const title = assignment.target_kind === "tag" ? t("team_tag_target", {tag: assignment.target}) : assignment.title;
  return url ? el("a", {href: url, text: title}) : el("span", {text: title});
}

function assignmentRow(root, assignment) {
  const note = dueNote(assignment);
  return el("tr", {"data-assignment": String(assignment.id), "data-state": assignment.state},
    el("td", {}, targetLink(root, assignment)),
    el("td", {class: "cstrain-due"}, el("span", {text: assignment.due_on}),
      note ? el("small", {class: "cstrain-due-note", text: note}) : null),
    el("td", {class: "cstrain-assignment-progress",
              text: t("team_modules_done", {done: assignment.modules_done, total: assignment.modules_total})}),
    el("td", {}, assignmentBadge(assignment.state)));
}

function setupMyLearning(root) {
  const box = el("section", {class: "cstrain-team-learning"});
  root.prepend(box);
  whoAmI().then((person) => {
    if (!person) {
      if (offline()) return box.replaceChildren(el("p", {class: "cstrain-exam-message--error", text: t("team_error_network")}));
      return box.replaceChildren(el("div", {class: "admonition info"},
        el("p", {text: t("team_my_learning_signin")}),
        el("p", {}, el("a", {class: "md-button md-button--primary", href: signinUrl(), text: t("team_signin_link")}))));
    }
    // the session says who this is and the server keeps the records: no 工号 form, no file
    // (hidden by quiz.css, whenever ./quiz/learning.mjs adds them)
    root.setAttribute("data-cstrain-signed-in", "");
    const table = progressTable([t("team_assignment"), t("team_due_on"), t("team_progress"), t("status")], [],
                                "cstrain-assignments");
    const rows = table.querySelector("tbody");
    const sync = el("p", {class: "cstrain-team-sync", role: "status"});
    box.replaceChildren(
      el("p", {class: "cstrain-team-who", text: t("team_hello", {name: person.name, id: person.id}) +
                                                (person.team ? " \u00b7 " + person.team : "")}),
      el("h2", {id: "cstrain-assignments", text: t("team_my_assignments")}),
      table, sync);
    request("GET", "me/assignments").then((result) => {
      const only = (attrs) => el("tr", {}, el("td", Object.assign({colspan: "4"}, attrs)));
      if (result.status !== 200) rows.replaceChildren(only({text: errorText(result)}));
      else if (!result.data.length) rows.replaceChildren(only({class: "cstrain-empty", text: t("team_no_assignments")}));
      else rows.replaceChildren(...result.data.map((assignment) => assignmentRow(root, assignment)));
    });
    const rejected = rejectedCount(person.id);
    if (rejected) sync.textContent = t("team_rejected", {n: rejected});
    pull(true);
    return null;
  });
}

/* ================================================================ start-up */

onSessionEnded(renderBar);
onChange(refreshTagStatuses);
onFlushed(renderPending);

onEveryPage(() => {
  document.querySelectorAll("#cstrain-signin").forEach((node) => once(node, "signin", setupSignin));
  document.querySelectorAll('section.cstrain-quiz[data-mode="practice"]').forEach((node) => once(node, "team", notePractice));
  document.querySelectorAll("#cstrain-my-learning").forEach((node) => once(node, "team", setupMyLearning));
  whoAmI().then(() => {
    renderBar();
    if (signedIn()) pullOnce();
    flush();
  });
});
