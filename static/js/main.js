// The page: wires the editor, the drawing, the player, the paths panel and the URL together.
import {fetchGraphAndDrawing, fetchSvg} from "./graph/api.js";
import {captionFor, drawingLabel} from "./graph/caption.js";
import {ExportPanel} from "./graph/export.js";
import {GraphView} from "./graph/graph-view.js";
import {GroupedPage} from "./graph/grouped-page.js";
import {indexGraph} from "./graph/model.js";
import {PathsPanel} from "./graph/paths-panel.js";
import {BEFORE_START, Player} from "./graph/player.js";
import {ZoomPan} from "./graph/zoom.js";
import {Lessons} from "./lessons/lessons.js";
import {LiveInputs} from "./live/live-inputs.js";
import {Quiz} from "./quiz/quiz.js";
import {RulePanel} from "./lessons/rule.js";
import {$, jsonBlock} from "./lib/dom.js";
import {ApiProblem} from "./lib/fetch.js";
import {bindControls} from "./page/controls.js";
import {CodeEditor} from "./page/code-editor.js";
import {renderGallery} from "./page/gallery.js";
import {language, loadLanguage, preferredLanguage, t, translatePage} from "./page/i18n.js";
import {hideOutput, noGraphReason, showOutput} from "./page/output.js";
import {showPlaying, showStep} from "./page/player-bar.js";
import {ProblemBox} from "./page/problem.js";
import {panelAspect, showGraph, toStepper} from "./page/stage.js";
import {readState, writeState} from "./page/url-state.js";
import {PageViews} from "./views/views.js";

const reducedMotion = () => matchMedia("(prefers-reduced-motion: reduce)").matches;

class App {
  // config: the page config (webapp/web/pages.py): addresses, catalogs, the player's steps.
  constructor(config, examples) {
    this.urls = config;
    this.examples = examples;
    this.index = null;
    this.source = null;  // the source of the graph on show
    this.runCount = 0;
    this.themeChosen = null;
    this.direction = "auto";  // LR, TB, or auto: the one that suits the panel's shape
    this.drawingStyle = "autograd";  // or "torchviz": make_dot's picture of the same program
    this.exports = new ExportPanel(config);
    this.editor = new CodeEditor({
      textarea: $("source"), host: $("editor"),
      onRun: () => this.run({autoplay: true, handBack: true}),
    });
    $("editor-gutter").hidden = true;  // the textarea's own gutter and error band
    $("source").parentElement.hidden = true;
    this.problems = new ProblemBox({
      box: $("problem"), title: $("problem-title"), where: $("problem-where"),
      excerpt: $("problem-excerpt"), detail: $("problem-detail"), editor: this.editor,
    });
    this.view = new GraphView($("graph"), {
      activeFields: config.steps.active_fields,
      onInputClick: (id) => this.paths.choose(id, true),
    });
    this.zoom = new ZoomPan($("graph"), $("minimap"));
    this.player = new Player({
      stepMs: config.steps.step_ms,
      onStep: (k) => this.drawStep(k),
      onPlayingChange: (playing) => this.showPlaying(playing),
      ceiling: () => this.quiz.ceiling(),
    });
    this.quiz = new Quiz(this);  // ?quiz=1: the student works out each gradient
    this.grouped = new GroupedPage(this);  // groups drawn closed, opened on demand; search
    this.rule = new RulePanel($("rule-panel"), $("step-note"));
    this.lessons = new Lessons({urls: config.lessons, view: this.view, stage: {
      stepMs: config.steps.step_ms, caption: $("caption"), follow: (els) => this.zoom.follow(els),
      enter: () => { this.player.pause(); this.rule.clear();
        this.rule.showNote(t("caption.note_tangent")); }}});
    this.paths = new PathsPanel({
      select: $("input-select"), formula: $("paths-formula"), check: $("paths-check"),
      summary: $("paths-summary"), list: $("path-list"), view: this.view,
      onChange: () => this.saveUrl(), reducedMotion,
    });
    this.views = new PageViews(this);  // a gradient's graph, what autograd saves
    this.live = new LiveInputs(this);  // sliders for the scalar inputs (live/live-inputs.js)
  }

  get theme() { return document.documentElement.dataset.theme; }

  setTheme(theme, chosen) {
    document.documentElement.dataset.theme = theme;
    $("theme-toggle").setAttribute("aria-pressed", String(theme === "dark"));
    if (chosen) { this.themeChosen = theme; this.redraw(); this.saveUrl(); }
  }

  drawingOptions() {
    const style = this.drawingStyle === "torchviz" ? {style: "torchviz"} : {};
    return {theme: this.theme, lang: language(), direction: this.direction, ...this.aspect(),
      ...style, ...this.views.options()};
  }

  aspect() { return panelAspect(this.direction); }
  setDrawingStyle(style) {
    this.drawingStyle = style; $("style-select").value = style;
    this.redraw();
  }

  setDirection(direction) {
    this.direction = direction; $("direction-select").value = direction;
    this.redraw();
    this.saveUrl();
  }

  setPresent(on) {
    document.body.classList.toggle("present", on);
    $("present-toggle").setAttribute("aria-pressed", String(on));
    this.saveUrl();
    requestAnimationFrame(() => {
      this.zoom.fit();
      this.paths.fitFormula();
      this.reshape();
    });
  }

  // The panel changed shape (presentation mode, a resized window): with direction=auto the
  // other layout may now suit it better.
  reshape() {
    if (this.direction === "auto" && this.aspect().aspect !== this.drawnAspect) this.redraw();
  }

  async setLanguage(lang) {
    await loadLanguage(lang, this.urls.catalogs);
    $("lang-select").value = lang;
    translatePage();
    this.editor.relabel();
    this.renderGallery();
    this.showPlaying(this.player.playing);
    this.paths.rerender();
    if (this.index) this.drawStep(this.player.step);
    this.saveUrl();
  }

  renderGallery() {
    renderGallery($("gallery-list"), this.examples, language(), (example) => {
      this.editor.value = example.source;
      this.run({autoplay: true});
    });
  }

  saveUrl() {
    writeState({
      source: this.source,
      step: this.index ? this.player.step : null,
      input: this.paths.chosenName(),
      present: document.body.classList.contains("present"),
      lang: language(),
      theme: this.themeChosen,
      direction: this.direction,
      quiz: this.quiz.on,
    });
  }

  // handBack: the keys go to the stepper afterwards (Ctrl+Enter in the editor).
  async run({step = null, input = null, autoplay = false, handBack = false} = {}) {
    const source = this.editor.value;
    const run = ++this.runCount;
    this.player.pause();
    this.problems.clear();
    $("run-status").textContent = t("editor.running");
    document.body.classList.add("busy");
    this.views.leave();
    const result = await this.fetchGraphAndDrawing(source);
    if (run !== this.runCount) return;  // a newer run has started
    this.finishRun();
    if (result.error) {
      this.showFailure(result.error);
      return;
    }
    this.source = source;
    this.load(result.doc, result.svgText, result.svgError);
    this.views.loaded(result.doc);
    if (!this.index) {  // the program recorded no graph: its output and the warning say why
      this.player.load(0);
      this.saveUrl();
      return;
    }
    const count = this.index.timeline.length;
    const start = step ?? (autoplay && !reducedMotion() ? BEFORE_START : count - 1);
    if (input) this.paths.choose(this.paths.inputIdByName(input));
    this.player.load(count, start);
    if (autoplay && step === null && !reducedMotion()) this.player.play();
    this.saveUrl();
    if (handBack) this.toStepper();
    showGraph(reducedMotion());
  }

  toStepper() { toStepper(); }

  fetchGraphAndDrawing(source) {
    this.drawnAspect = this.aspect().aspect;
    return fetchGraphAndDrawing(this.urls, source, language(), this.drawingOptions());
  }

  finishRun() { document.body.classList.remove("busy"); $("run-status").textContent = ""; }

  showFailure(error) {
    const problem = error instanceof ApiProblem ? error.problem : {status: null, detail: String(error)};
    this.problems.show(problem);
    this.clearGraph();
  }

  clearGraph() {
    this.index = null;
    this.view.clear();
    this.zoom.detach();
    this.paths.load(null);
    this.grouped.load(null, null);
    this.player.load(0);
    $("graph-empty").hidden = false;
    $("graph-empty").textContent = t("graph.empty");
    $("caption").textContent = "";
    this.rule.clear();
    this.lessons.clear();
    this.exports.show(false);
    hideOutput();
    showStep(0, 0);
  }

  load(doc, svgText, svgError) {
    const recorded = doc.graph.nodes.length > 0;
    this.index = recorded ? indexGraph(doc) : null;
    if (!recorded) this.view.clear();
    const drawn = recorded && svgText !== null && this.view.show(svgText);
    $("graph-empty").hidden = drawn;
    if (drawn) {
      this.zoom.attach(this.view.svg);
    } else if (!recorded) {
      $("graph-empty").textContent = noGraphReason(doc);
    } else {
      $("graph-empty").textContent = t("graph.not_drawn", {detail: svgError?.message ?? ""});
    }
    this.grouped.load(this.index, drawn ? this.view.svg : null);
    this.paths.load(this.index);
    this.lessons.load(this.index, recorded ? this.source : null);
    showOutput(doc);
    this.exports.show(recorded);
  }

  // Fetch the drawing again (theme or language changed) and put back the step and the path.
  async redraw() {
    if (!this.index || this.source === null) return;
    try {
      this.drawnAspect = this.aspect().aspect;
      const svgText = await fetchSvg(this.urls, this.source, this.drawingOptions());
      if (!this.view.show(svgText)) return;
      this.zoom.attach(this.view.svg);
      this.grouped.reload(this.view.svg);
      this.drawStep(this.player.step);
      this.paths.render();
    } catch (error) {
      $("graph-empty").textContent = t("graph.not_drawn", {detail: error.message});
    }
  }

  drawStep(k) {
    if (!this.index) return;
    this.lessons.forward.leave();  // the page's own stepping (Home too) ends forward mode
    this.view.setStep(k, this.index);
    this.zoom.follow(this.view.activeElements());
    this.view.svg?.setAttribute("aria-label", drawingLabel(this.index));
    showStep(k, this.index.timeline.length);
    $("caption").textContent = captionFor(this.index, k);
    this.rule.show(this.index, k);
    this.views.step(k);
    this.updateExports(k);
    this.quiz.step(k);  // quiz mode: the gradients not yet answered hidden, the question asked
    this.saveUrl();
  }

  updateExports(k) {
    this.exports.update({source: this.source, step: k, last: this.index.timeline.length - 1,
      theme: this.theme, lang: language(), direction: this.direction, ...this.aspect(),
      ...this.views.options()});
  }
  showPlaying(playing) { showPlaying(playing); }
}

async function start() {
  const config = jsonBlock("page-config");
  const state = readState();
  const app = new App(config, jsonBlock("lecture-examples"));
  await app.setLanguage(preferredLanguage(state.params, Object.keys(config.catalogs)));
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  app.setTheme(state.theme ?? (dark ? "dark" : "light"), false);
  app.themeChosen = state.theme;
  app.direction = state.direction;
  $("direction-select").value = state.direction;
  bindControls(app);
  $("style-select").addEventListener("change", (event) => app.setDrawingStyle(event.target.value));
  if (state.present) app.setPresent(true);
  if (state.quiz) app.quiz.setOn(true);
  app.editor.value = state.source ?? app.examples[0]?.source ?? "";
  if (state.source !== null) {
    await app.run({step: state.step, input: state.input, autoplay: true});
  }
  document.body.dataset.ready = "true";
}

start();
