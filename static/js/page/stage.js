// The stage around the drawing: the panel's shape (for direction=auto), where the keys go,
// bringing the graph into view on a narrow screen, and a player that is inert without a graph.
import {$} from "../lib/dom.js";

const PLAYER_BUTTONS = ["step-first", "step-back", "play-pause", "step-forward", "step-last"];

// {aspect: "1.8"}: the graph frame's width / height, rounded (one drawing per shape, cached
// on the server), for direction=auto; {} for a chosen direction.
export function panelAspect(direction) {
  const frame = document.querySelector(".graph-frame");
  if (direction !== "auto" || !frame.clientWidth || !frame.clientHeight) return {};
  const ratio = Math.min(Math.max(frame.clientWidth / frame.clientHeight, 0.1), 10);
  return {aspect: ratio.toFixed(1)};
}

// Focus on the graph's pane, where ← → Space Home End step (controls.js).
export function toStepper() {
  $("graph-pane").focus({preventScroll: true});
}

// On a narrow screen (one column) the graph is below the editor: bring it into view.
export function showGraph(reducedMotion) {
  if (!matchMedia("(max-width: 1100px)").matches) return;
  $("graph-pane").scrollIntoView({block: "start", behavior: reducedMotion ? "auto" : "smooth"});
}

// Without a graph the player's buttons are inert and the note says why.
export function showPlayable(playable) {
  for (const id of PLAYER_BUTTONS) {
    const button = $(id);
    button.setAttribute("aria-disabled", String(!playable));
    if (playable) button.removeAttribute("aria-describedby");
    else button.setAttribute("aria-describedby", "player-note");
  }
  $("player-note").hidden = playable;
}
