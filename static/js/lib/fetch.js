// Asking the server: JSON or text back, or an ApiProblem thrown with the
// application/problem+json body, the status and the Retry-After the server sent.

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

// The response to `url` (fetch's options), once it is known to be a success.
export async function fetchOk(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw await problemFrom(response);
  return response;
}

// POST `body` as JSON; the JSON answer.
export async function postJson(url, body) {
  const response = await fetchOk(url, {
    method: "POST",
    headers: {"content-type": "application/json", accept: "application/json"},
    body: JSON.stringify(body),
  });
  return response.json();
}

export async function getText(url) {
  return (await fetchOk(url)).text();
}
