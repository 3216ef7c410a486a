// A lesson panel: showing the answer of its endpoint (lib/fetch.js postJson) or its problem.
import {$} from "../lib/dom.js";
import {ApiProblem} from "../lib/fetch.js";
import {t} from "../page/i18n.js";

// Run `work` for a panel: a busy note while it runs, the problem's detail if it fails.
export async function runInto(result, button, work) {
  button.disabled = true;
  const note = document.createElement("p");
  note.className = "lesson-busy";
  note.textContent = t("ui.lesson_running");
  result.replaceChildren(note);
  try {
    await work();
  } catch (error) {
    const problem = document.createElement("p");
    problem.className = "lesson-problem";
    problem.setAttribute("role", "alert");
    problem.textContent = error instanceof ApiProblem
      ? `${error.problem.title || ""}: ${error.problem.detail || ""}` : String(error);
    result.replaceChildren(problem);
  } finally {
    button.disabled = false;
  }
}

// What every lesson panel shares: its Run button (#NAME-run) and result area (#NAME-result),
// and being reset when a new program is loaded. Subclasses add their own fields in load().
export class LessonPanel {
  constructor(url, name) {
    this.url = url;
    this.button = $(`${name}-run`);
    this.result = $(`${name}-result`);
    this.button.addEventListener("click", () => this.run());
  }

  load(index, source) {
    this.index = index;
    this.source = source;
    this.button.disabled = source === null;
    this.result.replaceChildren();
  }
}
