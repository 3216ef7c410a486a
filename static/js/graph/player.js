// The animation clock: the current step of the timeline, play/pause and speed.
// It knows nothing of the drawing; whoever listens to onStep draws step k.
// Step -1 is the picture before the first step (nothing computed yet).
// With runs (groups.js: a collapsed group's steps are one run), the player moves a run at a
// time and stops on each run's last step; `step` stays an index of the whole timeline.
import {visibleIndex} from "./group-steps.js";

export const BEFORE_START = -1;

export class Player {
  // stepMs: one step at 1x, the server's (page config: steps.step_ms), as in its exports.
  // ceiling(): the furthest step it may go to (quiz mode holds it at an unanswered question).
  constructor({stepMs, onStep, onPlayingChange, ceiling = () => Infinity}) {
    this.stepMs = stepMs;
    this.ceiling = ceiling;
    this.onStep = onStep;
    this.onPlayingChange = onPlayingChange;
    this.count = 0;
    this.step = 0;
    this.position = 0;  // which run (the step itself without runs)
    this.runs = null;
    this.speed = 1;
    this.timer = null;
  }

  // The runs (setRuns, or `runs` set just before) stay: they belong to the drawing.
  load(count, step = 0) {
    this.pause();
    this.count = count;
    this.go(step);
  }

  // runs: [{start, end}] covering the timeline in order, or null (every step its own).
  setRuns(runs) {
    this.runs = runs && runs.length ? runs : null;
    this.go(this.step);
  }

  get playing() {
    return this.timer !== null;
  }

  go(k) {
    if (!this.count) return;
    const step = Math.min(Math.max(Math.trunc(k) || 0, BEFORE_START), this.count - 1,
      this.ceiling());
    this.position = step < 0 || !this.runs ? step : visibleIndex(this.runs, step);
    this.step = step < 0 || !this.runs ? step : this.runs[this.position].end;
    this.onStep(this.step);
  }

  // The step `offset` runs away from the one shown.
  moved(offset) {
    if (!this.runs) return this.step + offset;
    const position = this.position + offset;
    return position < 0 ? BEFORE_START : this.runs[Math.min(position, this.runs.length - 1)].end;
  }

  // Manual moves stop the playback: the person stepping takes over.
  first() { this.pause(); this.go(BEFORE_START); }
  last() { this.pause(); this.go(this.count - 1); }
  back() { this.pause(); this.go(this.moved(-1)); }
  forward() { this.pause(); this.go(this.moved(1)); }

  play() {
    if (!this.count || this.playing) return;
    if (this.step >= this.count - 1) this.go(BEFORE_START);  // replay from the start
    this.timer = setInterval(() => this.tick(), this.stepMs / this.speed);
    this.onPlayingChange(true);
  }

  pause() {
    if (!this.playing) return;
    clearInterval(this.timer);
    this.timer = null;
    this.onPlayingChange(false);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  tick() {
    if (this.step >= Math.min(this.count - 1, this.ceiling())) {
      this.pause();
      return;
    }
    this.go(this.moved(1));
  }

  setSpeed(speed) {
    this.speed = speed;
    if (this.playing) {
      clearInterval(this.timer);
      this.timer = setInterval(() => this.tick(), this.stepMs / this.speed);
    }
  }
}
