// Whether a value we worked out agrees with autograd's, and the ✓/✗ mark that says so.
import {toNumber} from "./format.js";

const entries = (v) => (Array.isArray(v) ? v.flat(Infinity) : [v]).map(toNumber);

// True when `value` and `reference` (numbers or nested lists) agree entry by entry within a
// relative `tolerance`, false when one differs or is not a number, null when they have
// different numbers of entries: autograd's node, called alone, may hand back a broadcast
// operand's gradient before it is summed, and then no verdict can be given.
export function agrees(value, reference, tolerance) {
  const a = entries(value);
  const b = entries(reference);
  if (a.length !== b.length) return null;
  return a.every((x, i) => x === b[i] || (typeof x === "number" && typeof b[i] === "number" &&
    Math.abs(x - b[i]) <= tolerance * Math.max(1, Math.abs(x), Math.abs(b[i]))));
}

// The mark after a check: " ✓ agreeing words" (class check-ok) or " ✗ differing words" (check-bad).
export function verdictMark(ok, agreeWords, differWords) {
  const mark = document.createElement("span");
  mark.className = ok ? "check-ok" : "check-bad";
  mark.textContent = ok ? ` ✓ ${agreeWords}` : ` ✗ ${differWords}`;
  return mark;
}
