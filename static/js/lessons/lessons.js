// The lecture's panels under the graph: numerical vs automatic differentiation, gradient
// descent and forward mode. Each asks its own endpoint (POST JSON, problem+json on errors) for
// the program on show, only when its button is pressed: they cost evaluations.
import {DescentPanel} from "./descent.js";
import {ForwardPanel} from "./forward.js";
import {NumericsPanel} from "./numerics.js";

export class Lessons {
  // urls: the page config's lessons, {numerics, descent, forward}; stage: forward.js's.
  constructor({urls, view, stage}) {
    this.numerics = new NumericsPanel(urls.numerics);
    this.descent = new DescentPanel(urls.descent);
    this.forward = new ForwardPanel(urls.forward, view, stage);
  }

  load(index, source) {
    for (const panel of [this.numerics, this.descent, this.forward]) panel.load(index, source);
  }

  clear() {
    this.load(null, null);
  }
}
