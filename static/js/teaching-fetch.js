// Asking a lesson endpoint and showing its answer or its problem in a panel.
import {ApiProblem} from "./api.js";
import {t} from "./i18n.js";

export async function postLesson(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: {"content-type": "application/json", accept: "application/json"},
    body: JSON.stringify(body),
  });
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : {};
  if (!response.ok) throw new ApiProblem({status: response.status, title: response.statusText, ...data});
  return data;
}

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
    this.button = document.getElementById(`${name}-run`);
    this.result = document.getElementById(`${name}-result`);
    this.button.addEventListener("click", () => this.run());
  }

  load(index, source) {
    this.index = index;
    this.source = source;
    this.button.disabled = source === null;
    this.result.replaceChildren();
  }
}
