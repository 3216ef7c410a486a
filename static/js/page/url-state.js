// The view in the URL: ?source=...&step=N&input=NAME&present=1&lang=ja&theme=dark&direction=TB (or LR; absent: auto)&quiz=1,
// kept current with history.replaceState so a copied link opens the same view.
//
// A long program goes after '#' instead (#source=...&step=N&input=NAME): the fragment never
// reaches the server, so a link holds a program of any length and opening it is never refused
// as too long (the server answers a query over 8,000 bytes with 414, webapp/core/limits.py,
// and chat programs and proxies cut long addresses well before that). Short programs stay in
// the query, readable, as links have always looked; both kinds open the same view.
export const MAX_SHARED_QUERY_BYTES = 2000;

// The live inputs' values (live/live-inputs.js) as the link writes them ("x:1.5,w:-2"), kept
// with the program (&inputs=...) whatever view state is written.
let liveInputs = "";
export function setLiveInputs(text) { liveInputs = text || ""; }

export function readState(search = location.search, hash = location.hash) {
  const params = new URLSearchParams(search);
  for (const [name, value] of new URLSearchParams(hash.replace(/^#/, ""))) params.set(name, value);
  const step = params.get("step");
  return {
    params,
    source: params.get("source"),
    step: step !== null && /^-?\d+$/.test(step) ? Number(step) : null,
    input: params.get("input"),
    present: params.get("present") === "1",
    theme: ["light", "dark"].includes(params.get("theme")) ? params.get("theme") : null,
    direction: ["LR", "TB"].includes(params.get("direction")) ? params.get("direction") : "auto",
    quiz: params.get("quiz") === "1",
  };
}

// The address of a view: [query, fragment], each a URLSearchParams string ("" if empty).
export function addressOf({source, step, input, present, lang, theme, direction, quiz,
  inputs = liveInputs}) {
  const program = new URLSearchParams();
  if (source) program.set("source", source);
  if (source && inputs) program.set("inputs", inputs);
  if (source && Number.isInteger(step)) program.set("step", String(step));
  if (source && input) program.set("input", input);
  const view = new URLSearchParams();
  if (present) view.set("present", "1");
  if (lang) view.set("lang", lang);
  if (theme) view.set("theme", theme);
  if (direction === "LR" || direction === "TB") view.set("direction", direction);
  if (quiz) view.set("quiz", "1");
  const inQuery = program.toString().length <= MAX_SHARED_QUERY_BYTES;
  const query = new URLSearchParams([...(inQuery ? program : []), ...view]).toString();
  return [query, inQuery ? "" : program.toString()];
}

export function writeState(state) {
  const [query, fragment] = addressOf(state);
  const url = `${location.pathname}${query ? `?${query}` : ""}${fragment ? `#${fragment}` : ""}`;
  const now = `${location.pathname}${location.search}${location.hash}`;
  if (url !== now) history.replaceState(null, "", url);
}
