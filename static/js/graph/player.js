// The animation clock: the current step of the timeline, play/pause and speed.
// It knows nothing of the drawing; whoever listens to onStep draws step k.
// Step -1 is the picture before the first step (nothing computed yet).
export const BEFORE_START = -1;

export class Player {
  // stepMs: one step at 1x, the server's (page config: steps.step_ms), as in its exports.
  constructor({stepMs, onStep, onPlayingChange}) {
    this.stepMs = stepMs;
    this.onStep = onStep;
    this.onPlayingChange = onPlayingChange;
    this.count = 0;
    this.step = 0;
    this.speed = 1;
    this.timer = null;
  }

  load(count, step = 0) {
    this.pause();
    this.count = count;
    this.go(step);
  }

  get playing() {
    return this.timer !== null;
  }

  go(k) {
    if (!this.count) return;
    this.step = Math.min(Math.max(Math.trunc(k) || 0, BEFORE_START), this.count - 1);
    this.onStep(this.step);
  }

  // Manual moves stop the playback: the person stepping takes over.
  first() { this.pause(); this.go(BEFORE_START); }
  last() { this.pause(); this.go(this.count - 1); }
  back() { this.pause(); this.go(this.step - 1); }
  forward() { this.pause(); this.go(this.step + 1); }

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
    if (this.step >= this.count - 1) {
      this.pause();
      return;
    }
    this.go(this.step + 1);
  }

  setSpeed(speed) {
    this.speed = speed;
    if (this.playing) {
      clearInterval(this.timer);
      this.timer = setInterval(() => this.tick(), this.stepMs / this.speed);
    }
  }
}
