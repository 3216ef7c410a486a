// Talking to /api: the graph JSON (POST) and its drawings (GET), at the addresses of the page
// config. Errors are thrown as ApiProblem (lib/fetch.js).
import {getText, postJson} from "../lib/fetch.js";

export function fetchGraph(urls, source) {
  return postJson(urls.graph, {source});
}

// A GET address for one rendering (SVG, PNG, JSON) of a program.
export function renderingUrl(base, source, options = {}) {
  const query = new URLSearchParams({source, ...options});
  return `${base}?${query}`;
}

export function fetchSvg(urls, source, options) {
  return getText(renderingUrl(urls.svg, source, options));
}
