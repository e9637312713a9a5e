/* The dashboard's assign form: a course, a module or a tag, a due day, and the learners (all
 * shown on the overview, or the one learner whose page this is). */
import {dataOf, request} from "../../core/api.mjs";
import {el} from "../../core/dom.mjs";
import {t} from "../../core/text.mjs";
import {addDays, liveMessage, problem, say, section} from "./parts.mjs";

const KIND_KEYS = {course: "dash_kind_course", module: "dash_kind_module", tag: "dash_kind_tag"};

function targetOptions(catalog, kind) {
  if (kind === "course") return catalog.courses.map((c) => el("option", {value: c.id, text: c.title}));
  if (kind === "module") {
    return catalog.courses.map((c) => el("optgroup", {label: c.title},
      c.modules.map((m) => el("option", {value: m.id, text: m.title}))));
  }
  return catalog.tags.map((tag) => el("option", {value: tag, text: tag}));
}

function whoToAssign(people, boxes) {
  const all = el("input", {type: "checkbox", checked: true,
                           on: {change: () => boxes.forEach((box) => { box.checked = all.checked; })}});
  return el("fieldset", {class: "cstrain-dash-who"},
    el("legend", {text: t("dash_assign_who")}),
    el("label", {class: "cstrain-dash-all"}, all, " " + t("dash_select_all")),
    el("div", {class: "cstrain-dash-people"},
      people.map((x, i) => el("label", {}, boxes[i], " " + x.name, el("small", {text: " " + x.id})))));
}

/** people: the learners to choose from (the overview); one: a single learner (their page). */
export function assignForm(board, people, one) {
  const uid = one ? "one" : "all";
  const message = liveMessage();
  let kind = "course";
  const target = el("select", {id: "cstrain-assign-target-" + uid, required: true}, targetOptions(board.catalog, kind));
  const kinds = el("div", {class: "cstrain-dash-kinds", role: "radiogroup", "aria-label": t("dash_assign_kind")},
    Object.keys(KIND_KEYS).map((k) => el("label", {},
      el("input", {type: "radio", name: "cstrain-assign-kind-" + uid, value: k, checked: k === kind,
                   on: {change: () => {
                     kind = k;
                     target.replaceChildren(...targetOptions(board.catalog, k));
                   }}}),
      " " + t(KIND_KEYS[k]))));
  const today = board.progress.today;
  const dueInput = el("input", {type: "date", id: "cstrain-assign-due-" + uid, required: true,
                                min: today, max: addDays(today, 730), value: addDays(today, 7)});
  const boxes = one ? [] : people.map((x) => el("input", {type: "checkbox", value: x.id, checked: true}));
  const button = el("button", {type: "submit", class: "md-button md-button--primary", text: t("dash_assign_submit")});
  const form = el("form", {class: "cstrain-dash-assign", novalidate: true},
    el("div", {class: "cstrain-dash-fields"},
      el("fieldset", {}, el("legend", {text: t("dash_assign_kind")}), kinds),
      el("label", {for: target.id}, el("span", {text: t("dash_assign_target")}), target),
      el("label", {for: dueInput.id}, el("span", {text: t("dash_assign_due")}), dueInput)),
    one ? null : whoToAssign(people, boxes),
    el("div", {class: "cstrain-dash-actions"}, button, message));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const ids = one ? [one.id] : boxes.filter((b) => b.checked).map((b) => b.value);
    if (!ids.length) return say(message, t("dash_assign_none"), true);
    if (!dueInput.value) return say(message, t("dash_assign_due"), true);
    button.disabled = true;
    say(message, t("dash_saving"));
    request("POST", "assignments", {target_kind: kind, target: target.value, due_on: dueInput.value, learner_ids: ids})
      .then(dataOf)
      .then((result) => {
        const text = t("dash_assign_done", {n: result.learners, created: result.created, moved: result.moved,
                                            unchanged: result.unchanged});
        return board.loadProgress().then(() => {
          if (one) return board.showLearner(one.id, text);
          board.showOverview(true);
          const again = board.root.querySelector(".cstrain-dash-assign .cstrain-dash-message");
          if (again) say(again, text);
          return null;
        });
      })
      .catch((err) => say(message, t("dash_failed", {message: problem(err)}), true))
      .then(() => { button.disabled = false; });
    return null;
  });
  return section(one ? t("dash_assign_for", {name: one.name}) : t("dash_assign_title"), form);
}
