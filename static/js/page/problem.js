// Showing an error next to the code: a heading in the UI language, the server's own words
// (PyTorch's message for a program that failed), and the line with a caret under the column;
// and, while a busy server is waited for (lib/fetch.js retries by itself), the countdown.
import {onWaiting, RETRIES} from "../lib/fetch.js";
import {t} from "./i18n.js";

const HEADINGS = {
  400: "problem.not_allowed",
  413: "problem.too_large",
  414: "problem.too_large",
  415: "problem.bad_request",
  422: "problem.failed",
  429: "problem.rate_limited",
  503: "problem.busy",
};

export class ProblemBox {
  constructor({box, title, where, excerpt, detail, editor}) {
    Object.assign(this, {box, title, where, excerpt, detail, editor});
    this.waitingShown = false;
    onWaiting((waiting) => this.waiting(waiting));
  }

  // waiting: {seconds, attempt, of} during a wait before the request goes again; null then.
  waiting(waiting) {
    if (!waiting) {
      if (this.waitingShown) this.clear();
      return;
    }
    this.waitingShown = true;
    this.title.textContent = t("problem.retrying", waiting);
    this.where.textContent = "";
    this.excerpt.hidden = true;
    this.detail.textContent = "";
    this.box.classList.add("waiting");
    this.box.hidden = false;
  }

  clear() {
    this.waitingShown = false;
    this.box.classList.remove("waiting");
    this.box.hidden = true;
    this.editor.clearError();
  }

  // problem: the application/problem+json body (plus status); null status = no answer at all.
  show(problem) {
    const status = problem.status;
    this.waitingShown = false;
    this.box.classList.remove("waiting");
    const gaveUp = problem.tries > RETRIES;     // retried by itself, and the server stayed busy
    const key = gaveUp ? "problem.gave_up"
      : HEADINGS[status] || (status ? "problem.generic" : "problem.network");
    this.title.textContent = t(key, {seconds: problem.retryAfter ?? "?", status: status ?? "",
      tries: problem.tries ?? ""});
    const words = [problem.title, problem.detail].filter(Boolean);
    // Every refused construct, one per line: the first is `detail` itself.
    const more = (problem.errors || []).slice(1).map((error) =>
      `${t("problem.where", {line: error.line, column: error.column})}: ${error.detail}`);
    this.detail.textContent = [words.join(": "), ...more].join("\n");
    const line = Number.isInteger(problem.line) ? problem.line : null;
    const column = Number.isInteger(problem.column) ? problem.column : null;
    if (line) {
      this.where.textContent = column
        ? t("problem.where", {line, column})
        : t("problem.where_line", {line});
      const text = this.editor.lineText(line);
      const prefix = `${line} | `;
      const caret = column ? `\n${" ".repeat(prefix.length + column - 1)}^` : "";
      this.excerpt.textContent = `${prefix}${text}${caret}`;
      this.excerpt.hidden = false;
      this.editor.markError(line, column, problem.detail);
    } else {
      this.where.textContent = "";
      this.excerpt.hidden = true;
      this.editor.clearError();
    }
    // Every error the server found (`errors`, when it lists them) marked where it is.
    if (Array.isArray(problem.errors) && problem.errors.length) this.editor.markErrors?.(problem.errors);
    this.box.hidden = false;
    this.box.scrollIntoView({block: "nearest"});
  }
}
