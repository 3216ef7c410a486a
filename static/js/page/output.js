// What a run printed and warned, and why a program recorded no graph, under the drawing.
import {$} from "../lib/dom.js";
import {t} from "./i18n.js";

// Why a program recorded no graph (the document's `no_graph`), in the page's language.
const NO_GRAPH = {
  "plain-numbers": "graph.no_graph_plain_numbers",
  "no-requires-grad": "graph.no_graph_no_requires_grad",
  "nothing-computed": "graph.no_graph_nothing_computed",
  "backward-on-leaf": "graph.no_graph_backward_on_leaf",
};

export function noGraphReason(doc) {
  return t(NO_GRAPH[doc.no_graph] || "graph.nothing_recorded");
}

export function showOutput(doc) {
  $("stdout").textContent = doc.stdout || "";
  $("stdout-box").hidden = !doc.stdout;
  const warnings = (doc.warnings || []).map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  });
  $("warnings").replaceChildren(...warnings);
  $("warnings-box").hidden = !warnings.length;
}

export function hideOutput() {
  $("stdout-box").hidden = true;
  $("warnings-box").hidden = true;
}
