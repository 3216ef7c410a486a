// The view in the URL: ?source=...&step=N&input=NAME&present=1&lang=ja&theme=dark&direction=TB (or LR; absent: auto),
// kept current with history.replaceState so a copied link opens the same view.
export function readState(search = location.search) {
  const params = new URLSearchParams(search);
  const step = params.get("step");
  return {
    params,
    source: params.get("source"),
    step: step !== null && /^-?\d+$/.test(step) ? Number(step) : null,
    input: params.get("input"),
    present: params.get("present") === "1",
    theme: ["light", "dark"].includes(params.get("theme")) ? params.get("theme") : null,
    direction: ["LR", "TB"].includes(params.get("direction")) ? params.get("direction") : "auto",
  };
}

export function writeState({source, step, input, present, lang, theme, direction}) {
  const params = new URLSearchParams();
  if (source) params.set("source", source);
  if (source && Number.isInteger(step)) params.set("step", String(step));
  if (source && input) params.set("input", input);
  if (present) params.set("present", "1");
  if (lang) params.set("lang", lang);
  if (theme) params.set("theme", theme);
  if (direction === "LR" || direction === "TB") params.set("direction", direction);
  const query = params.toString();
  const url = `${location.pathname}${query ? `?${query}` : ""}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, "", url);
}
