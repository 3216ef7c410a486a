// One row per live input (the graph JSON's live_inputs): its name, a slider and a number
// field that follow each other. A slider spans the program's own value ± twice its size (at
// least ± 2) and widens when a number typed in lies outside. Keys: the slider's own (arrows,
// Page Up/Down, Home/End); the field takes any finite number (Enter or leaving it applies it).
import {t} from "../page/i18n.js";

const STEPS_PER_SLIDER = 200;

// 10^k, 2·10^k or 5·10^k: the tidy step nearest above `raw`.
function tidyStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw * 0.999);
}

export function sliderRange(original) {
  const half = 2 * Math.max(Math.abs(original), 1);
  const step = tidyStep((2 * half) / STEPS_PER_SLIDER);
  const snap = (v) => Math.round(v / step) * step;
  return {min: snap(original - half), max: snap(original + half), step};
}

// A number as the field shows it: the shortest text that reads back as the same double.
const shown = (v) => String(Number(v.toPrecision(12)));

export class SliderRows {
  // list: the element the rows go into; onChange(name, value): a row's value moved.
  constructor(list, onChange) {
    this.list = list;
    this.onChange = onChange;
    this.rows = new Map();
  }

  names() { return [...this.rows.keys()]; }

  // entries: live_inputs; values: {name: number} set by the user (others: the program's).
  render(entries, values) {
    this.rows = new Map();
    this.list.replaceChildren(...entries.map((entry) => this.row(entry, values[entry.name])));
  }

  row(entry, value) {
    const li = document.createElement("li");
    li.className = "live-input";
    const name = document.createElement("label");
    name.className = "live-name";
    name.textContent = entry.name;
    const slider = Object.assign(document.createElement("input"), {type: "range"});
    Object.assign(slider, sliderRange(entry.original));
    slider.id = `live-slider-${entry.name}`;
    name.htmlFor = slider.id;
    const field = Object.assign(document.createElement("input"), {type: "number", step: "any"});
    field.className = "live-number";
    const row = {entry, slider, field};
    this.rows.set(entry.name, row);
    this.relabel(row);
    this.show(row, value ?? entry.original);
    slider.addEventListener("input", () => {
      field.value = shown(Number(slider.value));
      this.onChange(entry.name, Number(slider.value));
    });
    const typed = () => {
      const v = field.valueAsNumber;
      if (!Number.isFinite(v)) return;
      this.widen(row, v);
      slider.value = String(v);
      this.onChange(entry.name, v);
    };
    field.addEventListener("change", typed);
    field.addEventListener("keydown", (event) => { if (event.key === "Enter") typed(); });
    li.append(name, slider, field);
    return li;
  }

  show(row, value) {
    this.widen(row, value);
    row.slider.value = String(value);
    if (document.activeElement !== row.field) row.field.value = shown(value);
  }

  widen(row, value) {
    if (value < Number(row.slider.min)) row.slider.min = String(value);
    if (value > Number(row.slider.max)) row.slider.max = String(value);
  }

  // Put every row back to `values` (absent: the program's own value).
  reset(values = {}) {
    for (const [name, row] of this.rows) this.show(row, values[name] ?? row.entry.original);
  }

  relabel(row) {
    const words = {name: row.entry.name, value: shown(row.entry.original)};
    row.slider.setAttribute("aria-label", t("live.slider", words));
    row.field.setAttribute("aria-label", t("live.number", words));
    row.slider.title = t("live.original", words);
  }

  relabelAll() { for (const row of this.rows.values()) this.relabel(row); }
}
