// Numerical vs automatic differentiation: forward and central differences with h = 1e-6 for
// every input, their errors against autograd, the number of runs each method needs, and the
// error against h from 1e-1 to 1e-12 (truncation error falls, cancellation error rises).
import {postJson} from "../lib/fetch.js";
import {formatNumber, formatValue} from "../lib/format.js";
import {t} from "../page/i18n.js";
import {LessonPanel, runInto} from "./panel.js";
import {linePlot} from "./plot.js";

function cell(row, text, header = false) {
  const c = document.createElement(header ? "th" : "td");
  c.textContent = text;
  row.append(c);
}

export class NumericsPanel extends LessonPanel {
  constructor(url) {
    super(url, "numerics");
    this.load(null, null);
  }

  run() {
    return runInto(this.result, this.button, async () => {
      this.show(await postJson(this.url, {source: this.source}));
    });
  }

  show(lesson) {
    this.result.replaceChildren(this.table(lesson), this.counts(lesson), this.plot(lesson.sweep));
  }

  table(lesson) {
    const table = document.createElement("table");
    table.className = "numerics-table";
    const caption = document.createElement("caption");
    caption.textContent = t("ui.numerics_caption", {h: formatNumber(lesson.h), dtype: lesson.dtype});
    const head = document.createElement("tr");
    for (const key of ["ui.numerics_input", "ui.numerics_autograd", "ui.numerics_forward",
      "ui.numerics_forward_error", "ui.numerics_central", "ui.numerics_central_error"]) {
      cell(head, t(key), true);
    }
    table.append(caption, head);
    for (const row of lesson.inputs) {
      const tr = document.createElement("tr");
      tr.dataset.input = row.name ?? "";
      cell(tr, row.name ?? "?");
      for (const key of ["grad", "forward", "forward_error", "central", "central_error"]) {
        cell(tr, formatValue(row[key], row.shape));
      }
      table.append(tr);
    }
    return table;
  }

  counts(lesson) {
    const p = document.createElement("p");
    p.className = "numerics-counts";
    const e = lesson.evaluations;
    p.textContent = t("ui.numerics_counts", {n: e.entries, forward: e.forward, central: e.central});
    return p;
  }

  plot(sweep) {
    const figure = document.createElement("figure");
    figure.className = "lesson-plot";
    const points = (errors) => sweep.h.map((h, i) => [h, errors[i]]);
    figure.append(linePlot({
      title: t("ui.numerics_plot", {name: sweep.input ?? "?"}),
      xLabel: "h", yLabel: t("ui.numerics_error"), xLog: true, yLog: true,
      marks: [{x: 1e-6, label: "h = 1e-6"}],
      series: [
        {label: t("ui.numerics_forward"), points: points(sweep.forward_error), kind: "both", className: "series-forward"},
        {label: t("ui.numerics_central"), points: points(sweep.central_error), kind: "both", className: "series-central"},
      ],
    }));
    const caption = document.createElement("figcaption");
    caption.textContent = t("ui.numerics_plot", {name: sweep.input ?? "?"});
    figure.append(caption);
    return figure;
  }
}
