// Quiz mode (?quiz=1, the Quiz button): the forward values are shown, the gradients are not;
// at each backward step the student types what flows along the edge (at an accumulate step,
// the node's gradient) and Enter checks it: ✓, or a hint (the rule with its numbers), then
// on a second miss the answer. The player cannot pass a question until it is answered or its
// answer shown; at the end, the score. `app`: main.js's App (player, view, rule, index).
import {$} from "../lib/dom.js";
import {QuizBand, askText} from "./band.js";
import {DrawingMask} from "./mask.js";
import {judge, parseAnswer, questionsOf} from "./questions.js";

const inEditor = () => Boolean(document.activeElement?.closest("#editor"));

export class Quiz {
  constructor(app) {
    this.app = app;
    this.on = false;
    this.index = null;  // the graph the answers are about
    this.runs = null;
    this.questions = new Map();  // step -> question (questions.js)
    this.records = new Map();  // step -> {outcome: null|"first"|"hinted"|"revealed", misses, said}
    this.mask = new DrawingMask();
    this.band = new QuizBand();
    $("quiz-toggle").addEventListener("click", () => this.setOn(!this.on));
    $("quiz-check").addEventListener("click", () => this.check());
    $("quiz-reveal").addEventListener("click", () => this.reveal());
    $("quiz-answer").addEventListener("keydown", (event) => this.onKey(event));
  }

  // Turned on, the answers start afresh and the player goes back to the first question if
  // it was past it; turned off, the drawing says everything again.
  setOn(on) {
    this.on = on;
    document.body.classList.toggle("quiz", on);
    $("quiz-toggle").setAttribute("aria-pressed", String(on));
    this.index = null;
    const {player} = this.app;
    if (this.app.index) player.go(player.step);  // drawStep: masks, asks, saves the link
    else this.app.saveUrl();
  }

  // Enter checks (or, once answered, goes on); Esc hands the keys back to the player. The
  // field is a text input, so the page's own keys (controls.js) leave what is typed alone.
  onKey(event) {
    if (event.isComposing) return;  // Enter that ends a Japanese IME composition
    if (event.key === "Enter") {
      event.preventDefault();
      this.check();
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.app.toStepper();
    }
  }

  // The graph or its steps changed (a new run; a group opened): its questions. A new graph's
  // answers start empty.
  sync() {
    const {index, player} = this.app;
    if (index === this.index && player.runs === this.runs) return;
    if (index !== this.index) this.records = new Map();
    this.index = index;
    this.runs = player.runs;
    this.questions = index ? questionsOf(index, player.runs) : new Map();
  }

  record(k) {
    if (!this.records.has(k)) this.records.set(k, {outcome: null, misses: 0, said: null});
    return this.records.get(k);
  }

  pending(k) {
    return this.questions.has(k) && !this.records.get(k)?.outcome;
  }

  // The player's ceiling (player.js): the first question not answered yet.
  ceiling() {
    if (!this.on) return Infinity;
    this.sync();
    for (const k of this.questions.keys()) if (this.pending(k)) return k;
    return Infinity;
  }

  // {first, hinted, revealed, total} once every question is done (total 0: nothing to ask).
  tally() {
    const outcomes = [...this.questions.keys()].map((k) => this.records.get(k)?.outcome);
    if (outcomes.some((outcome) => !outcome)) return null;
    const count = (name) => outcomes.filter((outcome) => outcome === name).length;
    return {first: count("first"), hinted: count("hinted"), revealed: count("revealed"),
      total: outcomes.length};
  }

  // After the page drew step k (main.js drawStep): what the quiz hides, asks and says there.
  step(k) {
    if (!this.on) {
      if (this.mask.svg) this.mask.clear();
      this.band.hide();
      return;
    }
    this.sync();
    this.mask.attach(this.app.view.svg, this.app.zoom.minimap.svg);
    this.mask.apply((step) => this.pending(step));
    const q = this.questions.get(k) ?? null;
    const record = q ? this.record(k) : null;
    if (q) this.app.rule.clear();  // the rule is the hint: the band shows it when it is due
    if (q && !record.outcome) $("caption").textContent = askText(q);
    const tally = this.tally();
    document.body.classList.toggle("quiz-done", Boolean(tally));
    const hadFocus = this.band.hasFocus();
    this.band.show(q, record, tally);
    if (q && !record.outcome && !inEditor()) this.band.focus();
    else if (!q && hadFocus) this.app.toStepper();
  }

  current() {
    return this.on ? this.questions.get(this.app.player.step) ?? null : null;
  }

  check() {
    const q = this.current();
    if (!q) return;
    const record = this.record(q.k);
    if (record.outcome) {  // answered: Enter goes on
      this.app.player.forward();
      return;
    }
    const typed = this.band.field.value.trim();
    const numbers = parseAnswer(typed);
    const verdict = numbers ? judge(numbers, q.expected) : "unread";
    if (verdict === "right") {
      record.outcome = record.misses ? "hinted" : "first";
      record.said = {key: "quiz.right", typed, mark: "check-ok"};
    } else if (verdict === "wrong") {
      record.misses += 1;
      if (record.misses >= 2) record.outcome = "revealed";
      const hint = q.kind === "backward" ? "quiz.hint_backward" : "quiz.hint_accumulate";
      record.said = {key: record.outcome ? "quiz.revealed" : hint, typed, mark: "check-bad"};
    } else {  // not a number, or not as many as the gradient has: not counted as a miss
      const key = !typed ? "quiz.keys" : verdict === "count" ? "quiz.wrong_count" : "quiz.not_a_number";
      record.said = {key, typed};
    }
    this.app.drawStep(q.k);  // the drawing writes what is known now; the band says it
    if (!record.outcome && typed) this.band.field.select();
  }

  // "Show the answer": the question counts as revealed.
  reveal() {
    const q = this.current();
    if (!q || this.record(q.k).outcome) return;
    Object.assign(this.record(q.k), {outcome: "revealed", said: {key: "quiz.shown", typed: ""}});
    this.app.drawStep(q.k);
    this.band.focus();
  }
}
