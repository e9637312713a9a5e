/* cstrain mentor dashboard (team mode, /dashboard/).
 *
 * Renders the mentor's and the supervisor's view from the API (cstrain/server/mentor_api.py,
 * report_api.py): a chart of the assigned work, the mentee table (overdue first), one mentee's
 * statuses, assignments and attempts with answers, the assign form, sign-offs, CSV downloads and,
 * for a supervisor, the team filter and the item statistics. A learner is told the page is for
 * mentors. Every write sends the session's X-CSRF-Token (from /api/me).
 * No framework, no network beyond this host; runs under Material's instant navigation
 * (document$). UI text comes only from window.cstrainStrings (cstrain/site/i18n.py); literals
 * are ASCII, so the code means the same whatever charset a host announces.
 */
(function () {
  "use strict";

  var t = window.cstrainStrings || {};
  var script = document.currentScript;
  // the API sits at the site's root: assets/cstrain/dashboard.js -> ../../api/
  var ROOT = script && script.src ? new URL("../../", script.src) : new URL("/", window.location.href);
  var API = new URL("api/", ROOT).pathname;
  var LEARNER_HASH = "#learner/";
  var MANY = 24; // more learners than this across several teams: the chart shows teams
  var REPORTS = ["completions", "assignments", "attempts", "summary"];

  var state = null;

  /* ------------------------------------------------------------------ small helpers */

  function fmt(text, values) {
    return String(text === undefined ? "" : text).replace(/\{(\w+)\}/g, function (whole, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  /* el("div", {class: "x", text: "y", onclick: f, "aria-label": "z"}, [children]) */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else if (key === "value") node.value = value;
      else if (key === "checked" || key === "selected" || key === "disabled") node[key] = true;
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function number(value, decimals) {
    if (value === null || value === undefined) return "\u2014";
    var factor = Math.pow(10, decimals === undefined ? 1 : decimals);
    return String(Math.round(value * factor) / factor);
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function localTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function localDay(iso) { return localTime(iso).slice(0, 10); }

  function daysBetween(from, to) { // two YYYY-MM-DD days
    return Math.round((Date.parse(to + "T00:00:00Z") - Date.parse(from + "T00:00:00Z")) / 86400000);
  }

  function addDays(day, n) {
    var d = new Date(Date.parse(day + "T00:00:00Z") + n * 86400000);
    return d.toISOString().slice(0, 10);
  }

  function dueText(day) {
    if (!day) return "\u2014";
    var left = daysBetween(state.progress.today, day);
    var note = left > 0 ? fmt(t.team_days_left, {n: left}) : left === 0 ? t.team_due_today
      : fmt(t.team_days_over, {n: -left});
    return day + (note ? "\uff08" + note + "\uff09" : "");
  }

  function badge(kind, text) {
    return el("span", {class: "cstrain-badge cstrain-badge--" + kind, text: text});
  }

  function section(title, children, extraClass) {
    return el("section", {class: "cstrain-dash-section" + (extraClass ? " " + extraClass : "")},
      [el("h2", {text: title})].concat(children));
  }

  function liveMessage() {
    return el("p", {class: "cstrain-dash-message", role: "status", "aria-live": "polite"});
  }

  function say(node, text, bad) {
    node.textContent = text || "";
    node.classList.toggle("cstrain-dash-message--bad", !!bad);
  }

  /* ------------------------------------------------------------------ the API */

  function ApiError(status, detail) {
    this.status = status;
    this.message = detail || ("HTTP " + status);
  }

  function call(method, path, body) {
    var headers = {"Accept": "application/json"};
    if (method !== "GET") {
      headers["X-CSRF-Token"] = state && state.me ? state.me.csrf_token : "";
      if (body !== undefined) headers["Content-Type"] = "application/json";
    }
    return fetch(API + path, {
      method: method, credentials: "same-origin", headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 204) return null;
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new ApiError(response.status, data && data.detail);
        return data;
      });
    }, function () {
      throw new ApiError(0, t.team_error_network);
    });
  }

  function query(filters) {
    var parts = [];
    Object.keys(filters).forEach(function (key) {
      if (filters[key]) parts.push(key + "=" + encodeURIComponent(filters[key]));
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function problem(err) {
    if (err && err.status === 403) return t.dash_forbidden;
    if (err && err.status === 404) return t.dash_not_found;
    return err && err.message ? err.message : String(err);
  }

  /* ------------------------------------------------------------------ start */

  function init() {
    var root = document.getElementById("cstrain-dashboard");
    if (!root || root.getAttribute("data-cstrain-ready")) return;
    root.setAttribute("data-cstrain-ready", "1");
    root.addEventListener("click", follow);
    state = {root: root, me: null, catalog: null, progress: null,
             filters: {team: "", cohort: "", mentor: ""}};
    start();
  }

  function start() {
    var root = state.root;
    clear(root).appendChild(el("p", {class: "cstrain-dash-loading", text: t.dash_loading}));
    call("GET", "me").then(function (me) {
      state.me = me;
      if (me.role === "learner") return forLearner();
      return Promise.all([call("GET", "catalog"), loadProgress()]).then(function (got) {
        state.catalog = got[0];
        route();
      });
    }).catch(function (err) {
      if (err.status === 401) return signInFirst();
      clear(root).appendChild(el("div", {class: "admonition failure"}, [
        el("p", {text: fmt(t.dash_error, {message: problem(err)})}),
        el("button", {class: "md-button", type: "button", text: t.dash_retry, onclick: start})]));
    });
  }

  function signInFirst() {
    clear(state.root).appendChild(el("div", {class: "admonition info"}, [
      el("p", {text: t.dash_signin_needed}),
      el("a", {class: "md-button md-button--primary", href: new URL("signin/", ROOT).pathname,
               text: t.team_signin_link || t.signin})]));
  }

  function forLearner() {
    clear(state.root).appendChild(el("div", {class: "admonition info"}, [
      el("p", {text: t.dash_for_mentors}),
      el("a", {class: "md-button md-button--primary", href: new URL("my-learning/", ROOT).pathname,
               text: t.my_learning})]));
  }

  function loadProgress() {
    return call("GET", "team/progress" + query(state.filters)).then(function (progress) {
      state.progress = progress;
      return progress;
    });
  }

  function route() {
    if (!state || !state.catalog) return;
    var hash = window.location.hash;
    state.routed = hash;
    if (hash.indexOf(LEARNER_HASH) === 0) {
      showLearner(decodeURIComponent(hash.slice(LEARNER_HASH.length)));
    } else {
      showOverview();
    }
  }

  function focusHeading(node) {
    var heading = node.querySelector("h2");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({preventScroll: false});
    }
  }

  function learnerHref(id) { return LEARNER_HASH + encodeURIComponent(id); }

  /* ------------------------------------------------------------------ the overview */

  function showOverview(keepFocus) {
    var p = state.progress;
    var people = p.learners;
    var late = people.filter(function (x) { return x.overdue > 0; }).length;
    var view = el("div", {class: "cstrain-dash-overview"}, [
      el("p", {class: "cstrain-dash-hello"}, [
        el("strong", {text: fmt(t.dash_hello, {name: state.me.name})}), " \u00b7 ",
        fmt(t.dash_today, {date: p.today})]),
      filters(),
      people.length ? el("p", {class: "cstrain-dash-summary", text: fmt(t.dash_summary, {n: people.length, late: late})})
        : el("div", {class: "admonition note"}, [el("p", {text: anyFilter() ? t.dash_no_match : t.dash_no_mentees})])
    ]);
    if (people.length) {
      view.appendChild(chart(people));
      view.appendChild(table(people));
      view.appendChild(assignForm(people, null));
    }
    view.appendChild(reports());
    if (state.me.role === "supervisor") view.appendChild(itemsSection());
    clear(state.root).appendChild(view);
    if (!keepFocus) window.scrollTo(0, 0);
  }

  function anyFilter() {
    return !!(state.filters.team || state.filters.cohort || state.filters.mentor);
  }

  function filters() {
    var p = state.progress;
    var choices = [];
    function picker(key, label, options) {
      var id = "cstrain-dash-filter-" + key;
      var select = el("select", {id: id, onchange: function () {
        state.filters[key] = select.value;
        select.disabled = true;
        loadProgress().then(function () {
          showOverview(true);
          var again = document.getElementById(id);
          if (again) again.focus();
        }).catch(function (err) {
          select.disabled = false;
          var note = state.root.querySelector(".cstrain-dash-filters .cstrain-dash-message");
          if (note) say(note, fmt(t.dash_error, {message: problem(err)}), true);
        });
      }}, [el("option", {value: "", text: t.dash_all})].concat(options.map(function (o) {
        return el("option", {value: o.value, text: o.label, selected: o.value === state.filters[key]});
      })));
      choices.push(el("label", {class: "cstrain-dash-filter", for: id}, [el("span", {text: label}), select]));
    }
    var supervisor = state.me.role === "supervisor";
    if (supervisor || p.teams.length > 1) {
      picker("team", t.dash_filter_team, p.teams.map(function (x) { return {value: x, label: x}; }));
    }
    if (p.cohorts.length > 1 || state.filters.cohort) {
      picker("cohort", t.dash_filter_cohort, p.cohorts.map(function (x) { return {value: x, label: x}; }));
    }
    if (supervisor && p.mentors.length) {
      picker("mentor", t.dash_filter_mentor, p.mentors.map(function (m) { return {value: m.id, label: m.name}; }));
    }
    return choices.length ? el("div", {class: "cstrain-dash-filters"}, choices.concat([liveMessage()])) : null;
  }

  /* The chart answers a mentor's first question, "who is behind?": one bar per learner, the
     assigned modules split into done / in progress / not started / overdue, scaled to the same
     length, so green grows from the left, red grows from the right, and both ends line up for
     comparison; rows follow the table (most overdue first). Many learners across teams: one bar
     per team. */
  function chart(people) {
    var byTeam = people.length > MANY && state.progress.teams.length > 1 && !state.filters.team;
    var rows = byTeam ? teamRows(people) : people.map(function (x) {
      return {label: x.name, href: learnerHref(x.id), done: x.assigned_done, started: x.assigned_started,
              overdue: x.assigned_overdue, total: x.assigned};
    });
    var keys = ["done", "started", "todo", "overdue"];
    var legend = el("ul", {class: "cstrain-dash-legend"}, keys.map(function (key) {
      return el("li", {}, [el("span", {class: "cstrain-dash-swatch cstrain-dash-seg--" + key, "aria-hidden": "true"}),
                           t["dash_seg_" + key]]);
    }));
    var list = el("ol", {class: "cstrain-dash-chart"}, rows.map(function (row) {
      var todo = Math.max(0, row.total - row.done - row.started - row.overdue);
      var parts = {done: row.done, started: row.started, todo: todo, overdue: row.overdue};
      var bar = svg("svg", {class: "cstrain-dash-bar", width: "100%", height: "16", "aria-hidden": "true",
                            focusable: "false"});
      bar.appendChild(svg("rect", {class: "cstrain-dash-track", x: "0", y: "0", width: "100%", height: "16", rx: "3"}));
      var x = 0;
      keys.forEach(function (key) {
        if (!row.total || !parts[key]) return;
        var width = 100 * parts[key] / row.total;
        bar.appendChild(svg("rect", {class: "cstrain-dash-seg--" + key, x: x + "%", y: "0",
                                     width: width + "%", height: "16"}));
        x += width;
      });
      var value = row.total ? fmt(t.dash_bar_done, {done: row.done, total: row.total}) : t.dash_nothing_assigned;
      var label = row.href ? el("a", {href: row.href, text: row.label}) : el("span", {text: row.label});
      return el("li", {class: "cstrain-dash-row"}, [
        el("span", {class: "cstrain-dash-label"}, [label, row.sub ? el("small", {text: row.sub}) : null]),
        bar,
        el("span", {class: "cstrain-dash-value"}, [value, row.overdue ? el("strong", {
          class: "cstrain-dash-late", text: fmt(t.dash_bar_overdue, {n: row.overdue})}) : null])
      ]);
    }));
    return section(t.dash_chart_title, [
      el("p", {class: "cstrain-dash-hint", text: byTeam ? t.dash_chart_by_team : t.dash_chart_hint}),
      legend, list], "cstrain-dash-chart-section");
  }

  function teamRows(people) {
    var teams = {};
    people.forEach(function (x) {
      var row = teams[x.team] || (teams[x.team] = {label: x.team || "\u2014", people: 0, done: 0,
                                                   started: 0, overdue: 0, total: 0});
      row.people += 1;
      row.done += x.assigned_done;
      row.started += x.assigned_started;
      row.overdue += x.assigned_overdue;
      row.total += x.assigned;
    });
    return Object.keys(teams).map(function (k) {
      teams[k].sub = fmt(t.dash_team_people, {n: teams[k].people});
      return teams[k];
    }).sort(function (a, b) { return b.overdue / (b.total || 1) - a.overdue / (a.total || 1); });
  }

  function table(people) {
    var courses = state.catalog.courses;
    var head = [t.dash_col_learner, t.dash_col_team, t.dash_col_assigned, t.dash_col_overdue,
                t.dash_col_next_due, t.dash_col_courses];
    var titles = {};
    courses.forEach(function (c) { titles[c.id] = c.title; });
    var rows = people.map(function (x) {
      var cells = [
        el("a", {href: learnerHref(x.id)}, [el("strong", {text: x.name}), el("small", {text: " " + x.id})]),
        [x.team, x.cohort].filter(Boolean).join(" \u00b7 ") || "\u2014",
        x.assigned ? x.assigned_done + "/" + x.assigned : "\u2014",
        x.overdue ? badge("failed", String(x.overdue)) : "0",
        x.next_due ? dueText(x.next_due) : "\u2014",
        el("span", {}, x.courses.map(function (c) {
          var full = c.total && c.done === c.total;
          return el("span", {class: "cstrain-dash-chip" + (full ? " cstrain-dash-chip--full" : "")},
                    [titles[c.course] + " ", el("b", {text: c.done + "/" + c.total})]);
        }))
      ];
      return el("tr", {class: x.overdue ? "cstrain-dash-late-row" : ""}, cells.map(function (cell, i) {
        var td = el(i === 0 ? "th" : "td", {scope: i === 0 ? "row" : null, "data-label": head[i],
                                            class: i === cells.length - 1 ? "cstrain-dash-courses" : null});
        td.appendChild(typeof cell === "string" ? document.createTextNode(cell) : cell);
        return td;
      }));
    });
    var tableNode = el("table", {class: "cstrain-progress-table cstrain-dash-table"}, [
      el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", {scope: "col", text: h}); }))]),
      el("tbody", {}, rows)]);
    return section(t.dash_table_title, [el("div", {class: "cstrain-table-wrap"}, [tableNode])]);
  }

  /* ------------------------------------------------------------------ assigning */

  function targetOptions(kind) {
    var catalog = state.catalog;
    if (kind === "course") {
      return catalog.courses.map(function (c) { return el("option", {value: c.id, text: c.title}); });
    }
    if (kind === "module") {
      return catalog.courses.map(function (c) {
        return el("optgroup", {label: c.title}, c.modules.map(function (m) {
          return el("option", {value: m.id, text: m.title});
        }));
      });
    }
    return catalog.tags.map(function (tag) { return el("option", {value: tag, text: tag}); });
  }

  /* people: the learners to choose from; one: a single learner (the detail view) */
  function assignForm(people, one) {
    var uid = one ? "one" : "all";
    var message = liveMessage();
    var kind = "course";
    var target = el("select", {id: "cstrain-assign-target-" + uid, required: true}, targetOptions(kind));
    var kinds = el("div", {class: "cstrain-dash-kinds", role: "radiogroup", "aria-label": t.dash_assign_kind},
      ["course", "module", "tag"].map(function (k) {
        var input = el("input", {type: "radio", name: "cstrain-assign-kind-" + uid, value: k, checked: k === kind,
                                 onchange: function () {
                                   kind = k;
                                   clear(target);
                                   targetOptions(k).forEach(function (o) { target.appendChild(o); });
                                 }});
        return el("label", {}, [input, " " + t["dash_kind_" + k]]);
      }));
    var today = state.progress.today;
    var dueInput = el("input", {type: "date", id: "cstrain-assign-due-" + uid, required: true,
                                min: today, max: addDays(today, 730), value: addDays(today, 7)});
    var boxes = [];
    var who = null;
    if (!one) {
      boxes = people.map(function (x) {
        return el("input", {type: "checkbox", value: x.id, checked: true});
      });
      var all = el("input", {type: "checkbox", checked: true, onchange: function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
      }});
      who = el("fieldset", {class: "cstrain-dash-who"}, [
        el("legend", {text: t.dash_assign_who}),
        el("label", {class: "cstrain-dash-all"}, [all, " " + t.dash_select_all]),
        el("div", {class: "cstrain-dash-people"}, people.map(function (x, i) {
          return el("label", {}, [boxes[i], " " + x.name, el("small", {text: " " + x.id})]);
        }))]);
    }
    var button = el("button", {type: "submit", class: "md-button md-button--primary", text: t.dash_assign_submit});
    var form = el("form", {class: "cstrain-dash-assign", novalidate: true}, [
      el("div", {class: "cstrain-dash-fields"}, [
        el("fieldset", {}, [el("legend", {text: t.dash_assign_kind}), kinds]),
        el("label", {for: target.id}, [el("span", {text: t.dash_assign_target}), target]),
        el("label", {for: dueInput.id}, [el("span", {text: t.dash_assign_due}), dueInput])]),
      who, el("div", {class: "cstrain-dash-actions"}, [button, message])]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var ids = one ? [one.id] : boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      if (!ids.length) return say(message, t.dash_assign_none, true);
      if (!dueInput.value) return say(message, t.dash_assign_due, true);
      button.disabled = true;
      say(message, t.dash_saving);
      call("POST", "assignments", {target_kind: kind, target: target.value, due_on: dueInput.value,
                                   learner_ids: ids})
        .then(function (result) {
          var text = fmt(t.dash_assign_done, {n: result.learners, created: result.created, moved: result.moved,
                                              unchanged: result.unchanged});
          return loadProgress().then(function () {
            if (one) return showLearner(one.id, text);
            showOverview(true);
            var again = state.root.querySelector(".cstrain-dash-assign .cstrain-dash-message");
            if (again) say(again, text);
          });
        })
        .catch(function (err) { say(message, fmt(t.dash_failed, {message: problem(err)}), true); })
        .then(function () { button.disabled = false; });
    });
    return section(one ? fmt(t.dash_assign_for, {name: one.name}) : t.dash_assign_title, [form]);
  }

  /* ------------------------------------------------------------------ downloads, items */

  function reports() {
    var names = REPORTS.concat(state.me.role === "supervisor" ? ["items"] : []);
    var q = query(state.filters);
    return section(t.dash_reports_title, [
      el("p", {class: "cstrain-dash-hint", text: t.dash_reports_hint}),
      el("ul", {class: "cstrain-dash-reports"}, names.map(function (name) {
        return el("li", {}, [el("a", {class: "md-button", href: API + "reports/" + name + ".csv" + q,
                                      download: "", text: t["dash_report_" + name]})]);
      }))]);
  }

  function itemsSection() {
    var body = el("div", {}, [el("p", {class: "cstrain-dash-loading", text: t.dash_loading})]);
    var q = query({team: state.filters.team, cohort: state.filters.cohort, mentor: state.filters.mentor, limit: "20"});
    call("GET", "items" + q).then(function (items) {
      clear(body);
      if (!items.length) return body.appendChild(el("p", {text: t.dash_no_items}));
      var head = [t.dash_col_question, t.quiz, t.dash_col_attempts, t.dash_col_facility, t.dash_col_discrimination];
      body.appendChild(el("div", {class: "cstrain-table-wrap"}, [el("table", {class: "cstrain-progress-table cstrain-dash-table cstrain-dash-items"}, [
        el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", {scope: "col", text: h}); }))]),
        el("tbody", {}, items.map(function (item) {
          var facility = item.facility_index;
          var meter = svg("svg", {class: "cstrain-dash-meter", width: "100%", height: "8", "aria-hidden": "true", focusable: "false"});
          meter.appendChild(svg("rect", {class: "cstrain-dash-track", x: "0", y: "0", width: "100%", height: "8", rx: "2"}));
          if (facility !== null) {
            var level = facility < 50 ? "overdue" : facility < 80 ? "partly" : "done";
            meter.appendChild(svg("rect", {class: "cstrain-dash-seg--" + level,
                                           x: "0", y: "0", width: facility + "%", height: "8", rx: "2"}));
          }
          var cells = [el("span", {}, [item.question_text || item.question]), item.quiz_title,
                       String(item.attempts), el("span", {class: "cstrain-dash-facility"}, [number(facility) + "%", meter]),
                       number(item.discrimination_index)];
          return el("tr", {}, cells.map(function (cell, i) {
            var td = el("td", {"data-label": head[i]});
            td.appendChild(typeof cell === "string" ? document.createTextNode(cell) : cell);
            return td;
          }));
        }))])]));
    }).catch(function (err) {
      clear(body).appendChild(el("p", {text: fmt(t.dash_error, {message: problem(err)})}));
    });
    return section(t.dash_items_title, [el("p", {class: "cstrain-dash-hint", text: t.dash_items_hint}), body]);
  }

  /* ------------------------------------------------------------------ one learner */

  function showLearner(id, notice) {
    var root = state.root;
    var path = "learners/" + encodeURIComponent(id);
    var loading = !root.querySelector(".cstrain-dash-learner[data-id='" + CSS.escape(id) + "']");
    if (loading) clear(root).appendChild(el("p", {class: "cstrain-dash-loading", text: t.dash_loading}));
    return Promise.all([call("GET", path), call("GET", path + "/attempts")]).then(function (got) {
      var view = learnerView(got[0], got[1]);
      clear(root).appendChild(view);
      if (notice) {
        var message = view.querySelector(".cstrain-dash-assign .cstrain-dash-message");
        if (message) say(message, notice);
      }
      if (loading) {
        window.scrollTo(0, 0);
        focusHeading(view);
      }
    }).catch(function (err) {
      clear(root).appendChild(el("div", {class: "cstrain-dash-learner"}, [backLink(),
        el("div", {class: "admonition failure"}, [el("p", {text: problem(err)})])]));
    });
  }

  function backLink() {
    return el("p", {class: "cstrain-dash-back"}, [el("a", {href: "#", text: "\u2190 " + t.dash_back})]);
  }

  function learnerView(person, attempts) {
    var facts = [[t.learner_id, person.id], [t.dash_filter_team, person.team], [t.dash_filter_cohort, person.cohort],
                 [t.dash_mentor, person.mentor_name || person.mentor_id], [t.dash_hired_on, person.hired_on]];
    var view = el("div", {class: "cstrain-dash-learner", "data-id": person.id}, [
      backLink(),
      el("h2", {class: "cstrain-dash-name"}, [person.name, person.active ? null : badge("failed", t.dash_inactive)]),
      el("dl", {class: "cstrain-dash-facts"}, facts.filter(function (f) { return f[1]; }).reduce(function (all, f) {
        return all.concat([el("dt", {text: f[0]}), el("dd", {text: f[1]})]);
      }, [])),
      assignmentList(person)
    ]);
    if (person.can_act && person.active) view.appendChild(assignForm(null, person));
    view.appendChild(moduleTable(person));
    view.appendChild(attemptList(attempts));
    return view;
  }

  function assignmentList(person) {
    if (!person.assignments.length) {
      return section(t.dash_assignments, [el("p", {text: t.dash_no_assignments})]);
    }
    return section(t.dash_assignments, [el("ul", {class: "cstrain-dash-assignments"}, person.assignments.map(function (a) {
      var title = a.target_kind === "tag" ? fmt(t.team_tag_target, {tag: a.target}) : a.title;
      var stateKind = {open: "in_progress", done_on_time: "passed", done_late: "completed", overdue: "failed"}[a.state];
      var item = el("li", {class: "cstrain-dash-assignment"}, [
        el("span", {class: "cstrain-dash-assignment-title", text: title}),
        badge(stateKind, t["team_assignment_" + a.state]),
        el("span", {class: "cstrain-dash-muted", text: a.modules_done + "/" + a.modules_total + " \u00b7 " +
          t.team_due_on + " " + dueText(a.due_on) + " \u00b7 " + t.dash_assigned_by + " " + (person.names[a.assigned_by] || a.assigned_by)})]);
      if (person.can_act) item.appendChild(withdrawButton(person, a));
      return item;
    }))]);
  }

  function confirmInline(holder, label, question, action) {
    var message = liveMessage();
    var start = el("button", {type: "button", class: "cstrain-dash-link", text: label, onclick: function () {
      var yes = el("button", {type: "button", class: "md-button md-button--primary cstrain-dash-small", text: label});
      var no = el("button", {type: "button", class: "md-button cstrain-dash-small", text: t.dash_cancel});
      var box = el("span", {class: "cstrain-dash-confirm"}, [el("span", {text: question}), yes, no]);
      no.addEventListener("click", function () { holder.replaceChild(start, box); start.focus(); });
      yes.addEventListener("click", function () {
        yes.disabled = no.disabled = true;
        action().catch(function (err) {
          yes.disabled = no.disabled = false;
          say(message, fmt(t.dash_failed, {message: problem(err)}), true);
        });
      });
      holder.replaceChild(box, start);
      yes.focus();
    }});
    holder.appendChild(start);
    holder.appendChild(message);
  }

  function withdrawButton(person, assignment) {
    var holder = el("span", {class: "cstrain-dash-act"});
    confirmInline(holder, t.dash_withdraw, t.dash_withdraw_confirm, function () {
      return call("DELETE", "assignments/" + assignment.id).then(function () {
        return loadProgress().then(function () { return showLearner(person.id); });
      });
    });
    return holder;
  }

  function moduleTable(person) {
    var byCourse = {};
    person.modules.forEach(function (m) {
      var course = m.module.split("/")[0];
      (byCourse[course] = byCourse[course] || []).push(m);
    });
    var blocks = state.catalog.courses.filter(function (c) { return byCourse[c.id]; }).map(function (course) {
      var done = byCourse[course.id].filter(function (m) { return m.done_at || m.signoff; }).length;
      var complete = done === byCourse[course.id].length;
      return el("details", {class: "cstrain-dash-course " + (complete ? "success" : "note"), open: !complete},
        [el("summary", {}, [course.title, el("span", {class: "cstrain-dash-muted", text: " " + done + "/" + byCourse[course.id].length})]),
         el("ul", {class: "cstrain-dash-modules"}, byCourse[course.id].map(function (m) { return moduleRow(person, m); }))]);
    });
    return section(t.dash_modules, blocks.length ? blocks : [el("p", {text: t.dash_no_attempts})]);
  }

  function moduleRow(person, m) {
    var facts = [];
    if (m.attempts) facts.push(t.attempts + " " + m.attempts);
    if (m.best_percent !== null) facts.push(t.best_score + " " + number(m.best_percent) + "%");
    var item = el("li", {class: "cstrain-dash-module"}, [
      el("span", {class: "cstrain-dash-module-title", text: m.title}),
      badge(m.state, t["status_" + m.state]),
      facts.length ? el("span", {class: "cstrain-dash-muted", text: facts.join(" \u00b7 ")}) : null]);
    var holder = el("span", {class: "cstrain-dash-act"});
    if (m.signoff) {
      holder.appendChild(el("span", {class: "cstrain-dash-signed", text: "\u2714 " + fmt(t.dash_signed_off, {
        name: m.signoff.signed_by_name || m.signoff.signed_by, date: localDay(m.signoff.signed_at)}) +
        (m.signoff.note ? "\uff1a" + m.signoff.note : "")}));
      if (person.can_act) {
        confirmInline(holder, t.dash_signoff_undo, "", function () {
          return call("DELETE", "learners/" + encodeURIComponent(person.id) + "/signoffs/" + m.module)
            .then(function () { return showLearner(person.id); });
        });
      }
    } else if (person.can_act && person.active) {
      signoffButton(holder, person, m);
    }
    item.appendChild(holder);
    return item;
  }

  function signoffButton(holder, person, m) {
    var message = liveMessage();
    var start = el("button", {type: "button", class: "md-button cstrain-dash-small", text: t.dash_signoff,
                              "aria-label": t.dash_signoff + " " + m.title});
    start.addEventListener("click", function () {
      var note = el("input", {type: "text", maxlength: "500", placeholder: t.dash_signoff_note,
                              "aria-label": t.dash_signoff_note});
      var yes = el("button", {type: "submit", class: "md-button md-button--primary cstrain-dash-small", text: t.dash_signoff_confirm});
      var no = el("button", {type: "button", class: "md-button cstrain-dash-small", text: t.dash_cancel});
      var form = el("form", {class: "cstrain-dash-confirm"}, [note, yes, no]);
      no.addEventListener("click", function () { holder.replaceChild(start, form); start.focus(); });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        yes.disabled = true;
        call("POST", "signoffs", {learner_id: person.id, module: m.module, note: note.value})
          .then(function () { return loadProgress().then(function () { return showLearner(person.id); }); })
          .catch(function (err) { yes.disabled = false; say(message, fmt(t.dash_failed, {message: problem(err)}), true); });
      });
      holder.replaceChild(form, start);
      note.focus();
    });
    holder.appendChild(start);
    holder.appendChild(message);
  }

  function responseText(answer) {
    if (answer.response === null || answer.response === undefined) return t.dash_unanswered;
    if (answer.response_text) return inWords(answer.type, answer.response_text);
    var r = answer.response;
    if (answer.type === "true_false" && typeof r === "boolean") return r ? t["true"] : t["false"];
    if (answer.type === "calculated" && r && typeof r === "object") return String(r.answer);
    return typeof r === "string" ? r : JSON.stringify(r);
  }

  /** The right answer, for a question not fully right: what the mentor coaches towards. */
  function keyText(answer) {
    if (answer.key_text) return inWords(answer.type, answer.key_text);
    var key = answer.key;
    if (key === null || key === undefined) return null;
    if (answer.type === "true_false") return key ? t["true"] : t["false"];
    if (answer.type === "fill") return key.join(" / ");
    return typeof key === "number" ? number(key, 4) : String(key);
  }

  function inWords(type, parts) {
    return parts.join(type === "ordering" ? " \u2192 " : "\uff1b");
  }

  function attemptList(attempts) {
    if (!attempts.length) return section(t.attempts, [el("p", {text: t.dash_no_attempts})]);
    return section(t.attempts, attempts.map(function (a, index) {
      var summary = el("summary", {}, [
        el("span", {class: "cstrain-dash-attempt-title", text: a.module_title}),
        badge(a.passed ? "passed" : "failed", a.passed ? t.status_passed : t.status_failed),
        el("span", {class: "cstrain-dash-muted", text: fmt(t.dash_attempt_score, {
          score: number(a.score, 2), max: number(a.max_score, 2), percent: number(a.percent)}) + " \u00b7 " + localTime(a.submitted_at)})]);
      var list = el("ol", {class: "cstrain-dash-answers"}, a.answers.map(function (answer) {
        var right = answer.mark >= answer.max_mark, none = answer.mark <= 0;
        var kind = right ? "passed" : none ? "failed" : "in_progress";
        return el("li", {class: "cstrain-dash-answer cstrain-dash-answer--" + kind}, [
          el("p", {class: "cstrain-dash-prompt", text: answer.prompt || (answer.question + " " + t.dash_question_removed)}),
          el("p", {}, [el("span", {class: "cstrain-dash-muted", text: t.dash_response + "\uff1a"}), responseText(answer)]),
          right || keyText(answer) === null ? null :
            el("p", {class: "cstrain-dash-key"}, [el("span", {class: "cstrain-dash-muted", text: t.dash_key + "\uff1a"}), keyText(answer)]),
          el("p", {}, [badge(kind, (right ? t.correct : none ? t.wrong : t.partly_correct) + " \u00b7 " +
            fmt(t.dash_mark, {mark: number(answer.mark, 2), max: number(answer.max_mark, 2)}))])]);
      }));
      return el("details", {class: "cstrain-dash-attempt " + (a.passed ? "success" : "failure"), open: index === 0}, [summary,
        a.current_version ? null : el("p", {class: "cstrain-dash-hint", text: t.dash_quiz_changed}), list]);
    }), "cstrain-dash-attempts");
  }

  /* ------------------------------------------------------------------ wiring */

  /* The views live in the address's #: back and forward work, and a mentee's page can be
     bookmarked. Material's instant navigation takes over same-page # links with pushState
     (no hashchange), so the dashboard's own links are followed here, before it sees them. */
  function follow(event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    event.stopPropagation();
    var href = link.getAttribute("href");
    window.history.pushState(null, "", href === "#" ? window.location.pathname + window.location.search : href);
    route();
  }

  function onAddressChange() {
    if (state && state.root && document.body.contains(state.root) && state.routed !== window.location.hash) route();
  }

  window.addEventListener("hashchange", onAddressChange);
  window.addEventListener("popstate", onAddressChange);

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
