// The page's views of issue 15, wired to main.js's App: the graph of a gradient (a tab a
// graph, gradient-tabs.js; the second derivatives beside it, second-derivatives.js) and what
// autograd saves (an option of the drawing's select, saved-view.js). The App asks `options()` for the drawing's
// parameters, calls `leave()` when a run starts, `loaded(doc)` when its graph is on the page
// and `step(k)` at every step.
import {fetchSvg} from "../graph/api.js";
import {$} from "../lib/dom.js";
import {ApiProblem} from "../lib/fetch.js";
import {language, t} from "../page/i18n.js";
import {GradientTabs} from "./gradient-tabs.js";
import {SavedView} from "./saved-view.js";
import {markGradientNodes, SecondDerivatives} from "./second-derivatives.js";

export class PageViews {
  constructor(app) {
    this.app = app;
    this.lang = null;
    this.tabs = new GradientTabs({
      bar: $("graph-tabs"), urls: app.urls, source: () => app.source,
      fetchDrawing: () => fetchSvg(app.urls, app.source, app.drawingOptions()),
      onShow: (tab, doc, svgText) => this.show(tab, doc, svgText),
      onProblem: (error) => this.say(error),
    });
    this.second = new SecondDerivatives($("gradient-panel"));
    this.saved = new SavedView({select: $("style-select"), panel: $("saved-panel"),
      total: $("saved-total"), note: $("saved-note")});
  }

  // The drawing's parameters for the graph and view on show (added to the page's own).
  options() {
    return {...this.tabs.options(), ...this.saved.options()};
  }

  leave() {
    this.tabs.leave();
  }

  // A run's document is on the page (null: the run failed).
  loaded(doc) {
    this.tabs.load(doc);
    this.say(null);
    this.refresh();
  }

  refresh() {
    this.lang = language();
    this.second.show(this.app.index, this.tabs.tabs.length ? this.tabs.current : null);
    this.saved.load(this.app.index);
    markGradientNodes(this.app.view, this.app.index);
  }

  // A tab's graph on the page, on its own timeline, at its last step, its input chosen.
  show(tab, doc, svgText) {
    const {app} = this;
    app.load(doc, svgText);
    const count = app.index?.timeline.length ?? 0;
    const wrt = tab.entry?.wrt ?? tab.wrt;
    if (wrt) app.paths.choose(app.paths.inputIdByName(wrt));
    this.say(null);
    this.refresh();
    app.player.load(count, count - 1);
    app.saveUrl();
  }

  step(k) {
    if (this.lang !== language()) {  // the language changed: the words of the views too
      this.tabs.render();
      this.refresh();
    }
    markGradientNodes(this.app.view, this.app.index);  // a redrawn drawing is a new one
    this.saved.step(k, this.app.view);
  }

  say(error) {
    const status = $("views-status");
    if (!error) {
      status.textContent = "";
      return;
    }
    const detail = error instanceof ApiProblem ? error.problem.detail : error.message;
    status.textContent = t("views.failed", {detail});
  }
}
