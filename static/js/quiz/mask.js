// The drawing's gradients kept from the student until answered: every `grad`, `local` and
// `flow` text (docs/svg.md) whose data-step is a question not yet answered is written as "?"
// ("grad ?", "local ?"), in the document itself, not merely hidden by style, so neither the
// page nor its accessibility tree holds the number. Its own words are given back when the
// question is answered or revealed, or quiz mode ends.
const MASKED = "text.grad, text.local, text.flow";

// "grad 7" -> "grad ?", "局所微分 1" -> "局所微分 ?"; a flow ("1 × 2 = 2") -> "?".
function masked(el, text) {
  if (el.classList.contains("flow")) return "?";
  const space = text.indexOf(" ");
  return space > 0 ? `${text.slice(0, space)} ?` : "?";
}

export class DrawingMask {
  constructor() {
    this.svg = null;
    this.texts = [];
    this.words = new WeakMap();  // element -> the drawing's own text
  }

  // The drawing on show (a new one after a redraw: theme, language, a group opened) and the
  // minimap's copy of it (minimap.js), the same texts in the same order: each copy takes the
  // words of its original, as the copy may have been made while they were masked.
  attach(svg, copy) {
    const texts = svg ? [...svg.querySelectorAll(MASKED)] : [];
    for (const el of texts) {
      if (!this.words.has(el)) this.words.set(el, el.textContent);
    }
    const copies = copy ? [...copy.querySelectorAll(MASKED)] : [];
    copies.forEach((el, i) => {
      if (!this.words.has(el)) this.words.set(el, this.words.get(texts[i]) ?? el.textContent);
    });
    this.svg = svg;
    this.texts = [...texts, ...copies];
  }

  // pending(step): true while the question at that step is unanswered.
  apply(pending) {
    for (const el of this.texts) {
      const own = this.words.get(el);
      const step = Number(el.getAttribute("data-step"));
      const text = pending(step) ? masked(el, own) : own;
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("quiz-masked", text !== own);
    }
  }

  clear() {
    this.apply(() => false);
  }
}
