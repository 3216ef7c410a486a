// The program editor: a textarea with a line-number gutter, Ctrl/Cmd+Enter to run,
// and an error mark on one line (the gutter number and a band behind the text).
export class Editor {
  constructor({textarea, gutter, band, onRun}) {
    this.textarea = textarea;
    this.gutter = gutter;
    this.band = band;
    this.errorLine = null;
    textarea.addEventListener("input", () => {
      this.clearError();
      this.renderGutter();
    });
    textarea.addEventListener("scroll", () => this.syncScroll());
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        onRun();
      }
    });
    this.renderGutter();
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.clearError();
    this.renderGutter();
  }

  lineCount() {
    return this.textarea.value.split("\n").length;
  }

  renderGutter() {
    const lines = [];
    for (let i = 1; i <= this.lineCount(); i++) {
      const div = document.createElement("div");
      div.textContent = String(i);
      if (i === this.errorLine) div.className = "error-line";
      lines.push(div);
    }
    this.gutter.replaceChildren(...lines);
    this.syncScroll();
  }

  syncScroll() {
    this.gutter.scrollTop = this.textarea.scrollTop;
    if (this.errorLine) this.placeBand();
  }

  lineHeight() {
    return parseFloat(getComputedStyle(this.textarea).lineHeight) || 24;
  }

  placeBand() {
    const padding = parseFloat(getComputedStyle(this.textarea).paddingTop) || 0;
    const top = padding + (this.errorLine - 1) * this.lineHeight() - this.textarea.scrollTop;
    this.band.style.top = `${top}px`;
    this.band.style.height = `${this.lineHeight()}px`;
  }

  // line and column are 1-based; the caret goes to the spot (without taking the focus).
  markError(line) {
    if (!Number.isInteger(line) || line < 1) return;
    this.errorLine = Math.min(line, this.lineCount());
    this.band.hidden = false;
    this.renderGutter();
    const top = (this.errorLine - 1) * this.lineHeight();
    const box = this.textarea;
    if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - this.lineHeight()) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 2);
    }
    this.placeBand();
  }

  clearError() {
    if (this.errorLine === null) return;
    this.errorLine = null;
    this.band.hidden = true;
    this.renderGutter();
  }

  lineText(line) {
    return this.textarea.value.split("\n")[line - 1] ?? "";
  }
}
