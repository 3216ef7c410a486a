// Zoom and pan over the SVG by changing its viewBox: wheel zooms about the pointer,
// dragging pans, and the buttons zoom about the centre or fit the whole drawing.
const STEP = 1.25;

export class ZoomPan {
  constructor(container) {
    this.container = container;
    this.svg = null;
    container.addEventListener("wheel", (e) => this.onWheel(e), {passive: false});
    container.addEventListener("pointerdown", (e) => this.onPointerDown(e));
    container.addEventListener("pointermove", (e) => this.onPointerMove(e));
    container.addEventListener("pointerup", (e) => this.onPointerUp(e));
    container.addEventListener("pointercancel", (e) => this.onPointerUp(e));
  }

  attach(svg) {
    this.svg = svg;
    const box = svg.viewBox.baseVal;
    if (box && box.width && box.height) {
      this.full = {x: box.x, y: box.y, w: box.width, h: box.height};
    } else {
      const bbox = svg.getBBox();
      this.full = {x: bbox.x, y: bbox.y, w: bbox.width || 100, h: bbox.height || 100};
    }
    this.fit();
  }

  set(view) {
    this.view = view;
    this.svg?.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  }

  fit() {
    if (this.full) this.set({...this.full});
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
    if (!this.svg) return;
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
