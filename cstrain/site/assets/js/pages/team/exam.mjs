/* Team mode: exams. The server draws, times and grades them; the page gets the questions without
 * a key and shows feedback only from the server's result. Answers in progress are kept in
 * localStorage, so a reload or a lost connection resumes the same sitting with them. An exam's
 * block loads this module (a team build writes its script tag). */
import {errorText, offline, recheck, request, sessionEnded, signinUrl, whoAmI} from "../../core/api.mjs";
import {el, firstControl, nextId, once, onEveryPage} from "../../core/dom.mjs";
import {DASH, formatNumber, formatPercent, formatTime, twoDigits} from "../../core/format.mjs";
import {forget, readJson, writeJson} from "../../core/storage.mjs";
import {t} from "../../core/text.mjs";
import {badge, progressTable} from "../../core/widgets.mjs";
import {attemptForm, readyToSubmit, responsesOf, resultLines} from "../../questions/attempt.mjs";
import {loadTypes, newState, renderFeedback, renderQuestion, restoreResponse} from "../../questions/index.mjs";
import {pull} from "./sync.mjs";

const DRAFT_PREFIX = "cstrain:team:exam:";

function draftKey(sittingId) {
  return DRAFT_PREFIX + sittingId;
}

/** A countdown: MM:SS below an hour, H:MM:SS above. */
function clockText(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(s / 3600);
  return (hours ? hours + ":" + twoDigits(Math.floor(s / 60) % 60) : twoDigits(Math.floor(s / 60))) + ":" + twoDigits(s % 60);
}

function duration(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest ? t("team_min_sec", {m: minutes, s: rest}) : t("team_minutes", {n: minutes});
}

function message(text, kind) {
  return el("p", {class: "cstrain-exam-message" + (kind ? " cstrain-exam-message--" + kind : ""), role: "status", text: text});
}

function signinBox(text) {
  return el("div", {class: "admonition info"}, el("p", {text: text}),
    el("p", {}, el("a", {class: "md-button md-button--primary", href: signinUrl(), text: t("team_signin_link")})));
}

function sittingBadge(sitting) {
  if (sitting.state === "open") return badge("in_progress", t("team_exam_state_open"));
  if (sitting.state === "expired") return badge("failed", t("team_exam_state_expired"));
  return badge(sitting.passed ? "passed" : "failed");
}

/** The exam block of a module page (section.cstrain-quiz[data-mode=exam]). */
function setupExam(section) {
  const ref = section.getAttribute("data-quiz");
  const moduleId = section.getAttribute("data-module");
  // The exam itself is no live region (a screen reader would read the whole paper aloud): a
  // short message is announced by ``said`` (the result) or by the role=status lines it shows.
  const box = el("div", {class: "cstrain-exam"});
  const said = el("p", {class: "cstrain-sr-only cstrain-exam-said", role: "status"});
  const notice = section.querySelector(".admonition");
  if (notice) notice.replaceWith(box);
  else section.append(box);
  box.after(said);
  let timer = null;

  const alive = () => document.body.contains(section);

  function stopTimer() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  function showIntro(note) {
    stopTimer();
    request("GET", "exams/" + ref + "?module=" + encodeURIComponent(moduleId)).then((result) => {
      if (result.status === 401) {
        sessionEnded();
        return box.replaceChildren(signinBox(t("team_exam_signin")));
      }
      if (result.status !== 200) return box.replaceChildren(message(errorText(result), "error"));
      return renderIntro(result.data, note);
    });
  }

  function renderIntro(info, note) {
    const facts = [t("team_exam_facts", {n: info.questions, pass_mark: formatNumber(info.pass_mark)})];
    if (info.time_limit_seconds) facts.push(t("team_exam_time", {time: duration(info.time_limit_seconds)}));
    facts.push(info.attempts_allowed
      ? t("team_exam_attempts", {allowed: info.attempts_allowed, used: info.attempts_used})
      : t("team_exam_attempts_unlimited", {used: info.attempts_used}));
    const left = info.attempts_allowed ? info.attempts_allowed - info.attempts_used : null;
    const parts = [note, el("p", {class: "cstrain-exam-facts", text: facts.join(" \u00b7 ")})];
    if (info.open_sitting || left === null || left > 0) {
      parts.push(el("p", {class: "cstrain-hint", text: t("team_exam_rules")}));
      const label = info.open_sitting ? t("team_exam_resume") : info.attempts_used ? t("team_exam_again") : t("team_exam_start");
      const button = el("button", {type: "button", class: "md-button md-button--primary cstrain-exam-start", text: label,
                                   on: {click: () => start(button)}});
      parts.push(el("p", {class: "cstrain-actions"}, button));
    } else {
      parts.push(message(t("team_exam_no_attempts"), "info"));
    }
    if (info.sittings.length) parts.push(pastSittings(info.sittings));
    box.replaceChildren(...parts.filter(Boolean));
  }

  function pastSittings(sittings) {
    const rows = sittings.map((sitting, i) => {
      const name = t("team_exam_sitting_n", {n: i + 1});
      return el("tr", {},
        el("td", {text: name}),
        el("td", {text: formatTime(sitting.submitted_at || sitting.started_at)}),
        el("td", {text: typeof sitting.percent === "number" ? formatPercent(sitting.percent) + "%" : DASH}),
        el("td", {}, sittingBadge(sitting)),
        el("td", {}, sitting.state === "open" ? "" : el("button", {
          type: "button", class: "cstrain-link-button", text: t("team_exam_view"),
          "aria-label": t("team_exam_view") + " " + name, on: {click: () => review(sitting.id)}})));
    });
    return el("div", {class: "cstrain-exam-history"},
      el("h3", {text: t("team_exam_history")}),
      progressTable(["#", t("last_attempt"), t("best_score"), t("status"),
                     el("span", {class: "cstrain-sr-only", text: t("team_exam_view")})], rows));
  }

  function start(button) {
    button.disabled = true;
    request("POST", "exams/" + ref + "/sittings", {module: moduleId}).then((result) => {
      if (result.status === 200 || result.status === 201) return run(result.data);
      if (result.status === 409) return showIntro(message(t("team_exam_no_attempts"), "info"));
      if (result.status === 403) recheck();
      button.disabled = false;
      button.parentNode.append(message(errorText(result), "error"));
      return null;
    });
  }

  function review(sittingId) {
    request("GET", "sittings/" + sittingId).then((result) => {
      if (result.status !== 200) return showIntro(message(errorText(result), "error"));
      return result.data.state === "open" ? run(result.data) : showResult(result.data);
    });
  }

  /* ---------------------------------------------------------------- a sitting */

  function run(sitting) {
    said.textContent = "";
    return loadTypes(sitting.questions).then(() => showSitting(sitting));
  }

  function showResult(result) {
    return loadTypes(result.review.map((item) => item.question)).then(() => showMarked(result));
  }

  function showSitting(sitting) {
    const states = sitting.questions.map((question) => newState(question, false));
    const {form, list, submit} = attemptForm(states, sitting.pass_mark, t("team_exam_submit"));
    form.classList.add("cstrain-exam-form");
    form.setAttribute("data-sitting", sitting.id);
    const draft = readJson(draftKey(sitting.id), {});
    list.querySelectorAll(".cstrain-question").forEach((node, i) => {
      restoreResponse(states[i], node, draft[states[i].question.id]);
    });
    const status = el("p", {class: "cstrain-exam-status", role: "status"});
    form.append(status);
    let clock = null;
    let timerBox = null;
    if (typeof sitting.seconds_left === "number") {
      clock = el("span", {class: "cstrain-exam-clock"});
      timerBox = el("div", {class: "cstrain-exam-timer", role: "timer", "aria-label": t("team_exam_time_left")},
        el("span", {class: "cstrain-exam-timer__label", text: t("team_exam_time_left")}), clock);
    }
    box.replaceChildren(...[timerBox, form].filter(Boolean));

    let saving = null;
    const saveDraft = () => {
      if (saving) clearTimeout(saving);
      saving = setTimeout(() => writeJson(draftKey(sitting.id), responsesOf(states, list)), 250);
    };
    ["input", "change", "click"].forEach((type) => form.addEventListener(type, saveDraft));

    let sent = false;
    let delay = 1000;
    function send(auto) {
      if (sent && !auto) return;
      sent = true;
      submit.disabled = true;
      const answers = responsesOf(states, list);
      writeJson(draftKey(sitting.id), answers);
      status.textContent = auto ? t("team_exam_time_up") : t("team_exam_submitting");
      request("POST", "sittings/" + sitting.id + "/submit", {responses: answers}).then((result) => {
        if (result.status === 200) {
          stopTimer();
          forget(draftKey(sitting.id));
          return showResult(result.data);
        }
        if (result.status === 409 || result.status === 404) {
          stopTimer();
          forget(draftKey(sitting.id));
          return request("GET", "sittings/" + sitting.id).then((closed) => {
            if (closed.status === 200 && closed.data.state !== "open") return showResult(closed.data);
            return showIntro(message(t("team_exam_changed"), "info"));
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
        if (result.status === 403) recheck();
        // offline or the server busy: the answers are kept; try again until it answers
        status.textContent = t("team_exam_retrying");
        if (!alive()) return null;
        setTimeout(() => {
          if (result.status === 403) whoAmI(true).then(() => send(true));
          else send(true);
        }, delay);
        delay = Math.min(delay * 2, 8000);
        return null;
      });
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (sent || !readyToSubmit(states, list, responsesOf(states, list))) return;
      send(false);
    });

    if (clock) {
      // the server's count of seconds, on the monotonic clock: a wrong device clock changes nothing
      const ends = performance.now() + sitting.seconds_left * 1000;
      let warned = sitting.seconds_left;
      const tick = () => {
        if (!alive()) return stopTimer();
        const left = (ends - performance.now()) / 1000;
        clock.textContent = clockText(left);
        [300, 60].forEach((mark) => {  // said once to a screen reader, not every second
          if (left <= mark && warned > mark && left > 0 && !sent) {
            status.textContent = t("team_exam_minutes_left", {n: mark / 60});
          }
        });
        warned = left;
        timerBox.classList.toggle("cstrain-exam-timer--warn", left <= 60);
        if (left <= 0) {
          stopTimer();
          if (!sent) send(true);
        }
        return null;
      };
      stopTimer();
      tick();
      timer = setInterval(tick, 500);
    }
    section.scrollIntoView({block: "start"});
    const first = firstControl(form);
    if (first) first.focus({preventScroll: true});
  }

  /* ---------------------------------------------------------------- the result */

  function showMarked(result) {
    stopTimer();
    const attemptKey = nextId("review");
    const list = el("ol", {class: "cstrain-questions"}, result.review.map((item, position) => {
      const question = item.question;
      const response = item.response;
      const state = {question: question, prompt: item.prompt, order: item.order || [], values: item.values || {}};
      const node = renderQuestion(state, position, attemptKey);
      restoreResponse(state, node, response);  // each type puts back what the learner left, an order too
      node.querySelector("fieldset").disabled = true;
      renderFeedback(state, node, response, item.mark);
      return node;
    }));
    const left = result.attempts_allowed ? result.attempts_allowed - result.attempts_used : null;
    const actions = el("p", {class: "cstrain-actions"});
    if (left === null || left > 0) {
      const again = el("button", {type: "button", class: "md-button md-button--primary cstrain-exam-again",
                                  text: t("team_exam_again"), on: {click: () => start(again)}});
      actions.append(again, " ");
    }
    actions.append(el("button", {type: "button", class: "md-button cstrain-exam-back", text: t("team_exam_back"),
                                 on: {click: () => showIntro()}}));
    const lines = resultLines(result, result.pass_mark);
    const summary = el("div", {class: "cstrain-result cstrain-result--" + (result.passed ? "passed" : "failed"), tabindex: "-1"},
      lines,
      result.state === "expired" ? el("p", {class: "cstrain-exam-late", text: t("team_exam_late")}) : null,
      left !== null ? el("p", {class: "cstrain-hint", text: left > 0 ? t("team_exam_left", {n: left}) : t("team_exam_no_attempts")}) : null,
      result.review_shown === false ? el("p", {class: "cstrain-hint cstrain-review-withheld",
        text: result.review_policy === "never" ? t("review_never") : t("review_after_pass_exam")}) : null,
      actions);
    box.replaceChildren(summary, el("div", {class: "cstrain-form cstrain-exam-review"}, list));
    section.scrollIntoView({block: "start"});
    summary.focus({preventScroll: true});
    said.textContent = lines.map((line) => line.textContent.replace("\u2714", "").replace("\u2718", "").trim()).join(" ");
    pull(false);
  }

  whoAmI().then((person) => {
    if (person) showIntro();
    else if (offline()) box.replaceChildren(message(t("team_error_network"), "error"));
    else box.replaceChildren(signinBox(t("team_exam_signin")));
  });
}

onEveryPage(() => {
  document.querySelectorAll("section.cstrain-quiz[data-mode=exam]").forEach((node) => once(node, "exam", setupExam));
});
