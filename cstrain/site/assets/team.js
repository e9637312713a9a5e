/* cstrain team mode (cstrain serve): sign-in, the signed-in bar, syncing, exams and 我的学习.
 *
 * Runs only where the build set window.cstrainTeam. It leans on quiz.js (window.cstrain): the
 * same question renderers and page helpers, the cstrain:attempt / cstrain:visit / cstrain:done
 * events, and adoptProgress for the server's view of the learner's modules.
 *
 * Sync never loses a record: each practice attempt and visit goes into a queue in localStorage,
 * tagged with the learner signed in when it happened, and leaves the queue only when the server
 * has taken it (or refused it for good, kept aside then). Retries send the attempt's own id as
 * the Idempotency-Key, so a retry never counts twice. Another learner's entries on a shared
 * device wait for that learner to sign in again.
 *
 * Exams: the server draws, times and grades them; the page gets the questions without a key
 * and shows feedback only from the server's result. Answers in progress are kept in
 * localStorage, so a reload or a lost connection resumes the same sitting with them.
 * No framework, no network beyond this site's /api; works under Material's instant navigation.
 */
(function () {
  "use strict";

  if (!window.cstrainTeam || !window.cstrain || !window.cstrain.ui) return;

  const C = window.cstrain;
  const ui = C.ui;
  const el = ui.el;
  const t = ui.t;

  const QUEUE_KEY = "cstrain:team:queue";
  const REJECTED_KEY = "cstrain:team:rejected";
  const LEARNER_KEY = "cstrain:team:learner";  // who last signed in on this device: {id, name}
  const DRAFT_PREFIX = "cstrain:team:exam:";
  const BASE = siteRoot();

  /* ================================================================ the API */

  function siteRoot() {
    const script = document.querySelector('script[src*="assets/cstrain/team.js"]');
    if (!script) return "/";
    return new URL(script.src, location.href).pathname.replace(/assets\/cstrain\/team\.js$/, "");
  }

  let me = null;          // GET /api/me: {id, name, role, team, csrf_token}, or null
  let meStatus = null;    // its HTTP status; 0 when the server could not be reached
  let mePromise = null;

  /** fetch /api/<path>; resolves {status, data, headers}, status 0 when the network failed. */
  function request(method, path, body, headers) {
    const options = {method: method, credentials: "same-origin", cache: "no-store",
                     headers: Object.assign({Accept: "application/json"}, headers || {})};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (method !== "GET" && me) options.headers["X-CSRF-Token"] = me.csrf_token;
    return fetch(BASE + "api/" + path, options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return {status: response.status, data: data, headers: response.headers};
      });
    }, function () {
      return {status: 0, data: null, headers: null};
    });
  }

  function whoAmI(again) {
    if (!mePromise || again) {
      mePromise = request("GET", "me").then(function (result) {
        meStatus = result.status;
        me = result.status === 200 ? result.data : null;
        if (me) remember(me);
        return me;
      });
    }
    return mePromise;
  }

  function readJson(key, fallback, storage) {
    try {
      const raw = (storage || window.localStorage).getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function writeJson(key, value, storage) {
    try {
      (storage || window.localStorage).setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {  // full or disabled: the page keeps working, the record is not kept
      return false;
    }
  }

  function forget(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) { /* nothing stored */ }
  }

  function remember(person) {
    writeJson(LEARNER_KEY, {id: person.id, name: person.name});
  }

  /** Whose records these are: the session's learner, or, while the server cannot be reached,
   *  the learner who last signed in here (the server checks again when it takes them). */
  function currentLearner() {
    if (me) return me.id;
    if (meStatus === 0) {
      const last = readJson(LEARNER_KEY, null);
      return last && typeof last.id === "string" ? last.id : null;
    }
    return null;
  }

  function errorText(result) {
    if (result.status === 0) return t("team_error_network");
    if (result.status === 401) return t("team_session_expired");
    return t("team_error_server", {status: result.status});
  }

  /* ================================================================ the sync queue */

  let memoryQueue = null;  // when localStorage fails, the queue lives until the page is left

  function queue() {
    const stored = readJson(QUEUE_KEY, null);
    return Array.isArray(stored) ? stored : (memoryQueue || []);
  }

  function saveQueue(entries) {
    memoryQueue = entries;
    writeJson(QUEUE_KEY, entries);
  }

  function sameEntry(a, b) {
    return a.learner === b.learner && a.kind === b.kind && a.key === b.key;
  }

  function earliest(a, b) {
    return !a ? b || null : !b ? a : (a < b ? a : b);
  }

  function enqueue(entry) {
    const entries = queue();
    const found = entries.find(function (other) { return sameEntry(other, entry); });
    if (found && entry.kind === "visit") {
      found.body.visited_at = earliest(found.body.visited_at, entry.body.visited_at);
      found.body.completed_at = earliest(found.body.completed_at, entry.body.completed_at);
    } else if (!found) {
      entries.push(entry);
    }
    saveQueue(entries);
    flush();
  }

  function record(kind, key, body) {
    whoAmI().then(function () {
      const learner = currentLearner();
      if (learner) enqueue({learner: learner, kind: kind, key: key, body: body});
    });
  }

  document.addEventListener("cstrain:attempt", function (event) {
    record("attempt", event.detail.id, event.detail);
  });
  document.addEventListener("cstrain:visit", function (event) {
    record("visit", event.detail.module, {module: event.detail.module, visited_at: event.detail.visited_at});
  });
  document.addEventListener("cstrain:done", function (event) {
    const detail = event.detail;
    record("visit", detail.module, {module: detail.module, visited_at: detail.visited_at || null,
                                    completed_at: detail.completed_at});
  });

  let flushing = false;
  let retryTimer = null;
  let retryDelay = 2000;

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  /** Send the signed-in learner's queued records, oldest first, one at a time. */
  let flushAgain = false;

  function flush() {
    if (flushing) flushAgain = true;  // an entry queued while a flush was ending is not left behind
    if (flushing || !me) return Promise.resolve();
    flushing = true;
    flushAgain = false;
    const learner = me.id;

    function done(entry) {
      // a visit marked read while its first send was on the way is still to be sent
      const sent = JSON.stringify(entry.body);
      saveQueue(queue().filter(function (other) {
        return !(sameEntry(other, entry) && JSON.stringify(other.body) === sent);
      }));
    }

    function step() {
      const entry = queue().find(function (item) { return item.learner === learner; });
      if (!entry || !me || me.id !== learner) {
        retryDelay = 2000;
        return Promise.resolve();
      }
      const attempt = entry.kind === "attempt";
      return request("POST", attempt ? "attempts" : "visits", entry.body,
                     attempt ? {"Idempotency-Key": entry.key} : {}).then(function (result) {
        if (result.status >= 200 && result.status < 300) {
          done(entry);
          return step();
        }
        if (result.status === 401) {  // the session ended: keep everything for the next sign-in
          me = null;
          renderBar();
          return null;
        }
        if (result.status >= 400 && result.status < 500 && [403, 408, 429].indexOf(result.status) < 0) {
          // refused for good (e.g. the quiz was edited since): set aside, never retried, never lost
          const rejected = readJson(REJECTED_KEY, []);
          rejected.push({entry: entry, status: result.status,
                         detail: result.data && result.data.detail, at: new Date().toISOString()});
          writeJson(REJECTED_KEY, rejected.slice(-200));
          done(entry);
          return step();
        }
        if (result.status === 403) mePromise = null;  // a stale CSRF token: ask again next time
        scheduleRetry();
        return null;
      });
    }

    return step().then(function () {
      flushing = false;
      renderPending();
      if (flushAgain) {
        clearTimeout(retryTimer);
        retryTimer = null;
        return flush();
      }
      return null;
    }, function () {
      flushing = false;
    });
  }

  function pendingCount() {
    const learner = currentLearner();
    return queue().filter(function (entry) { return entry.learner === learner; }).length;
  }

  window.addEventListener("online", function () {
    clearTimeout(retryTimer);
    retryTimer = null;
    retryDelay = 2000;
    flush();
  });

  /* ================================================================ the bar in the header */

  function signinUrl() {
    return BASE + "signin/?next=" + encodeURIComponent(location.pathname + location.search);
  }

  function renderBar() {
    const header = document.querySelector(".md-header__inner");
    if (!header) return;
    let bar = header.querySelector(".cstrain-teambar");
    if (!bar) {
      bar = el("div", {class: "cstrain-teambar"});
      header.insertBefore(bar, header.querySelector(".md-search") || header.querySelector(".md-header__source"));
    }
    const onSignin = Boolean(document.getElementById("cstrain-signin"));
    if (me) {
      bar.replaceChildren(
        el("a", {class: "cstrain-teambar__name", href: BASE + "my-learning/", title: me.name, text: me.name}),
        el("span", {class: "cstrain-teambar__pending", role: "status"}),
        el("button", {type: "button", class: "cstrain-teambar__signout", text: t("team_signout"),
                      on: {click: signOut}}));
      renderPending();
    } else if (!onSignin && mePromise) {
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
    document.querySelectorAll("a.md-nav__link[href], a.md-tabs__link[href], a.md-footer__link[href]").forEach(function (link) {
      if (new URL(link.getAttribute("href"), location.href).pathname !== target) return;
      const item = link.closest(".md-nav__item, .md-tabs__item") || link;
      item.hidden = !offer;
    });
  }

  function renderPending() {
    const count = pendingCount();
    document.querySelectorAll(".cstrain-teambar__pending").forEach(function (node) {
      node.textContent = count ? t("team_pending", {n: count}) : "";
      node.hidden = !count;
    });
  }

  function signOut() {
    flush().then(function () {
      return request("POST", "signout");
    }).then(function (result) {
      if (result.status !== 204 && result.status !== 401) {
        window.alert(errorText(result));
        return;
      }
      // a shared shop PC: the next person must not see this learner's progress
      forget(LEARNER_KEY);
      forget(C.storageKey);
      me = null;
      location.href = BASE + "signin/?out=1";
    });
  }

  /* ================================================================ the sign-in page */

  function safeNext() {
    const next = new URLSearchParams(location.search).get("next");
    return next && next.charAt(0) === "/" && next.charAt(1) !== "/" && next.indexOf("\\") < 0 ? next : null;
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

  // a link opened while the sign-in page is already showing changes only the #
  window.addEventListener("hashchange", function () {
    const root = document.getElementById("cstrain-signin");
    if (root && root.cstrainSignIn) {
      const code = codeFromLink();
      if (code) root.cstrainSignIn(code);
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
      request("POST", "signin", {code: code}).then(function (result) {
        if (result.status === 200) {
          me = result.data;
          meStatus = 200;
          mePromise = Promise.resolve(me);
          remember(me);
          location.replace(safeNext() || BASE + "my-learning/");
        } else if (result.status === 401 || result.status === 422) {
          fail(t("team_error_code"));
        } else if (result.status === 429) {
          fail(t("team_error_rate", {n: Number(result.headers.get("Retry-After")) || 60}));
        } else {
          fail(errorText(result));
        }
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit();
    });
    root.cstrainSignIn = function (code) {
      input.value = code;
      submit();
    };
    if (fromLink) {
      root.cstrainSignIn(fromLink);
      return;
    }
    if (new URLSearchParams(location.search).get("out")) message.textContent = t("team_signed_out");
    whoAmI().then(function (person) {
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
    whoAmI().then(function (person) {
      if (person || meStatus === 0 || section.querySelector(".cstrain-team-note")) return;
      const title = section.querySelector(".cstrain-quiz-title");
      const note = el("p", {class: "cstrain-team-note"}, t("team_practice_local"), " ",
        el("a", {href: signinUrl(), text: t("team_signin_link")}));
      if (title) title.after(note);
      else section.prepend(note);
    });
  }

  /* ================================================================ exams */

  function duration(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return rest ? t("team_min_sec", {m: minutes, s: rest}) : t("team_minutes", {n: minutes});
  }

  function clockText(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    const pad = function (n) { return String(n).padStart(2, "0"); };
    const hours = Math.floor(s / 3600);
    return (hours ? hours + ":" + pad(Math.floor(s / 60) % 60) : pad(Math.floor(s / 60))) + ":" + pad(s % 60);
  }

  function range(n) {
    return Array.from({length: n}, function (_, i) { return i; });
  }

  function draftKey(sittingId) {
    return DRAFT_PREFIX + sittingId;
  }

  /** Put a response back into a rendered question's controls. */
  function fillControls(state, node, response) {
    if (response === null || response === undefined) return;
    const type = state.question.type;
    if (type === "single" || type === "true_false") {
      const input = node.querySelector('input[value="' + String(response) + '"]');
      if (input) input.checked = true;
    } else if (type === "multiple" && Array.isArray(response)) {
      response.forEach(function (value) {
        const input = node.querySelector('input[value="' + String(value) + '"]');
        if (input) input.checked = true;
      });
    } else if (type === "fill" || type === "numeric" || type === "calculated") {
      const input = node.querySelector(".cstrain-input");
      const value = type === "calculated" && response && typeof response === "object" ? response.answer : response;
      if (input && value !== undefined && value !== null) input.value = String(value);
    } else if (type === "ordering" && Array.isArray(response)) {
      const list = node.querySelector(".cstrain-order");
      response.forEach(function (item) {
        const row = list.querySelector('.cstrain-order-item[data-item="' + item + '"]');
        if (row) list.append(row);
      });
      const rows = Array.from(list.querySelectorAll(".cstrain-order-item"));
      rows.forEach(function (row, position) {
        row.querySelector('[data-move="-1"]').disabled = position === 0;
        row.querySelector('[data-move="1"]').disabled = position === rows.length - 1;
      });
    } else if (type === "matching" && Array.isArray(response)) {
      node.querySelectorAll(".cstrain-select").forEach(function (select) {
        const choice = response[Number(select.getAttribute("data-left"))];
        if (choice !== null && choice !== undefined) select.value = String(choice);
      });
    }
  }

  function setupExam(section) {
    const ref = section.getAttribute("data-quiz");
    const moduleId = section.getAttribute("data-module");
    const box = el("div", {class: "cstrain-exam", "aria-live": "polite"});
    const notice = section.querySelector(".admonition");
    if (notice) notice.replaceWith(box);
    else section.append(box);
    let timer = null;

    function alive() {
      return document.body.contains(section);
    }

    function stopTimer() {
      if (timer) clearInterval(timer);
      timer = null;
    }

    function message(text, kind) {
      return el("p", {class: "cstrain-exam-message" + (kind ? " cstrain-exam-message--" + kind : ""), role: "status", text: text});
    }

    function showIntro(note) {
      stopTimer();
      request("GET", "exams/" + ref + "?module=" + encodeURIComponent(moduleId)).then(function (result) {
        if (result.status === 401) {
          me = null;
          renderBar();
          return showSignin();
        }
        if (result.status !== 200) return box.replaceChildren(message(errorText(result), "error"));
        renderIntro(result.data, note);
      });
    }

    function showSignin() {
      box.replaceChildren(el("div", {class: "admonition info"},
        el("p", {text: t("team_exam_signin")}),
        el("p", {}, el("a", {class: "md-button md-button--primary", href: signinUrl(), text: t("team_signin_link")}))));
    }

    function renderIntro(info, note) {
      const facts = [t("team_exam_facts", {n: info.questions, pass_mark: ui.formatNumber(info.pass_mark)})];
      if (info.time_limit_seconds) facts.push(t("team_exam_time", {time: duration(info.time_limit_seconds)}));
      facts.push(info.attempts_allowed
        ? t("team_exam_attempts", {allowed: info.attempts_allowed, used: info.attempts_used})
        : t("team_exam_attempts_unlimited", {used: info.attempts_used}));
      const left = info.attempts_allowed ? info.attempts_allowed - info.attempts_used : null;
      const parts = [];
      if (note) parts.push(note);
      parts.push(el("p", {class: "cstrain-exam-facts", text: facts.join(" \u00b7 ")}));
      if (info.open_sitting || left === null || left > 0) {
        parts.push(el("p", {class: "cstrain-hint", text: t("team_exam_rules")}));
        const label = info.open_sitting ? "team_exam_resume" : info.attempts_used ? "team_exam_again" : "team_exam_start";
        const button = el("button", {type: "button", class: "md-button md-button--primary cstrain-exam-start",
                                     text: t(label), on: {click: function () {
                                       button.disabled = true;
                                       start(button);
                                     }}});
        parts.push(el("p", {class: "cstrain-actions"}, button));
      } else {
        parts.push(message(t("team_exam_no_attempts"), "info"));
      }
      if (info.sittings.length) parts.push(pastSittings(info.sittings));
      box.replaceChildren.apply(box, parts);
    }

    function pastSittings(sittings) {
      const rows = sittings.map(function (sitting, i) {
        const closed = sitting.state !== "open";
        const verdict = sitting.state === "open" ? el("span", {class: "cstrain-badge cstrain-badge--in_progress", text: t("team_exam_state_open")})
          : sitting.state === "expired" ? el("span", {class: "cstrain-badge cstrain-badge--failed", text: t("team_exam_state_expired")})
          : ui.badge(sitting.passed ? "passed" : "failed");
        return el("tr", {},
          el("td", {text: t("team_exam_sitting_n", {n: i + 1})}),
          el("td", {text: ui.formatTime(sitting.submitted_at || sitting.started_at)}),
          el("td", {text: typeof sitting.percent === "number" ? ui.formatNumber(sitting.percent) + "%" : "\u2014"}),
          el("td", {}, verdict),
          el("td", {}, closed ? el("button", {type: "button", class: "cstrain-link-button", text: t("team_exam_view"),
                                             "aria-label": t("team_exam_view") + " " + t("team_exam_sitting_n", {n: i + 1}),
                                             on: {click: function () { review(sitting.id); }}}) : ""));
      });
      return el("div", {class: "cstrain-exam-history"},
        el("h3", {text: t("team_exam_history")}),
        el("div", {class: "cstrain-table-wrap"},
          el("table", {class: "cstrain-progress-table"},
            el("thead", {}, el("tr", {},
              el("th", {scope: "col", text: "#"}), el("th", {scope: "col", text: t("last_attempt")}),
              el("th", {scope: "col", text: t("best_score")}), el("th", {scope: "col", text: t("status")}),
              el("th", {scope: "col"}, el("span", {class: "cstrain-sr-only", text: t("team_exam_view")})))),
            el("tbody", {}, ...rows))));
    }

    function start(button) {
      request("POST", "exams/" + ref + "/sittings", {module: moduleId}).then(function (result) {
        if (result.status === 200 || result.status === 201) return run(result.data);
        if (result.status === 409) return showIntro(message(t("team_exam_no_attempts"), "info"));
        if (result.status === 403) mePromise = null;
        button.disabled = false;
        button.parentNode.append(message(errorText(result), "error"));
      });
    }

    function review(sittingId) {
      request("GET", "sittings/" + sittingId).then(function (result) {
        if (result.status !== 200) return showIntro(message(errorText(result), "error"));
        if (result.data.state === "open") return run(result.data);
        showResult(result.data);
      });
    }

    /* ---------------------------------------------------------------- a sitting */

    function run(sitting) {
      const attemptKey = ui.nextId("exam");
      const states = sitting.questions.map(function (question) {
        const order = question.type === "ordering" ? range(question.items.length)
          : question.type === "matching" ? range(question.right.length)
          : question.options ? range(question.options.length) : null;
        return {question: question, prompt: question.prompt, order: order, values: {}};
      });
      const list = el("ol", {class: "cstrain-questions"});
      const draft = readJson(draftKey(sitting.id), {});
      states.forEach(function (state, position) {
        const node = ui.renderQuestion(state, position, attemptKey);
        list.append(node);
        fillControls(state, node, draft[state.question.id]);
      });
      const status = el("p", {class: "cstrain-exam-status", role: "status"});
      const submit = el("button", {type: "submit", class: "md-button md-button--primary cstrain-submit", text: t("team_exam_submit")});
      const form = el("form", {class: "cstrain-form cstrain-exam-form", novalidate: true, "data-sitting": sitting.id},
        el("p", {class: "cstrain-quiz-intro"},
          el("span", {text: t("of_n", {n: states.length})}), " \u00b7 ",
          el("span", {text: t("pass_mark", {n: ui.formatNumber(sitting.pass_mark)})})),
        list, el("p", {class: "cstrain-actions"}, submit), status);
      const parts = [];
      let clock = null;
      if (typeof sitting.seconds_left === "number") {
        clock = el("span", {class: "cstrain-exam-clock"});
        parts.push(el("div", {class: "cstrain-exam-timer", role: "timer", "aria-label": t("team_exam_time_left")},
          el("span", {class: "cstrain-exam-timer__label", text: t("team_exam_time_left")}), clock));
      }
      parts.push(form);
      box.replaceChildren.apply(box, parts);

      function responses() {
        const nodes = Array.from(list.querySelectorAll(".cstrain-question"));
        const answers = {};
        states.forEach(function (state, i) {
          answers[state.question.id] = ui.readResponse(state, nodes[i]);
        });
        return answers;
      }

      let saving = null;
      function saveDraft() {
        if (saving) clearTimeout(saving);
        saving = setTimeout(function () { writeJson(draftKey(sitting.id), responses()); }, 250);
      }
      ["input", "change", "click"].forEach(function (type) { form.addEventListener(type, saveDraft); });

      let sent = false;
      let delay = 1000;
      function send(auto) {
        if (sent && !auto) return;
        sent = true;
        submit.disabled = true;
        const answers = responses();
        writeJson(draftKey(sitting.id), answers);
        status.textContent = t(auto ? "team_exam_time_up" : "team_exam_submitting");
        request("POST", "sittings/" + sitting.id + "/submit", {responses: answers}).then(function (result) {
          if (result.status === 200) {
            stopTimer();
            forget(draftKey(sitting.id));
            return showResult(result.data);
          }
          if (result.status === 409 || result.status === 404) {
            stopTimer();
            forget(draftKey(sitting.id));
            return request("GET", "sittings/" + sitting.id).then(function (closed) {
              if (closed.status === 200 && closed.data.state !== "open") return showResult(closed.data);
              showIntro(message(t("team_exam_changed"), "info"));
            });
          }
          if (result.status === 401) {
            status.textContent = t("team_session_expired");
            return null;
          }
          if (result.status === 422) {
            sent = false;
            submit.disabled = false;
            status.textContent = errorText(result);
            return null;
          }
          if (result.status === 403) mePromise = null;
          // offline or the server busy: the answers are kept; try again until it answers
          status.textContent = t("team_exam_retrying");
          if (!alive()) return null;
          setTimeout(function () {
            if (result.status === 403) whoAmI(true).then(function () { send(true); });
            else send(true);
          }, delay);
          delay = Math.min(delay * 2, 8000);
          return null;
        });
      }

      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (sent) return;
        const answers = responses();
        const nodes = Array.from(list.querySelectorAll(".cstrain-question"));
        const missing = states.filter(function (state) {
          return !ui.isComplete(state.question, answers[state.question.id]);
        }).length;
        if (missing && !window.confirm(t("unanswered", {n: missing}))) {
          const first = nodes.find(function (node, i) { return !ui.isComplete(states[i].question, answers[states[i].question.id]); });
          const control = first && first.querySelector("input, select, button");
          if (control) control.focus();
          return;
        }
        send(false);
      });

      if (clock) {
        // the server's count of seconds, on the monotonic clock: a wrong device clock changes nothing
        const ends = performance.now() + sitting.seconds_left * 1000;
        let warned = sitting.seconds_left;
        const tick = function () {
          if (!alive()) return stopTimer();
          const left = (ends - performance.now()) / 1000;
          clock.textContent = clockText(left);
          [300, 60].forEach(function (mark) {  // said once to a screen reader, not every second
            if (left <= mark && warned > mark && left > 0 && !sent) {
              status.textContent = t("team_exam_minutes_left", {n: mark / 60});
            }
          });
          warned = left;
          clock.parentNode.classList.toggle("cstrain-exam-timer--warn", left <= 60);
          if (left <= 0) {
            stopTimer();
            if (!sent) send(true);
          }
        };
        stopTimer();
        tick();
        timer = setInterval(tick, 500);
      }
      section.scrollIntoView({block: "start"});
      const first = form.querySelector("input, select, button");
      if (first) first.focus({preventScroll: true});
    }

    /* ---------------------------------------------------------------- the result */

    function showResult(result) {
      stopTimer();
      const attemptKey = ui.nextId("review");
      const list = el("ol", {class: "cstrain-questions"});
      result.review.forEach(function (item, position) {
        const question = item.question;
        const response = item.response;
        let order = item.order;
        if (question.type === "ordering" && Array.isArray(response) && response.length === question.items.length) {
          order = response;  // as the learner left them
        }
        const state = {question: question, prompt: item.prompt, order: order || [], values: item.values || {}};
        const node = ui.renderQuestion(state, position, attemptKey);
        list.append(node);
        fillControls(state, node, response);
        node.querySelector("fieldset").disabled = true;
        ui.renderFeedback(state, node, response, item.mark);
      });
      const left = result.attempts_allowed ? result.attempts_allowed - result.attempts_used : null;
      const actions = el("p", {class: "cstrain-actions"});
      if (left === null || left > 0) {
        actions.append(el("button", {type: "button", class: "md-button md-button--primary cstrain-exam-again",
                                     text: t("team_exam_again"), on: {click: function (event) {
                                       event.target.disabled = true;
                                       start(event.target);
                                     }}}), " ");
      }
      actions.append(el("button", {type: "button", class: "md-button cstrain-exam-back", text: t("team_exam_back"),
                                   on: {click: function () { showIntro(); }}}));
      const summary = el("div", {class: "cstrain-result cstrain-result--" + (result.passed ? "passed" : "failed"), tabindex: "-1"},
        el("p", {class: "cstrain-result-verdict"},
          el("span", {class: "cstrain-verdict-icon", "aria-hidden": "true", text: result.passed ? "\u2714" : "\u2718"}),
          el("strong", {text: result.passed ? t("passed") : t("failed", {pass_mark: ui.formatNumber(result.pass_mark)})})),
        el("p", {class: "cstrain-score", text: t("score", {score: ui.formatNumber(result.score),
                                                           max: ui.formatNumber(result.max_score),
                                                           percent: ui.formatNumber(result.percent)})}),
        result.state === "expired" ? el("p", {class: "cstrain-exam-late", text: t("team_exam_late")}) : null,
        left !== null ? el("p", {class: "cstrain-hint", text: left > 0 ? t("team_exam_left", {n: left}) : t("team_exam_no_attempts")}) : null,
        actions);
      box.replaceChildren(summary, el("div", {class: "cstrain-form cstrain-exam-review"}, list));
      section.scrollIntoView({block: "start"});
      summary.focus({preventScroll: true});
      refreshProgress();
    }

    whoAmI().then(function (person) {
      if (person) showIntro();
      else if (meStatus === 0) box.replaceChildren(message(t("team_error_network"), "error"));
      else showSignin();
    });
  }

  /* ================================================================ 我的学习 */

  const ASSIGNMENT_BADGE = {open: "in_progress", done_on_time: "passed", done_late: "late", overdue: "failed"};

  /** Days left as the server counts them, in the team's time zone: a device set to another
   *  zone (or a wrong date) must not show 今天截止 beside a state of 已逾期. */
  function dueNote(assignment) {
    if (assignment.state === "done_on_time" || assignment.state === "done_late") return "";
    const days = assignment.days_left;
    if (days > 0) return t("team_days_left", {n: days});
    return days === 0 ? t("team_due_today") : t("team_days_over", {n: -days});
  }

  function targetLink(root, assignment) {
    const courses = (root.cstrainCatalog || {courses: []}).courses;
    let url = null;
    courses.forEach(function (course) {
      if (assignment.target_kind === "course" && course.id === assignment.target) url = course.url;
      course.modules.forEach(function (module) {
        if (assignment.target_kind === "module" && module.id === assignment.target) url = module.url;
      });
    });
    const title = assignment.target_kind === "tag" ? t("team_tag_target", {tag: assignment.target}) : assignment.title;
    return url ? el("a", {href: url, text: title}) : el("span", {text: title});
  }

  function setupMyLearning(root) {
    const box = el("section", {class: "cstrain-team-learning"});
    root.prepend(box);
    whoAmI().then(function (person) {
      if (!person) {
        if (meStatus === 0) return box.replaceChildren(el("p", {class: "cstrain-exam-message--error", text: t("team_error_network")}));
        box.replaceChildren(el("div", {class: "admonition info"},
          el("p", {text: t("team_my_learning_signin")}),
          el("p", {}, el("a", {class: "md-button md-button--primary", href: signinUrl(), text: t("team_signin_link")}))));
        return;
      }
      // the session says who this is and the server keeps the records: no 工号 form, no file
      root.querySelectorAll(".cstrain-learner, .cstrain-tools").forEach(function (node) { node.hidden = true; });
      const table = el("tbody");
      box.replaceChildren(
        el("p", {class: "cstrain-team-who", text: t("team_hello", {name: person.name, id: person.id}) +
                                                  (person.team ? " \u00b7 " + person.team : "")}),
        el("h2", {id: "cstrain-assignments", text: t("team_my_assignments")}),
        el("div", {class: "cstrain-table-wrap"},
          el("table", {class: "cstrain-progress-table cstrain-assignments"},
            el("thead", {}, el("tr", {},
              el("th", {scope: "col", text: t("team_assignment")}), el("th", {scope: "col", text: t("team_due_on")}),
              el("th", {scope: "col", text: t("team_progress")}), el("th", {scope: "col", text: t("status")}))),
            table)),
        el("p", {class: "cstrain-team-sync", role: "status"}));
      request("GET", "me/assignments").then(function (result) {
        if (result.status !== 200) {
          table.replaceChildren(el("tr", {}, el("td", {colspan: "4", text: errorText(result)})));
          return;
        }
        if (!result.data.length) {
          table.replaceChildren(el("tr", {}, el("td", {colspan: "4", class: "cstrain-empty", text: t("team_no_assignments")})));
          return;
        }
        table.replaceChildren.apply(table, result.data.map(function (assignment) {
          const note = dueNote(assignment);
          return el("tr", {"data-assignment": String(assignment.id), "data-state": assignment.state},
            el("td", {}, targetLink(root, assignment)),
            el("td", {class: "cstrain-due"}, el("span", {text: assignment.due_on}),
              note ? el("small", {class: "cstrain-due-note", text: note}) : null),
            el("td", {class: "cstrain-assignment-progress",
                      text: t("team_modules_done", {done: assignment.modules_done, total: assignment.modules_total})}),
            el("td", {}, el("span", {class: "cstrain-badge cstrain-badge--" + ASSIGNMENT_BADGE[assignment.state],
                                     text: t("team_assignment_" + assignment.state)})));
        }));
      });
      const rejected = readJson(REJECTED_KEY, []).filter(function (item) { return item.entry && item.entry.learner === person.id; });
      if (rejected.length) box.querySelector(".cstrain-team-sync").textContent = t("team_rejected", {n: rejected.length});
      refreshProgress(true);
    });
  }

  /* ================================================================ the server's progress */

  let progressLoaded = false;

  /** Badges and 我的学习 from the server: this learner's modules, and the last attempt at each. */
  function refreshProgress(withAttempts) {
    if (!me) return;
    const person = me;
    const calls = [request("GET", "me/modules")];
    if (withAttempts || document.getElementById("cstrain-my-learning")) calls.push(request("GET", "me/attempts?limit=1000"));
    Promise.all(calls).then(function (results) {
      if (results[0].status !== 200 || !me || me.id !== person.id) return;
      const last = {};
      if (results[1] && results[1].status === 200) {
        results[1].data.forEach(function (attempt) {
          if (!last[attempt.module] || attempt.submitted_at > last[attempt.module]) last[attempt.module] = attempt.submitted_at;
        });
      }
      const before = (readJson(C.storageKey, {}) || {}).learner;
      const switched = Boolean(before && before.id && before.id !== person.id);
      C.adoptProgress(person, results[0].data.map(function (module) {
        return Object.assign({}, module, {last_attempt_at: last[module.module] || null});
      }));
      if (switched) {
        // progress on this device was someone else's, so this page's visit was not announced
        const states = {};
        results[0].data.forEach(function (module) { states[module.module] = module.state; });
        document.querySelectorAll(".cstrain-module-head[data-module]").forEach(function (node) {
          const id = node.getAttribute("data-module");
          if (states[id] === "not_started") {
            record("visit", id, {module: id, visited_at: new Date().toISOString()});
          }
        });
      }
      progressLoaded = true;
    });
  }

  /* ================================================================ start-up */

  function once(node, setup) {
    if (node.hasAttribute("data-cstrain-team")) return;
    node.setAttribute("data-cstrain-team", "1");
    setup(node);
  }

  function init() {
    document.querySelectorAll("#cstrain-signin").forEach(function (node) { once(node, setupSignin); });
    document.querySelectorAll('section.cstrain-quiz[data-mode="exam"]').forEach(function (node) { once(node, setupExam); });
    document.querySelectorAll('section.cstrain-quiz[data-mode="practice"]').forEach(function (node) { once(node, notePractice); });
    document.querySelectorAll("#cstrain-my-learning").forEach(function (node) { once(node, setupMyLearning); });
    whoAmI().then(function () {
      renderBar();
      if (me && !progressLoaded) refreshProgress(false);
      flush();
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
