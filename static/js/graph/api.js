// Talking to /api: the graph JSON (POST) and its drawings (GET), at the addresses of the page
// config. Errors are thrown as ApiProblem (lib/fetch.js).
import {getText, postJson} from "../lib/fetch.js";

// `lang`: the language of the checker's messages if the program is refused; `inputs`: live
// inputs ("x:1.5", live/live-inputs.js) or undefined.
export function fetchGraph(urls, source, lang, inputs) {
  return postJson(urls.graph, inputs ? {source, lang, inputs} : {source, lang});
}

// A GET address for one rendering (SVG, PNG, JSON) of a program.
export function renderingUrl(base, source, options = {}) {
  const query = new URLSearchParams({source, ...options});
  return `${base}?${query}`;
}

export function fetchSvg(urls, source, options) {
  return getText(renderingUrl(urls.svg, source, options));
}

// The graph JSON, then its drawing: one after the other, because a program that fails needs
// no drawing, and the server then evaluates one request at a time per program instead of two
// at once. {error} if the JSON failed; {doc, svgText: null, svgError} if only the drawing did.
export async function fetchGraphAndDrawing(urls, source, lang, drawingOptions) {
  let doc;
  try {
    doc = await fetchGraph(urls, source, lang, drawingOptions.inputs);
  } catch (error) {
    return {error};
  }
  try {
    return {doc, svgText: await fetchSvg(urls, source, drawingOptions)};
  } catch (svgError) {
    return {doc, svgText: null, svgError};
  }
}
