// The lecture's panels under the graph: numerical vs automatic differentiation, gradient
// descent and forward mode. Each asks its own endpoint (POST JSON, problem+json on errors) for
// the program on show, only when its button is pressed: they cost evaluations.
import {DescentPanel} from "./teaching-descent.js";
import {ForwardPanel} from "./teaching-forward.js";
import {NumericsPanel} from "./teaching-numerics.js";

const $ = (id) => document.getElementById(id);

export class Lessons {
  constructor({view}) {
    const urls = $("lessons").dataset;
    this.numerics = new NumericsPanel(urls.numericsUrl);
    this.descent = new DescentPanel(urls.descentUrl);
    this.forward = new ForwardPanel(urls.forwardUrl, view);
  }

  load(index, source) {
    for (const panel of [this.numerics, this.descent, this.forward]) panel.load(index, source);
  }

  clear() {
    this.load(null, null);
  }
}
