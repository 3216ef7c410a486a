// The quiz's place in the narration band (templates/index.html #quiz-band): the answer field
// with its buttons, what was said about the last answer, the hint (the rule on the edge with
// the numbers plugged in, as the rule panel writes it), and the score. Words are made at
// render time from what happened ({key, typed}), so a change of language says it again.
import {$} from "../lib/dom.js";
import {formatValue} from "../lib/format.js";
import {isScalar, nodeName} from "../graph/model.js";
import {ruleLines} from "../lessons/rule.js";
import {t} from "../page/i18n.js";

function renderTex(el, tex, displayMode) {
  el.dataset.tex = tex;
  if (window.katex) window.katex.render(tex, el, {throwOnError: false, displayMode});
  else el.textContent = tex;
}

// The numbers in words: what flowed in at an accumulate step, "2 + 5".
function terms(question) {
  return question.edges.map((edge) => formatValue(edge.grad, question.node.shape)).join(" + ");
}

// What the page asks at question `q`, for the caption (the upstream gradient is known: its
// own question came first).
export function askText(q) {
  if (q.kind === "accumulate") {
    return t("quiz.ask_accumulate", {name: nodeName(q.node), count: q.edges.length});
  }
  return t("quiz.ask_backward", {
    along: `${nodeName(q.source)} → ${nodeName(q.target)}`, source: nodeName(q.source),
    target: nodeName(q.target), upstream: formatValue(q.target.grad, q.target.shape),
  });
}

// The answer with its working: "1 × 0.7317 = 0.7317", "0.3658 + 1 = 1.366".
function answerText(q) {
  if (q.kind === "accumulate") return `${terms(q)} = ${formatValue(q.node.grad, q.node.shape)}`;
  const flow = formatValue(q.edge.grad, q.source.shape);
  if (!isScalar(q.source) || !isScalar(q.target) || typeof q.edge.local !== "number") return flow;
  return `${formatValue(q.target.grad)} × ${formatValue(q.edge.local)} = ${flow}`;
}

function saidParams(q, typed) {
  const params = {typed, answer: answerText(q), count: q.expected.length};
  if (q.kind === "accumulate") return {...params, name: nodeName(q.node), terms: terms(q)};
  return {...params, source: nodeName(q.source), target: nodeName(q.target),
    upstream: formatValue(q.target.grad, q.target.shape)};
}

export class QuizBand {
  constructor() {
    this.band = $("quiz-band");
    this.ask = $("quiz-ask");
    this.field = $("quiz-answer");
    this.feedback = $("quiz-feedback");
    this.hint = $("quiz-hint");
    this.score = $("quiz-score");
    this.shownStep = null;
  }

  hide() {
    this.band.hidden = true;
    this.shownStep = null;
  }

  // q: the question at the step on show (null: none); record: what happened there
  // ({outcome, misses, said}); tally: the score, or null until every question is done.
  show(q, record, tally) {
    this.ask.hidden = !q;
    if (q) this.showQuestion(q, record);
    else this.shownStep = null;
    this.score.hidden = !tally;
    if (tally) this.score.textContent = tally.total ? t("quiz.score", tally) : t("quiz.nothing_asked");
    this.band.hidden = !q && !tally;
  }

  showQuestion(q, record) {
    if (this.shownStep !== q.k) this.field.value = "";  // a new question, an empty field
    this.shownStep = q.k;
    const done = Boolean(record.outcome);
    this.field.readOnly = done;
    this.field.placeholder = done ? t("quiz.next_placeholder") : t("quiz.placeholder");
    this.band.dataset.outcome = record.outcome ?? (record.misses ? "hinted" : "open");
    const said = record.said;
    this.feedback.textContent = said ? t(said.key, saidParams(q, said.typed)) : t("quiz.keys");
    this.feedback.className = `quiz-feedback ${said?.mark ?? ""}`.trim();
    const hinted = record.misses > 0 || done;
    this.hint.hidden = !hinted || q.kind !== "backward";
    if (!this.hint.hidden) this.showRule(q);
  }

  // The rule on the edge with its numbers (the same data as the rule panel), or autograd's
  // local derivative where no rule is written.
  showRule(q) {
    const rule = q.edge.rule;
    const legend = document.createElement("p");
    legend.className = "quiz-hint-legend";
    if (!rule?.known) {
      legend.textContent = t("quiz.hint_local", {target: nodeName(q.target),
        source: nodeName(q.source), local: formatValue(q.edge.local, q.source.shape)});
      this.hint.replaceChildren(legend);
      return;
    }
    // "t = v, a = u: t = sin(a)", then the derivative with its numbers on a line of its own.
    const [expression, derivative] = ruleLines(rule);
    legend.textContent = `${t("caption.rule_legend", {
      target: nodeName(q.target), operand: rule.operand, source: nodeName(q.source)})}: `;
    const said = document.createElement("span");
    renderTex(said, expression, false);
    legend.append(said);
    const formula = document.createElement("div");
    formula.className = "quiz-hint-formula";
    renderTex(formula, derivative, true);
    this.hint.replaceChildren(legend, formula);
  }

  focus() {
    if (document.activeElement !== this.field) this.field.focus({preventScroll: true});
  }

  hasFocus() {
    return this.band.contains(document.activeElement);
  }
}
