/* What the drill page shows besides the chat: the scenario card and the result of a run, with
 * every checkpoint, `avoid` phrase and red-line hit marked in the agent's own words.
 * Literals are ASCII: UI text comes from core/text.mjs. */
import {el} from "../core/dom.mjs";
import {formatNumber} from "../core/format.mjs";
import {colon, t} from "../core/text.mjs";
import {codePointToUtf16} from "../redlines/engine.mjs";

const PART_KEYS = {content: "drill_part_content", speed: "drill_part_speed", compliance: "drill_part_compliance"};
const PLATFORM_KEYS = {taobao: "drill_platform_taobao", tmall: "drill_platform_tmall", jd: "drill_platform_jd",
                   pinduoduo: "drill_platform_pinduoduo", douyin: "drill_platform_douyin",
                   kuaishou: "drill_platform_kuaishou", other: "drill_platform_other"};

export function platformName(platform) {
  const key = platform in PLATFORM_KEYS ? platform : "other";
  return t(PLATFORM_KEYS[key]);
}

function row(label, value) {
  return el("div", {class: "cstrain-card-row"}, el("dt", {text: label}), el("dd", {text: value}));
}

function productRows(product) {
  if (!product) return [];
  const rows = [row(t("drill_card_product"), product.name)];
  if (product.price) rows.push(row(t("drill_card_price"), t("drill_yuan", {n: formatNumber(product.price)})));
  if (product.material) rows.push(row(t("drill_card_material"), product.material));
  const stock = Object.keys(product.stock || {});
  if (stock.length) {
    rows.push(row(t("drill_card_stock"), stock.map((name) => name + " " + product.stock[name]).join(t("drill_list_sep"))));
  }
  (product.details || []).forEach((line) => rows.push(row(t("drill_card_detail"), line)));
  return rows;
}

function orderRows(order) {
  return Object.keys(order || {}).map((key) => row(key, String(order[key])));
}

/** The card beside the chat: the shop, then what the agent may look up for ``chat`` (its
 *  buyer, product and order in a peak drill). */
export function scenarioCard(drill, chatIndex) {
  const scenario = drill.scenario;
  const chat = drill.chats ? drill.chats[chatIndex] : null;
  const persona = chat ? chat.persona : drill.persona;
  const rows = [row(t("drill_card_shop"), platformName(scenario.platform) + " \u00b7 " + scenario.shop)];
  if (persona) rows.push(row(t("drill_card_buyer"), persona.name + (persona.about ? colon() + persona.about : "")));
  rows.push(...productRows(chat && chat.product ? chat.product : scenario.product));
  (scenario.promotions || []).forEach((line) => rows.push(row(t("drill_card_promotion"), line)));
  rows.push(...orderRows(chat && chat.order ? chat.order : scenario.order));
  (scenario.notes || []).forEach((line) => rows.push(row(t("drill_card_note"), line)));
  return el("aside", {class: "cstrain-drill-card", "aria-label": t("drill_card")},
    el("h3", {text: t("drill_card")}), el("dl", {}, rows));
}

/** The reply with spans marked: [{start, end, kind, label}] in code points; overlapping spans
 *  after the first are left unmarked (their reasons are listed anyway). */
export function markedReply(text, spans) {
  const sorted = spans.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const nodes = [];
  let done = 0;
  sorted.forEach((span) => {
    const start = codePointToUtf16(text, span.start);
    const end = codePointToUtf16(text, span.end);
    if (start < done || end <= start) return;
    nodes.push(text.slice(done, start));
    nodes.push(el("mark", {class: "cstrain-drill-mark cstrain-drill-mark--" + span.kind, title: span.label},
      text.slice(start, end), el("span", {class: "cstrain-sr-only", text: "\uff08" + span.label + "\uff09"})));
    done = end;
  });
  nodes.push(text.slice(done));
  return nodes;
}

function turnSpans(turn, drill) {
  const spans = [];
  const expect = drill.turns[turn.turn].expect;
  expect.forEach((checkpoint) => {
    ((turn.spans || {})[checkpoint.id] || []).forEach((span) => {
      spans.push({start: span[0], end: span[1], kind: "hit", label: t("drill_mark_hit", {label: checkpoint.label})});
    });
  });
  turn.avoid.forEach((item) => item.spans.forEach((span) => {
    spans.push({start: span[0], end: span[1], kind: item.severity, label: item.why});
  }));
  turn.redlines.forEach((hit) => spans.push({start: hit.start, end: hit.end, kind: hit.severity, label: hit.explanation}));
  // red lines and avoid phrases first: where spans overlap, the problem is what shows
  return spans.sort((a, b) => (a.kind === "hit") - (b.kind === "hit"));
}

function seconds(value) {
  return t("drill_seconds_short", {n: formatNumber(value, 1)});
}

/** One turn of a result. ``drill.turns[id]`` gives its buyer messages, checkpoints ({id,
 *  label}) and model reply (left out when there is none, as an exam may keep it back). */
export function turnView(drill, turn, index, reply) {
  const source = drill.turns[turn.turn];
  const checkpoints = source.expect.map((checkpoint) => {
    const hit = turn.hit.indexOf(checkpoint.id) >= 0;
    return el("li", {class: hit ? "cstrain-drill-check--hit" : "cstrain-drill-check--missed"},
      el("span", {class: "cstrain-drill-check-icon", text: hit ? "\u2714 " + t("drill_hit") : "\u2718 " + t("drill_missed")}),
      " " + checkpoint.label);
  });
  const problems = [];
  if (turn.answered) {
    turn.avoid.forEach((item) => problems.push(el("li", {class: "cstrain-drill-problem--" + item.severity},
      el("strong", {text: (item.severity === "error" ? t("redlines_error") : t("redlines_warning")) + colon()}), item.why)));
    turn.redlines.forEach((hit) => problems.push(el("li", {class: "cstrain-drill-problem--" + hit.severity, "data-rule": hit.rule},
      el("strong", {text: (hit.severity === "error" ? t("redlines_error") : t("redlines_warning")) + colon()}),
      "\u201c" + hit.matched + "\u201d " + hit.explanation)));
  }
  const timing = turn.answered
    ? t("drill_turn_time", {taken: seconds(turn.seconds), allowed: seconds(turn.allowed)}) +
      (turn.timed_out ? t("drill_turn_timed_out") : "")
    : t("drill_turn_unanswered");
  return el("li", {class: "cstrain-drill-turn" + (turn.failed ? " cstrain-drill-turn--failed" : ""), "data-turn": turn.turn},
    el("h4", {}, t("drill_turn_n", {n: index + 1}), " ",
      el("span", {class: "cstrain-drill-turn-score",
                  text: t("drill_turn_score", {score: formatNumber(turn.score), max: formatNumber(turn.max)})}),
      turn.failed ? el("span", {class: "cstrain-drill-failed-turn", text: " \u2718 " + t("drill_turn_failed")}) : null),
    el("p", {class: "cstrain-drill-buyer-said", text: t("drill_buyer_said") + colon() + source.buyer.join(" / ")}),
    turn.answered
      ? el("p", {class: "cstrain-drill-you-said"}, el("span", {text: t("drill_you_said") + colon()}),
          el("span", {class: "cstrain-drill-reply-text"}, markedReply(reply, turnSpans(turn, drill))))
      : null,
    el("p", {class: "cstrain-drill-timing" + (turn.timed_out || !turn.answered ? " cstrain-drill-timing--late" : ""), text: timing}),
    checkpoints.length ? el("ul", {class: "cstrain-drill-checks"}, checkpoints) : null,
    problems.length ? el("ul", {class: "cstrain-drill-problems"}, problems) : null,
    el("p", {class: "cstrain-drill-parts", text: t("drill_turn_parts", {content: formatNumber(turn.content),
      speed: formatNumber(turn.speed), compliance: formatNumber(turn.compliance)})}),
    source.model ? el("p", {class: "cstrain-drill-model"}, el("strong", {text: t("drill_model") + colon()}), source.model) : null);
}

/** The result of a run: the total against the pass mark with its parts, typing speed, and
 *  every turn. ``replies`` is the transcript the result was scored from. */
export function resultView(drill, result, replies) {
  const texts = {};
  drill.chat_ids.forEach((chat) => { texts[chat] = replies.filter((r) => (r.chat || "main") === chat).map((r) => r.text); });
  const used = {};
  const part = (name) => {
    const value = result.parts[name];
    return el("li", {text: t(PART_KEYS[name], {points: formatNumber(value.points), max: formatNumber(value.max),
                                   percent: formatNumber(value.percent)})});
  };
  const verdict = result.passed ? t("drill_passed") : t("drill_failed");
  return el("div", {class: "cstrain-drill-result"},
    el("h3", {class: "cstrain-drill-result-title", tabindex: "-1"}, t("drill_result")),
    el("p", {class: "cstrain-drill-total cstrain-drill-total--" + (result.passed ? "passed" : "failed")},
      el("span", {class: "cstrain-badge cstrain-badge--" + (result.passed ? "passed" : "failed"), text: verdict}), " ",
      t("drill_total", {percent: formatNumber(result.percent), mark: formatNumber(result.pass_mark)})),
    result.failed_turns.length ? el("p", {class: "cstrain-drill-fail-note", text: t("drill_failed_turns", {n: result.failed_turns.length})}) : null,
    el("ul", {class: "cstrain-drill-parts-total"},
      part("content"), part("speed"), part("compliance"),
      el("li", {text: result.typing_speed === null ? t("drill_typing_none") : t("drill_typing", {n: result.typing_speed})}),
      el("li", {text: t("drill_waiting", {timed_out: result.waiting.timed_out, unanswered: result.waiting.unanswered})})),
    el("ol", {class: "cstrain-drill-turns"}, result.turns.map((turn, index) => {
      const at = used[turn.chat] || 0;
      if (turn.answered) used[turn.chat] = at + 1;
      return turnView(drill, turn, index, turn.answered ? texts[turn.chat][at] : "");
    })));
}
