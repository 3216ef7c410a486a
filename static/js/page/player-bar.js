// The player's bar: the scrubber, the step counter and the play/pause button's label.
import {$} from "../lib/dom.js";
import {BEFORE_START} from "../graph/player.js";
import {t} from "./i18n.js";
import {showPlayable} from "./stage.js";

// k: the step on show (BEFORE_START before the first); count: the timeline's length.
export function showStep(k, count) {
  const scrubber = $("scrubber");
  scrubber.min = String(BEFORE_START);
  scrubber.max = String(Math.max(count - 1, 0));
  scrubber.value = String(k);
  scrubber.disabled = count === 0;
  showPlayable(count > 0);
  const text = count ? `${k + 1} / ${count}` : "0 / 0";
  $("step-counter").textContent = text;
  scrubber.setAttribute("aria-valuetext", count ? t("player.step_of", {n: k + 1, total: count}) : "");
}

export function showPlaying(playing) {
  const button = $("play-pause");
  const key = playing ? "player.pause" : "player.play";
  button.dataset.playing = String(playing);
  button.setAttribute("aria-label", t(key));
  button.setAttribute("title", t(key));
  button.dataset.i18nAriaLabel = key;
  button.dataset.i18nTitle = key;
}
