// Asking the server: JSON or text back, or an ApiProblem thrown with the
// application/problem+json body, the status and the Retry-After the server sent.
//
// A busy server (503) or a client over its share (429) says in Retry-After when to come back:
// the request is then sent again by itself after that many seconds, at most RETRIES times,
// while whoever listens (onWaiting: the page's problem box) shows the countdown. A wait longer
// than MAX_WAIT_S is not sat through: the problem is shown at once, with its seconds. After the
// last try the problem says how many tries were made (`tries`).

export const RETRIES = 3;
export const MAX_WAIT_S = 30;
const RETRIED = new Set([429, 503]);
const DEFAULT_WAIT_S = 2;          // a 503 without Retry-After (a proxy's, say)

const listeners = new Set();

// fn({seconds, attempt, of}) each second of a wait; fn(null) when the request goes again.
export function onWaiting(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function tell(waiting) {
  for (const fn of listeners) fn(waiting);
}

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

// Seconds Retry-After asks for (a number of seconds or an HTTP date), or null.
function secondsToWait(response) {
  const header = response.headers.get("retry-after");
  if (header === null) return DEFAULT_WAIT_S;
  const seconds = /^\d+$/.test(header.trim())
    ? Number(header) : Math.ceil((Date.parse(header) - Date.now()) / 1000);
  return Number.isFinite(seconds) ? Math.max(1, seconds) : DEFAULT_WAIT_S;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function countDown(seconds, attempt) {
  for (let left = seconds; left > 0; left -= 1) {
    tell({seconds: left, attempt, of: RETRIES});
    await sleep(1000);
  }
  tell(null);
}

// The response to `url` (fetch's options), once it is known to be a success.
export async function fetchOk(url, options) {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(url, options);
    if (response.ok) return response;
    const seconds = secondsToWait(response);
    if (!RETRIED.has(response.status) || attempt > RETRIES || seconds > MAX_WAIT_S) {
      const problem = await problemFrom(response);
      if (RETRIED.has(response.status)) problem.problem.tries = attempt;
      throw problem;
    }
    await response.body?.cancel();
    await countDown(seconds, attempt);
  }
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

// The server reads a query of at most this many bytes (webapp/core/limits.py MAX_QUERY_BYTES):
// a longer one is sent as a POST of the same parameters in a JSON body (the SVG endpoint takes
// both), so a long program is drawn, never refused as too long an address.
export const MAX_QUERY_BYTES = 8000;

export async function getText(url) {
  const [path, query = ""] = url.split("?");
  if (query.length <= MAX_QUERY_BYTES) return (await fetchOk(url)).text();
  const body = Object.fromEntries(new URLSearchParams(query));
  const response = await fetchOk(path, {
    method: "POST",
    headers: {"content-type": "application/json", accept: "image/svg+xml"},
    body: JSON.stringify(body),
  });
  return response.text();
}
