// Talking to /api: the graph JSON (POST) and its SVG drawing (GET).
// Errors come back as application/problem+json; they are thrown as ApiProblem.

export class ApiProblem extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || "error");
    this.problem = problem;
  }
}

async function problemFrom(response) {
  let problem = {status: response.status, title: response.statusText};
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) {
    try {
      problem = {...problem, ...(await response.json())};
    } catch {
      // A body that is not JSON: keep the status line.
    }
  }
  const retry = response.headers.get("retry-after");
  if (retry) problem.retryAfter = retry;
  return new ApiProblem(problem);
}

export async function fetchGraph(urls, source) {
  const response = await fetch(urls.graph, {
    method: "POST",
    headers: {"content-type": "application/json", accept: "application/json"},
    body: JSON.stringify({source}),
  });
  if (!response.ok) throw await problemFrom(response);
  return response.json();
}

// A GET address for one rendering (SVG, PNG, JSON) of a program.
export function renderingUrl(base, source, options = {}) {
  const query = new URLSearchParams({source, ...options});
  return `${base}?${query}`;
}

export async function fetchSvg(urls, source, options) {
  const response = await fetch(renderingUrl(urls.svg, source, options));
  if (!response.ok) throw await problemFrom(response);
  return response.text();
}
