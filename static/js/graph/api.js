// Talking to /api: the graph JSON (POST) and its drawings (GET), at the addresses of the page
// config. Errors are thrown as ApiProblem (lib/fetch.js).
import {getText, postJson} from "../lib/fetch.js";

// `lang`: the language of the checker's messages if the program is refused.
export function fetchGraph(urls, source, lang) {
  return postJson(urls.graph, {source, lang});
}

// A GET address for one rendering (SVG, PNG, JSON) of a program.
export function renderingUrl(base, source, options = {}) {
  const query = new URLSearchParams({source, ...options});
  return `${base}?${query}`;
}

export function fetchSvg(urls, source, options) {
  return getText(renderingUrl(urls.svg, source, options));
}
