// The export row under the drawing: download links for the current program, step and options
// (SVG, JSON, PNG, PDF, DOT; the animation as GIF, animated SVG and a PDF page per step), a
// progress indication while a slow one is made, and a "copy embed snippet" for slides.
import {$} from "../lib/dom.js";
import {ApiProblem, fetchOk} from "../lib/fetch.js";
import {t} from "../page/i18n.js";
import {renderingUrl} from "./api.js";

const SLIDE_ASPECT = "1.78";  // 16:9: direction=auto lays the graph out for a slide

export class ExportPanel {
  constructor(urls) {
    this.urls = urls;
    this.busy = false;
    for (const link of document.querySelectorAll("#export-links a[data-slow]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.download(link);
      });
    }
    $("embed-kind").addEventListener("change", () => this.showSnippet());
    for (const id of ["export-scale", "export-framing"]) {
      $(id).addEventListener("change", () => this.view && this.update(this.view));
    }
    $("embed-copy").addEventListener("click", () => this.copySnippet());
  }

  show(visible) {
    $("export-links").hidden = !visible;
    $("embed-row").hidden = !visible;
  }

  // view: {source, step, last, theme, lang, direction, aspect?}. At the last step the
  // pictures are the final one (no step's highlight); the scale and framing are the row's.
  update(view) {
    this.view = view;
    const {source, step, last, ...options} = view;
    if ($("export-framing").value === "slide") {  // laid out for 16:9, and the picture 16:9
      Object.assign(options, {direction: "auto", aspect: SLIDE_ASPECT, framing: "slide"});
    }
    const scale = $("export-scale").value;
    const url = (kind, extra = {}) => renderingUrl(this.urls[kind], source, {...extra, ...options});
    const at = step === last ? {} : {step: String(step)};
    this.hrefs = {
      "export-svg": url("svg", at),
      "export-png": url("png", {...at, scale}),
      "export-pdf": url("pdf", at),
      "export-dot": url("dot"),
      "export-gif": url("gif", {scale}),
      "export-animated-svg": url("svg", {animate: "1"}),
      "export-pdf-steps": url("pdf", {pages: "steps"}),
    };
    for (const [id, href] of Object.entries(this.hrefs)) $(id).href = href;
    const live = options.inputs ? {inputs: options.inputs} : {};  // live/live-inputs.js
    $("export-json").href = renderingUrl(this.urls.json, source, live);
    this.showSnippet();
  }

  snippet() {
    const absolute = (id) => new URL(this.hrefs[id], location.href).href;
    const alt = t("exports.embed_alt");
    switch ($("embed-kind").value) {
      case "html-step": return `<img src="${escapeHtml(absolute("export-svg"))}" alt="${escapeHtml(alt)}">`;
      case "markdown-png": return `![${alt}](${absolute("export-png")})`;
      case "markdown-gif": return `![${alt}](${absolute("export-gif")})`;
      default: return `<img src="${escapeHtml(absolute("export-animated-svg"))}" alt="${escapeHtml(alt)}">`;
    }
  }

  showSnippet() {
    if (this.hrefs) $("embed-snippet").value = this.snippet();
  }

  async copySnippet() {
    const field = $("embed-snippet");
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      this.say(t("exports.copied"));
    } catch {
      this.say(t("exports.copy_by_hand"));  // the text is selected: Ctrl+C copies it
    }
  }

  say(text) {
    $("export-status").textContent = text;
  }

  // Slow exports are fetched here, so the page can say it is working, then saved.
  async download(link) {
    if (this.busy) return;
    this.busy = true;
    const progress = $("export-progress");
    progress.hidden = false;
    link.setAttribute("aria-busy", "true");
    this.say(t("exports.preparing", {what: link.textContent.trim()}));
    try {
      const response = await fetchOk(link.href);
      const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
      save(await response.blob(), name ? name[1] : "graph");
      this.say(t("exports.ready", {what: link.textContent.trim()}));
    } catch (error) {
      const detail = error instanceof ApiProblem
        ? error.problem.detail || `${error.problem.status}` : error.message;
      this.say(t("exports.failed", {detail}));
    } finally {
      progress.hidden = true;
      link.removeAttribute("aria-busy");
      this.busy = false;
    }
  }
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
