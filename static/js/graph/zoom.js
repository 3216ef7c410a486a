// The camera over the drawing, by its viewBox. The default view ("fit") shows the whole
// drawing when its labels are still legible that way (at least --min-label-px on screen, set
// by the CSS: 14 px on the page, 24 px in presentation mode); otherwise it shows the region
// around the step being shown at that size, and the minimap shows the whole. While the view is
// smaller than the drawing the camera follows the step being shown. The mouse wheel scrolls the
// page; Ctrl+wheel (and a trackpad's pinch, which Chromium sends as one) zooms about the
// pointer; dragging pans; the buttons zoom about the centre or go back to the default view.
import {Minimap} from "./minimap.js";

const STEP = 1.25;
const DEFAULT_MIN_LABEL_PX = 14;
const LABEL_PX_SLACK = 0.1;  // a hair above the minimum, whatever the rounding on the way
const FOLLOW_MARGIN = 0.08;  // of the view: an element this close to its edge is recentred

export class ZoomPan {
  constructor(container, minimapBox) {
    this.container = container;
    this.svg = null;
    this.focus = null;  // the box (drawing units) of the step being shown
    this.minimap = new Minimap(minimapBox, (x, y) => this.centreOn({x, y, w: 0, h: 0}));
    container.addEventListener("wheel", (e) => this.onWheel(e), {passive: false});
    container.addEventListener("pointerdown", (e) => this.onPointerDown(e));
    container.addEventListener("pointermove", (e) => this.onPointerMove(e));
    container.addEventListener("pointerup", (e) => this.onPointerUp(e));
    container.addEventListener("pointercancel", (e) => this.onPointerUp(e));
    // The frame, not the drawing's own box: that one shrinks when the minimap takes its strip.
    new ResizeObserver(() => this.svg && this.fit()).observe(container.parentElement || container);
  }

  attach(svg) {
    this.svg = svg;
    this.focus = null;
    const box = svg.viewBox.baseVal;
    if (box && box.width && box.height) {
      this.full = {x: box.x, y: box.y, w: box.width, h: box.height};
    } else {
      const bbox = svg.getBBox();
      this.full = {x: bbox.x, y: bbox.y, w: bbox.width || 100, h: bbox.height || 100};
    }
    // The smallest value or gradient label sets the scale the default view keeps.
    const sizes = [...svg.querySelectorAll("g.node text.value, g.node text.grad")]
      .map((text) => parseFloat(text.getAttribute("font-size"))).filter((size) => size > 0);
    this.labelFont = sizes.length ? Math.min(...sizes) : 12;
    this.base = {...this.full};  // the drawing's own extent, before any group is opened
    this.minimap.attach(svg, this.full);
    this.fit();
  }

  // The drawing grew or shrank (a group opened or closed, groups.js): its new extent; the
  // camera stays where it is, so nothing on screen moves.
  extend(full) {
    if (!this.svg) return;
    this.full = full;
    this.minimap.attach(this.svg, full);
    if (this.view) this.set(this.view);
  }

  detach() {
    this.svg = null;
    this.minimap.attach(null);
  }

  set(view) {
    this.view = view;
    this.svg?.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
    this.minimap.show(view, this.whole(view));
  }

  whole(view) {
    const f = this.full;
    return view.x <= f.x + 0.5 && view.y <= f.y + 0.5 &&
      view.x + view.w >= f.x + f.w - 0.5 && view.y + view.h >= f.y + f.h - 0.5;
  }

  // Screen pixels per drawing unit below which the labels would be too small to read.
  minScale() {
    const px = parseFloat(getComputedStyle(this.container).getPropertyValue("--min-label-px"));
    return ((px || DEFAULT_MIN_LABEL_PX) + LABEL_PX_SLACK) / this.labelFont;
  }

  // The default view: the whole drawing, or the legible region around the step shown.
  fit() {
    if (!this.full) return;
    this.minimap.reserve(false);
    const scale = this.minScale();
    const {clientWidth: fullWidth, clientHeight: fullHeight} = this.container;
    if (!fullWidth || !fullHeight ||
        Math.min(fullWidth / this.full.w, fullHeight / this.full.h) >= scale) {
      this.set({...this.full});
      return;
    }
    this.minimap.reserve(true);  // the region's size is what is left beside the minimap
    const w = this.container.clientWidth / scale;
    const h = this.container.clientHeight / scale;
    const f = this.focus ?? this.full;
    this.set(this.clamped({x: f.x + f.w / 2 - w / 2, y: f.y + f.h / 2 - h / 2, w, h}));
  }

  // Bring `box` (drawing units; a group just opened) into view: nothing moves if it is
  // inside already; else at the current scale, or smaller down to the legible one, whole if
  // it fits, else from its start (its left, or its top when laid out top to bottom).
  reveal(box, topToBottom) {
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    const v = this.view;
    if (!v || !width || !height) return;
    if (box.x >= v.x && box.y >= v.y && box.x + box.w <= v.x + v.w && box.y + box.h <= v.y + v.h) return;
    const fits = Math.min(width / box.w, height / box.h);
    const scale = Math.min(width / v.w, Math.max(this.minScale(), fits));
    const w = width / scale;
    const h = height / scale;
    const margin = 12 / scale;
    const x = topToBottom || box.w <= w ? box.x + box.w / 2 - w / 2 : box.x - margin;
    const y = !topToBottom || box.h <= h ? box.y + box.h / 2 - h / 2 : box.y - margin;
    this.set(this.clamped({x, y, w, h}));
  }

  // A view no further outside the drawing than needed: a view larger than the drawing one way
  // is centred that way.
  clamped(view) {
    const f = this.full;
    const along = (start, size, fullStart, fullSize) => (size >= fullSize
      ? fullStart + (fullSize - size) / 2
      : Math.min(Math.max(start, fullStart), fullStart + fullSize - size));
    return {...view, x: along(view.x, view.w, f.x, f.w), y: along(view.y, view.h, f.y, f.h)};
  }

  centreOn(box) {
    if (!this.view) return;
    const v = this.view;
    this.set(this.clamped({x: box.x + box.w / 2 - v.w / 2, y: box.y + box.h / 2 - v.h / 2,
      w: v.w, h: v.h}));
  }

  // The step being shown: `elements` (SVG groups). The camera recentres on them when they
  // are not well inside a view smaller than the drawing.
  follow(elements) {
    if (!this.svg || !this.view) return;
    const box = this.boxOf(elements);
    if (!box) return;
    this.focus = box;
    if (this.whole(this.view)) return;
    const v = this.view;
    const mx = v.w * FOLLOW_MARGIN;
    const my = v.h * FOLLOW_MARGIN;
    const inside = box.x >= v.x + mx && box.y >= v.y + my &&
      box.x + box.w <= v.x + v.w - mx && box.y + box.h <= v.y + v.h - my;
    if (!inside) this.centreOn(box);
  }

  // The union of the elements' boxes, in drawing units (through the screen: a group's own
  // getBBox is in the coordinates of graphviz's translated graph group).
  boxOf(elements) {
    const ctm = this.svg.getScreenCTM();
    if (!ctm || !elements.length) return null;
    const inverse = ctm.inverse();
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const el of elements) {
      const r = el.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      for (const [cx, cy] of [[r.left, r.top], [r.right, r.bottom]]) {
        const p = new DOMPoint(cx, cy).matrixTransform(inverse);
        x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y);
        x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
      }
    }
    return x0 === Infinity ? null : {x: x0, y: y0, w: x1 - x0, h: y1 - y0};
  }

  // factor > 1 zooms in; (fx, fy) is the fixed point as a fraction of the view.
  zoom(factor, fx = 0.5, fy = 0.5) {
    if (!this.view) return;
    const v = this.view;
    const w = Math.min(Math.max(v.w / factor, this.full.w / 20), this.full.w * 4);
    const h = w * (v.h / v.w);
    this.set({x: v.x + (v.w - w) * fx, y: v.y + (v.h - h) * fy, w, h});
  }

  zoomIn() { this.zoom(STEP); }
  zoomOut() { this.zoom(1 / STEP); }

  // Where a client point falls in the drawing, as fractions of the current view.
  fraction(clientX, clientY) {
    const ctm = this.svg.getScreenCTM();
    const point = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
    return {fx: (point.x - this.view.x) / this.view.w, fy: (point.y - this.view.y) / this.view.h};
  }

  onWheel(event) {
    if (!this.svg || !event.ctrlKey) return;  // the page scrolls
    event.preventDefault();
    const {fx, fy} = this.fraction(event.clientX, event.clientY);
    this.zoom(event.deltaY < 0 ? STEP : 1 / STEP, fx, fy);
  }

  onPointerDown(event) {
    if (!this.svg || event.button !== 0) return;
    this.drag = {x: event.clientX, y: event.clientY, view: {...this.view}, moved: false};
  }

  onPointerMove(event) {
    if (!this.drag) return;
    const dx = event.clientX - this.drag.x;
    const dy = event.clientY - this.drag.y;
    if (!this.drag.moved && Math.hypot(dx, dy) < 4) return;  // a click, not a drag
    if (!this.drag.moved) this.container.setPointerCapture(event.pointerId);
    this.drag.moved = true;
    this.container.classList.add("panning");
    const scale = this.svg.getScreenCTM().a;  // screen pixels per user unit
    const v = this.drag.view;
    this.set({x: v.x - dx / scale, y: v.y - dy / scale, w: v.w, h: v.h});
  }

  onPointerUp(event) {
    if (this.drag?.moved && this.container.hasPointerCapture(event.pointerId)) {
      this.container.releasePointerCapture(event.pointerId);
    }
    this.drag = null;
    this.container.classList.remove("panning");
  }
}
