// Gradient descent on a function of one number: the trajectory on the function's curve, the
// loss per step, and the final x. A program with its own loop (x.data = x.data - lr * x.grad)
// shows its own trajectory; any other one-input program is descended with the chosen learning
// rate, number of steps and start.
import {$} from "../lib/dom.js";
import {postJson} from "../lib/fetch.js";
import {formatNumber} from "../lib/format.js";
import {t} from "../page/i18n.js";
import {LessonPanel, runInto} from "./panel.js";
import {linePlot} from "./plot.js";

export class DescentPanel extends LessonPanel {
  constructor(url) {
    super(url, "descent");
    this.load(null, null);
  }

  request() {
    const body = {source: this.source, lr: Number($("descent-lr").value),
      steps: Math.trunc(Number($("descent-steps").value))};
    const start = $("descent-start").value.trim();
    if (start !== "") body.start = Number(start);
    return body;
  }

  run() {
    return runInto(this.result, this.button, async () => {
      this.show(await postJson(this.url, this.request()));
    });
  }

  show(lesson) {
    const summary = document.createElement("p");
    summary.className = "descent-summary";
    const name = lesson.input ?? "x";
    summary.textContent = lesson.mode === "program"
      ? t("ui.descent_program", {name, steps: lesson.steps, x: formatNumber(lesson.final.x)})
      : t("ui.descent_own", {name, steps: lesson.steps, lr: formatNumber(lesson.lr),
        x: formatNumber(lesson.final.x)});
    const plots = document.createElement("div");
    plots.className = "lesson-plots";
    plots.append(this.curvePlot(lesson, name), this.lossPlot(lesson));
    this.result.replaceChildren(summary, plots);
  }

  curvePlot(lesson, name) {
    const trajectory = lesson.x.map((x, i) => [x, lesson.loss[i]]).filter(([, y]) => y !== null);
    const series = [];
    if (lesson.curve) {
      series.push({label: t("ui.descent_curve"), className: "series-curve", kind: "line",
        points: lesson.curve.x.map((x, i) => [x, lesson.curve.y[i]])});
    }
    series.push({label: t("ui.descent_trajectory"), className: "series-trajectory", kind: "both",
      points: trajectory});
    return this.figure(linePlot({title: t("ui.descent_curve_title", {name}), xLabel: name,
      yLabel: "f", series}), t("ui.descent_curve_title", {name}));
  }

  lossPlot(lesson) {
    const points = lesson.step.map((k, i) => [k, lesson.loss[i]]).filter(([, y]) => y !== null);
    return this.figure(linePlot({title: t("ui.descent_loss_title"), xLabel: t("ui.descent_step"),
      yLabel: t("ui.descent_loss"), series: [{label: t("ui.descent_loss"), className: "series-loss",
        kind: "line", points}]}), t("ui.descent_loss_title"));
  }

  figure(svg, text) {
    const figure = document.createElement("figure");
    figure.className = "lesson-plot";
    const caption = document.createElement("figcaption");
    caption.textContent = text;
    figure.append(svg, caption);
    return figure;
  }
}
