// Live inputs on the page: a slider and a number field for each scalar input of the graph
// on show (the graph JSON's live_inputs). Moving one asks the server again for the graph with
// that value (POST /api/graph with `inputs`, through its cache and the sandbox) and writes the
// new numbers into the drawing in place (relabel.js: the same layout, only texts change),
// then the step's caption, its rule and the sum-over-paths panel; a graph of another shape is
// drawn anew. At most one request is out at a time (COALESCE_MS). The values go into the
// share link (&inputs=x:1.5).
import {fetchSvg} from "../graph/api.js";
import {indexGraph} from "../graph/model.js";
import {$} from "../lib/dom.js";
import {postJson} from "../lib/fetch.js";
import {language, t} from "../page/i18n.js";
import {readState, setLiveInputs} from "../page/url-state.js";
import {applyTexts, plannedTexts} from "./relabel.js";
import {SliderRows} from "./sliders.js";

// Movements in one task are one request (a slider's input events come a frame apart, so a drag
// sends at once); while a request is out, every movement meanwhile is merged into the one
// request for the latest value sent when it is answered. A trailing debounce of d ms would add
// d ms to every update: the budget is 100 ms from the last movement to the new picture.
const COALESCE_MS = 0;
const REFUSED = "/problems/live-input";

// "x:1.5,w:-2" (the API's query form, and the link's) <-> {x: 1.5, w: -2}
export function inputsText(values) {
  return Object.entries(values).map(([name, v]) => `${name}:${v}`).join(",");
}

export function parseInputs(text) {
  const values = {};
  for (const pair of (text || "").split(",")) {
    const [name, number] = pair.split(":");
    if (/^[A-Za-z_]\w*$/.test(name ?? "") && Number.isFinite(Number(number)) && number !== "") {
      values[name] = Number(number);
    }
  }
  return values;
}

export class LiveInputs {
  constructor(app) {
    this.app = app;
    this.box = $("live-inputs");
    this.rows = new SliderRows($("live-list"), (name, value) => this.move(name, value));
    this.values = {};
    this.fromLink = parseInputs(readState().params.get("inputs"));
    this.source = null;
    this.timer = null;
    this.sending = false;
    this.updates = 0;  // drawn updates (the page's tests and benchmark read data-live-updates)
    $("live-reset").addEventListener("click", () => this.reset());
    this.wrap(app);
  }

  // The page's own steps, with the live values added where they matter.
  wrap(app) {
    const fetchBoth = app.fetchGraphAndDrawing.bind(app);
    app.fetchGraphAndDrawing = async (source) => {
      this.forSource(source);
      const result = await fetchBoth(source);
      if (result.error?.problem?.type !== REFUSED || !this.query().inputs) return result;
      this.values = {};  // a link's values the program no longer has: its own values instead
      setLiveInputs("");
      return fetchBoth(source);
    };
    const options = app.drawingOptions.bind(app);
    app.drawingOptions = () => {  // asked for just before each drawing is fetched
      const chosen = {...options(), ...this.query()};
      this.drawnLanguage = chosen.lang;  // the words on the drawing (a new language keeps it)
      return chosen;
    };
    const load = app.load.bind(app);
    app.load = (doc, svgText, svgError) => { load(doc, svgText, svgError); this.show(doc); };
    const exportsUpdate = app.exports.update.bind(app.exports);
    app.exports.update = (view) => exportsUpdate({...view, ...this.query()});
    const setLanguage = app.setLanguage.bind(app);
    app.setLanguage = async (lang) => { await setLanguage(lang); this.rows.relabelAll(); };
  }

  query() {
    const text = inputsText(this.values);
    return text ? {inputs: text} : {};
  }

  // A run of `source`: the values stay for the same program, the link's for its first run.
  forSource(source) {
    if (source === this.source) return;
    this.values = this.source === null ? this.fromLink : {};
    this.source = source;
    setLiveInputs(inputsText(this.values));
  }

  show(doc) {
    const entries = doc.graph.nodes.length ? doc.live_inputs ?? [] : [];
    this.box.hidden = !entries.length;
    const names = entries.map((entry) => entry.name);
    if (names.join(",") === this.rows.names().join(",")) this.rows.reset(this.values);
    else this.rows.render(entries, this.values);
  }

  move(name, value) {
    this.values = {...this.values, [name]: value};
    this.changed();
  }

  reset() {
    this.values = {};
    this.rows.reset();
    this.changed();
  }

  changed() {
    setLiveInputs(inputsText(this.values));
    this.app.saveUrl();
    clearTimeout(this.timer);
    document.body.dataset.liveBusy = "true";
    this.timer = setTimeout(() => this.send(), COALESCE_MS);
  }

  async send() {
    if (this.sending) return;  // the answer on its way sends again if the values moved
    this.sending = true;
    const source = this.app.source;
    const sent = inputsText(this.values);
    try {
      const doc = await postJson(this.app.urls.graph, {source, lang: language(), ...this.query()});
      if (source === this.app.source) await this.update(doc);
      $("live-status").textContent = "";
    } catch (error) {
      const detail = error.problem?.detail ?? error.message;
      $("live-status").textContent = t("live.failed", {detail});
    } finally {
      this.sending = false;
    }
    if (source === this.app.source && inputsText(this.values) !== sent) this.send();
    else delete document.body.dataset.liveBusy;
  }

  // The new graph on the drawing on show, or drawn anew when its shape changed.
  async update(doc) {
    const app = this.app;
    const drawn = app.view.svg && doc.graph.nodes.length;
    const plan = drawn ? plannedTexts(app.view.svg, doc, this.drawnLanguage ?? language()) : null;
    if (plan) {
      applyTexts(plan);
      app.index = indexGraph(doc);
      app.paths.index = app.index;
      app.paths.rerender();
    } else {
      const svgText = await fetchSvg(app.urls, app.source, app.drawingOptions());
      const chosen = app.paths.inputId;
      app.load(doc, svgText);
      if (!app.index) return;
      app.paths.choose(chosen);
      app.player.load(app.index.timeline.length,
        Math.min(app.player.step, app.index.timeline.length - 1));
    }
    app.drawStep(app.player.step);
    this.updates += 1;
    document.body.dataset.liveUpdates = String(this.updates);
    document.body.dataset.liveRedrawn = String(!plan);
  }
}
