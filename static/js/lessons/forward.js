// Forward mode on the same graph: from one chosen input entry (tangent 1) toward the output,
// each node's tangent is the sum over its incoming edges of local derivative × the source's
// tangent. Played on the drawing like the backward pass (forward-drawing.js), with its own
// player, caption and list of steps; the page's own stepping (Home, the player's buttons)
// leaves it.
import {$} from "../lib/dom.js";
import {postJson} from "../lib/fetch.js";
import {formatValue} from "../lib/format.js";
import {agrees} from "../lib/verdict.js";
import {nodeName} from "../graph/model.js";
import {BEFORE_START, Player} from "../graph/player.js";
import {t} from "../page/i18n.js";
import {clearTangents, drawTangents, flowText, showTangentStep} from "./forward-drawing.js";
import {LessonPanel, runInto} from "./panel.js";
import {RULE_TOLERANCE} from "./rule.js";

const reducedMotion = () => matchMedia("(prefers-reduced-motion: reduce)").matches;

export class ForwardPanel extends LessonPanel {
  // stage: {stepMs, caption (the narration's element), enter() (the page stops its own
  // player), follow(elements) (the camera)}.
  constructor(url, view, stage) {
    super(url, "forward");
    this.view = view;
    this.stage = stage;
    this.select = $("forward-input");
    this.player = new Player({stepMs: stage.stepMs, onStep: (k) => this.highlight(k),
      onPlayingChange: () => this.showPlaying()});
    this.active = false;
    this.load(null, null);
  }

  load(index, source) {
    this.leave();
    super.load(index, source);
    this.lesson = null;
    const options = (index?.inputs || []).map((n) => new Option(nodeName(n), n.id));
    this.select.replaceChildren(...options);
  }

  run() {
    const entry = Math.max(0, Math.trunc(Number($("forward-entry").value) || 0));
    return runInto(this.result, this.button, async () => {
      this.lesson = await postJson(this.url, {source: this.source,
        input: this.select.value || undefined, entry});
      this.show();
    });
  }

  show() {
    const lesson = this.lesson;
    const input = nodeName(this.index.nodes.get(lesson.input));
    const passes = document.createElement("p");
    passes.className = "forward-passes";
    passes.textContent = t("ui.forward_passes", {forward: lesson.passes.forward_mode,
      reverse: lesson.passes.reverse_mode});
    const list = document.createElement("ol");
    list.className = "forward-steps";
    lesson.timeline.forEach((step, i) => list.append(this.stepItem(step, i)));
    const check = document.createElement("p");
    check.className = "forward-check";
    const agree = agrees(lesson.output_tangent, lesson.grad, RULE_TOLERANCE);
    check.textContent = t("ui.forward_result", {name: input, entry: lesson.entry,
      tangent: formatValue(lesson.output_tangent), grad: formatValue(lesson.grad)})
      + (agree ? ` ✓ ${t("ui.forward_agrees")}` : "");
    this.result.replaceChildren(passes, this.controls(), list, check);
    this.enter();
    const count = lesson.timeline.length;
    if (reducedMotion()) {
      this.player.load(count, count - 1);
    } else {
      this.player.load(count, BEFORE_START);
      this.player.play();
    }
  }

  // Its own stepper: back, play/pause, forward and the step counter.
  controls() {
    const bar = document.createElement("div");
    bar.className = "forward-player";
    const button = (id, key, action) => {
      const b = document.createElement("button");
      b.type = "button";
      b.id = id;
      b.textContent = t(key);
      b.addEventListener("click", action);
      return b;
    };
    const counter = document.createElement("span");
    counter.id = "forward-counter";
    bar.append(button("forward-back", "player.back", () => this.player.back()),
      button("forward-play", "player.play", () => this.player.toggle()),
      button("forward-next", "player.forward", () => this.player.forward()), counter);
    return bar;
  }

  showPlaying() {
    const b = this.result.querySelector("#forward-play");
    if (b) b.textContent = t(this.player.playing ? "player.pause" : "player.play");
  }

  // The drawing in forward mode: every value shown, no gradient yet, the tangents' labels on.
  enter() {
    this.stage.enter();
    const timeline = this.index.timeline;
    const lastForward = timeline.reduce((last, s, i) => (s.phase === "forward" ? i : last), -1);
    this.view.setStep(lastForward, this.index);
    for (const el of this.view.svg?.querySelectorAll(".active") || []) el.classList.remove("active");
    drawTangents(this.view, this.lesson, this.index);
    this.active = true;
    // The panel sits under the drawing: bring the caption and the drawing back on screen.
    this.stage.caption.scrollIntoView({block: "start", behavior: reducedMotion() ? "auto" : "smooth"});
  }

  leave() {
    if (!this.active) return;
    this.active = false;
    this.player.pause();
    clearTangents(this.view);
    for (const b of this.result.querySelectorAll(".forward-step.current")) b.classList.remove("current");
  }

  stepItem(step, i) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "forward-step";
    button.dataset.node = step.node;
    button.textContent = this.stepText(step);
    button.addEventListener("click", () => {
      if (!this.active) this.enter();
      this.player.pause();
      this.player.go(i);
    });
    const item = document.createElement("li");
    item.append(button);
    return item;
  }

  stepText(step) {
    const node = this.index.nodes.get(step.node);
    const terms = step.edges.map((id) => flowText(this.index.edges.get(id), this.lesson,
      node.shape).replace(/ = [^=]*$/, "")).join(" + ");
    return t("ui.forward_step", {name: nodeName(node), terms,
      tangent: formatValue(this.lesson.tangents[step.node], node.shape)});
  }

  // Step i on the drawing, in the caption, the counter and the list.
  highlight(i) {
    if (!this.active) return;
    this.stage.follow(showTangentStep(this.view, this.lesson, i));
    const step = this.lesson.timeline[i];
    const input = nodeName(this.index.nodes.get(this.lesson.input));
    this.stage.caption.textContent = step
      ? t("caption.tangent", {step: this.stepText(step)})
      : t("caption.tangent_seed", {name: input, entry: this.lesson.entry});
    const counter = this.result.querySelector("#forward-counter");
    if (counter) counter.textContent = `${i + 1} / ${this.lesson.timeline.length}`;
    for (const b of this.result.querySelectorAll(".forward-step")) {
      b.classList.toggle("current", b.dataset.node === step?.node);
    }
  }
}
