/* The 接待模拟 list: each drill's status on this device (finished runs in core/progress.mjs).
 * The page loads this module itself (the build writes its script tag). */
import {once, onEveryPage} from "../core/dom.mjs";
import {formatNumber} from "../core/format.mjs";
import * as progress from "../core/progress.mjs";
import {t} from "../core/text.mjs";
import {badge} from "../core/widgets.mjs";

function statusOf(state, ref) {
  const done = progress.drillAttempts(state, ref);
  if (!done.length) return badge("not_started", t("status_not_started"));
  const best = Math.max(...done.map((attempt) => attempt.result.percent));
  const passed = done.some((attempt) => attempt.result.passed);
  return badge(passed ? "passed" : "failed",
               t(passed ? "drill_list_passed" : "drill_list_failed", {percent: formatNumber(best), n: done.length}));
}

function render(root) {
  const state = progress.loadState();
  root.querySelectorAll("td.cstrain-drill-status[data-drill]").forEach((cell) => {
    cell.replaceChildren(statusOf(state, cell.getAttribute("data-drill")));
  });
}

progress.onChange(() => document.querySelectorAll(".cstrain-drills").forEach(render));

onEveryPage(() => {
  document.querySelectorAll(".cstrain-drills").forEach((node) => once(node, "drills", render));
});
