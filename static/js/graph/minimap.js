// The whole drawing in small, with a frame around the part the camera shows: visible only
// while the view is smaller than the drawing, in a strip of the frame under the drawing. A click there moves the view to that point.
// The copy carries no ids (they stay unique on the page) and is hidden from assistive
// technology: the drawing itself is described once.
const SVG_NS = "http://www.w3.org/2000/svg";

export class Minimap {
  constructor(box, onPick) {
    this.box = box;
    this.onPick = onPick;
    this.svg = null;
    box.addEventListener("pointerdown", (event) => this.pick(event));
  }

  attach(svg, full) {
    this.box.replaceChildren();
    this.svg = null;
    this.box.hidden = true;
    if (!svg) return;
    const copy = svg.cloneNode(true);
    for (const el of copy.querySelectorAll("[id]")) el.removeAttribute("id");
    copy.removeAttribute("role");
    copy.removeAttribute("aria-label");
    copy.setAttribute("viewBox", `${full.x} ${full.y} ${full.w} ${full.h}`);
    copy.setAttribute("preserveAspectRatio", "xMidYMid meet");
    this.frame = document.createElementNS(SVG_NS, "rect");
    this.frame.setAttribute("class", "minimap-view");
    copy.append(this.frame);
    this.box.append(copy);
    // The drawing's own shape, in a strip under a wide drawing or a column beside a tall one
    // (graph.css: .with-minimap).
    this.box.style.aspectRatio = `${full.w} / ${full.h}`;
    this.box.parentElement?.classList.toggle("minimap-side", full.h > full.w);
    this.svg = copy;
  }

  show(view, whole) {
    this.box.hidden = whole || !this.svg;
    this.reserve(!this.box.hidden);
    if (!this.svg) return;
    this.frame.setAttribute("x", view.x);
    this.frame.setAttribute("y", view.y);
    this.frame.setAttribute("width", view.w);
    this.frame.setAttribute("height", view.h);
  }

  // While it is shown the drawing makes room for it (graph.css): it never covers a node.
  reserve(on) {
    this.box.parentElement?.classList.toggle("with-minimap", on && Boolean(this.svg));
  }

  pick(event) {
    if (!this.svg) return;
    event.preventDefault();
    const point = new DOMPoint(event.clientX, event.clientY)
      .matrixTransform(this.svg.getScreenCTM().inverse());
    this.onPick(point.x, point.y);
  }
}
