// Buttons, the scrubber, speed, theme, language, presentation, zoom, and the keyboard:
// Left/Right step, Space plays/pauses, Home/End jump, + - 0 zoom, Escape leaves presentation.
// Forward mode, while on, takes the stepping keys (not Home). Keys typed into the editor or a
// form field are theirs, not the player's.
import {$} from "../lib/dom.js";

function typingIn(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && target.type !== "range";
}

function onKey(app, event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.composedPath()[0];  // inside the editor's shadow root too
  if (event.key === "Escape" && target instanceof Element &&
      (target.closest("#editor") || event.target.closest?.("#editor"))) {
    event.preventDefault();  // Esc leaves the editor to the stepper
    app.toStepper();
    return;
  }
  if (typingIn(target)) return;
  const onRange = target instanceof HTMLInputElement;  // the scrubber moves itself
  // In forward mode the stepping keys step its tangents; Home goes back to the page's start.
  const player = app.lessons.forward.active && event.key !== "Home"
    ? app.lessons.forward.player : app.player;
  const actions = {
    ArrowRight: () => player.forward(),
    ArrowLeft: () => player.back(),
    Home: () => player.first(),
    End: () => player.last(),
    " ": () => player.toggle(),
    "+": () => app.zoom.zoomIn(),
    "=": () => app.zoom.zoomIn(),
    "-": () => app.zoom.zoomOut(),
    0: () => app.zoom.fit(),
    Escape: () => document.body.classList.contains("present") && app.setPresent(false),
  };
  const action = actions[event.key];
  if (!action || (onRange && event.key !== " " && event.key !== "Escape")) return;
  event.preventDefault();
  action();
}

export function bindControls(app) {
  const player = app.player;
  $("run-button").addEventListener("click", () => app.run({autoplay: true}));
  $("step-first").addEventListener("click", () => player.first());
  $("step-back").addEventListener("click", () => player.back());
  $("play-pause").addEventListener("click", () => player.toggle());
  $("step-forward").addEventListener("click", () => player.forward());
  $("step-last").addEventListener("click", () => player.last());
  $("scrubber").addEventListener("input", (event) => {
    player.pause();
    player.go(Number(event.target.value));
  });
  $("speed-select").addEventListener("change", (event) => player.setSpeed(Number(event.target.value)));
  $("theme-toggle").addEventListener("click", () =>
    app.setTheme(app.theme === "dark" ? "light" : "dark", true));
  $("present-toggle").addEventListener("click", () =>
    app.setPresent(!document.body.classList.contains("present")));
  $("lang-select").addEventListener("change", (event) => app.setLanguage(event.target.value));
  $("direction-select").addEventListener("change", (event) => app.setDirection(event.target.value));
  let resizing = null;
  window.addEventListener("resize", () => {
    app.paths.fitFormula();
    clearTimeout(resizing);
    resizing = setTimeout(() => app.reshape(), 300);
  });
  $("zoom-in").addEventListener("click", () => app.zoom.zoomIn());
  $("zoom-out").addEventListener("click", () => app.zoom.zoomOut());
  $("zoom-fit").addEventListener("click", () => app.zoom.fit());
  document.addEventListener("keydown", (event) => onKey(app, event));
  // A choice made in a select hands the keys back to the stepper (the language's select
  // too): ← → would otherwise change the choice just made.
  for (const select of document.querySelectorAll("select")) {
    select.addEventListener("change", () => app.toStepper());
  }
}
