"""A lecture hall against gunicorn on loopback: simulated students for a bounded time.

    .venv/bin/python benchmarks/load.py                    # 100 students, 60 s
    .venv/bin/python benchmarks/load.py --faults           # ... killing children and a worker
    .venv/bin/python benchmarks/load.py --students 50 --seconds 20

Each student thinks (2-8 s, like a student reading the graph; --think changes it), then opens the lecture's programs (mostly cache hits), runs a
fresh program of its own (a miss), draws an SVG, loads the page, or, one time in ten, sends a
hostile program. A 503 is honoured like a browser would: wait Retry-After, try again (at most
3 times); 503s are counted. Reports requests, failures, p50/p95 latency (cache hits apart from
misses), throughput, peak memory of the server's process tree, and processes left behind.
All traffic goes to 127.0.0.1; the run stops by itself.
"""
import argparse
import collections
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [e for e in json.loads((ROOT / "webapp" / "data" / "lecture_examples.json")
                                  .read_text(encoding="utf-8"))["examples"] if "error" not in e
            and e["id"] != "gradient_descent"]
HOSTILE = [
    "x = torch.tensor(1.0)\ny = x.__class__\n",
    "import os\n",
    "x = torch.ones(100000, 100000)\n",
    "n = 10**10**8\n",
    "f = lambda: 1\ng = f.__code__\n",       # lambda itself is allowed since issue 11
    "torch.load('x')\n",
    "x = (" * 300 + ")" * 300,
    "x = torch.tensor(1.0, requires_grad=True)\nfor i in range(10**7):\n    x = x * 1\n",
]
FRESH = ("x = torch.tensor({v}, requires_grad=True)\nw = torch.tensor({w}, requires_grad=True)\n"
         "y = torch.sin(x * w) + x ** 2 * {c}\ny.backward()\n")
# Longer than any answer takes: a queue's wait (12 s) and the wall-clock backstop (30 s).
REQUEST_TIMEOUT_S = 60


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the repository's config, on a free loopback port."""

    def __init__(self, workers=2, env=None):
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        # gunicorn's own log (its master tells why it stopped): kept for the report of a run
        # whose server died, in AUTOGRAD_LOAD_LOG if set.
        self.keep_log = bool(os.environ.get("AUTOGRAD_LOAD_LOG"))
        self.log = open(os.environ["AUTOGRAD_LOAD_LOG"] if self.keep_log else
                        tempfile.NamedTemporaryFile(prefix="autograd-gunicorn-", suffix=".log",
                                                    delete=False).name, "w")
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
             "webapp:create_app()"], cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
            env={**os.environ, "AUTOGRAD_BIND": f"127.0.0.1:{port}",
                 "AUTOGRAD_WORKERS": str(workers),
                 # one address plays a whole hall here
                 "AUTOGRAD_RATE_LIMIT": "100000 per minute",
                 "AUTOGRAD_CLIENT_CPU_S_PER_MINUTE": "100000", **(env or {})})
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def tree(self):
        """The pids of gunicorn's master and everything below it."""
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                children.setdefault(parent, []).append(int(entry))
        found, stack = [], [self.process.pid]
        while stack:
            pid = stack.pop()
            found.append(pid)
            stack.extend(children.get(pid, []))
        return found

    def memory_bytes(self):
        """Proportional set size of the whole tree: pages the fork server's children share
        with it copy-on-write are counted once, not once per child."""
        total = 0
        for pid in self.tree():
            try:
                with open(f"/proc/{pid}/smaps_rollup") as rollup:
                    for line in rollup:
                        if line.startswith("Pss:"):
                            total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total

    def workers(self):
        return [pid for pid in self.tree() if pid != self.process.pid and
                b"gunicorn" in read_cmdline(pid)]

    def evaluation_children(self):
        servers = [pid for pid in self.tree() if b"webapp.sandbox.server" in read_cmdline(pid)]
        return [pid for pid in self.tree() if parent_of(pid) in servers]

    def log_tail(self, lines=40):
        """The end of gunicorn's log, without the access lines."""
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            kept = [line.rstrip() for line in log if '"GET ' not in line and '"POST ' not in line]
        return kept[-lines:]

    def stop(self):
        pids = self.tree()
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.log.close()
        if not self.keep_log:
            os.unlink(self.log.name)
        return pids


def read_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read()
    except OSError:
        return b""


def parent_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return None


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def problem_type(answer):
    """The problem's type and the start of its detail (which of the 503s it is)."""
    try:
        problem = answer.json()
        return f"{problem.get('type')}: {str(problem.get('detail'))[:40]}"
    except ValueError:
        return answer.headers.get("Content-Type")


def student_address(number):
    """The address a student's proxy reports for it (X-Forwarded-For): a documentation address
    (TEST-NET-3), only ever a header value; all traffic goes to 127.0.0.1."""
    return f"203.0.113.{number % 250 + 1}"


class Hall:
    """`proxy`: each student behind the proxy with its own X-Forwarded-For (the server trusts
    one proxy); `at_once`: every student's first request at the start, thinking after it;
    `hostile`: the share of hostile requests."""

    def __init__(self, base, students, seconds, think=(2.0, 8.0), proxy=False, at_once=False,
                 hostile=0.10):
        self.base, self.students, self.seconds, self.think = base, students, seconds, think
        self.proxy, self.at_once, self.hostile = proxy, at_once, hostile
        self.records = []                 # (kind, status or error, seconds, first status)
        self.busy_answers = 0
        self.first_try_problems = []      # (kind, status, problem type) of normal requests
        self.connection_errors = []       # what each refused connection said, and when
        self.lock = threading.Lock()

    def run(self):
        deadline = time.monotonic() + self.seconds
        threads = [threading.Thread(target=self.student, args=(deadline, i), daemon=True)
                   for i in range(self.students)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.seconds + REQUEST_TIMEOUT_S * 4)

    def student(self, deadline, number):
        chooser = random.Random(number)
        session = requests.Session()
        if self.proxy:
            session.headers["X-Forwarded-For"] = student_address(number)
        first = self.at_once
        while time.monotonic() < deadline:
            if not first:
                time.sleep(chooser.uniform(*self.think))
            first = False
            kind, method, path, payload = self.choose(chooser)
            self.send(session, kind, method, path, payload)

    def choose(self, chooser):
        roll = chooser.random()
        if roll >= 0.90 and chooser.random() >= self.hostile / 0.10:
            roll = chooser.uniform(0, 0.90)       # fewer hostile requests than one in ten
        example = chooser.choice(EXAMPLES)["source"]
        if roll < 0.45:
            return "lecture", "post", "/api/graph", {"json": {"source": example}}
        if roll < 0.70:
            fresh = FRESH.format(v=round(chooser.uniform(-2, 2), 3),
                                 w=round(chooser.uniform(-2, 2), 3), c=chooser.randint(1, 9))
            return "fresh", "post", "/api/graph", {"json": {"source": fresh}}
        if roll < 0.85:
            return "svg", "get", "/api/graph.svg", {"params": {"source": example,
                                                                "step": 0}}
        if roll < 0.90:
            return "page", "get", "/", {}
        return "hostile", "post", "/api/graph", {"json": {"source": chooser.choice(HOSTILE)}}

    def send(self, session, kind, method, path, payload):
        started = time.monotonic()
        outcome = first = None
        for _ in range(4):
            try:
                answer = session.request(method, self.base + path, timeout=REQUEST_TIMEOUT_S,
                                         **payload)
            except requests.Timeout:
                outcome = "timeout"
                break
            except requests.ConnectionError as error:
                outcome = "connection"
                with self.lock:
                    self.connection_errors.append(f"{time.monotonic() - started:.1f}s "
                                                  f"{str(error)[-90:]}")
                time.sleep(0.5)               # a killed worker: the browser would retry
                continue
            outcome = answer.status_code
            if first is None:
                first = answer.status_code
                if first != 200 and kind != "hostile":
                    with self.lock:
                        self.first_try_problems.append((kind, first, problem_type(answer)))
            if answer.status_code == 503 and "Retry-After" in answer.headers:
                outcome = "503 with Retry-After"
                with self.lock:
                    self.busy_answers += 1
                time.sleep(float(answer.headers["Retry-After"]))
                continue
            if answer.status_code >= 400 and not answer.headers.get(
                    "Content-Type", "").startswith("application/problem+json"):
                outcome = f"{answer.status_code} without problem+json"
            break
        with self.lock:
            self.records.append((kind, outcome, time.monotonic() - started, first))

    def report(self):
        normal = [r for r in self.records if r[0] != "hostile"]
        ok = [r for r in normal if isinstance(r[1], int) and r[1] < 400]
        busy = [r for r in normal if r[1] == "503 with Retry-After"]
        # A clean failure is an answer in the contract: problem+json with a 4xx (e.g. a child
        # killed under it) or a 503 with Retry-After. Anything else is lost.
        clean = [r for r in normal if r not in ok and (r in busy or isinstance(r[1], int)
                                                        and r[1] < 500)]
        lost = [r for r in normal if r not in ok and r not in clean]
        hostile_wrong = [r for r in self.records if r[0] == "hostile"
                         and not (isinstance(r[1], int) and 400 <= r[1] < 500)
                         and r[1] != "503 with Retry-After"]

        def percentiles(kinds):
            times = sorted(r[2] * 1000 for r in self.records if r[0] in kinds)
            if not times:
                return None
            return {"p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(times[int(len(times) * 0.95) - 1], 1), "count": len(times)}
        return {
            "requests": len(self.records),
            "throughput_per_s": round(len(self.records) / self.seconds, 1),
            "normal_ok": len(ok),
            "normal_failed_cleanly": len(clean),
            "normal_still_busy_after_3_retries": len(busy),
            "normal_lost": len(lost),
            "lost_examples": [str(r[:2]) for r in lost[:5]],
            "connection_errors": self.connection_errors[:12],
            "hostile_not_4xx": len(hostile_wrong),
            # What a student sees without any retry: the first answer of each normal request.
            "normal_not_200_first_try": sum(1 for r in normal if r[3] != 200),
            "normal_first_try_statuses": dict(collections.Counter(str(r[3]) for r in normal)),
            "normal_first_try_problems": dict(collections.Counter(
                " ".join(map(str, p)) for p in self.first_try_problems)),
            "hostile_wrong_examples": dict(collections.Counter(str(r[1]) for r in hostile_wrong)),
            "busy_503_retried": self.busy_answers,
            "latency_cache_hits (lecture, svg)": percentiles({"lecture", "svg"}),
            "latency_misses (fresh)": percentiles({"fresh"}),
            "latency_page": percentiles({"page"}),
            "latency_all": percentiles({"lecture", "svg", "fresh", "page", "hostile"}),
            "latency_normal": percentiles({"lecture", "svg", "fresh", "page"}),
        }


def inject_faults(server, deadline, log):
    """Kill an evaluation child every few seconds, and one gunicorn worker once."""
    killed_worker = False
    while time.monotonic() < deadline:
        time.sleep(2.5)
        children = server.evaluation_children()
        if children:
            os.kill(random.choice(children), signal.SIGKILL)
            log.append("child")
        workers = server.workers()
        if not killed_worker and workers and time.monotonic() > deadline - 15:
            os.kill(workers[0], signal.SIGKILL)
            log.append("worker")
            killed_worker = True


# As served in production behind one proxy: the app's own limits, each student its address.
BEHIND_A_PROXY = {"AUTOGRAD_TRUSTED_PROXIES": "1", "AUTOGRAD_RATE_LIMIT": "",
                  "AUTOGRAD_CLIENT_CPU_S_PER_MINUTE": ""}


def run(students=100, seconds=60, faults=False, workers=2, think=(2.0, 8.0), proxy=False,
        at_once=False, hostile=0.10):
    """A hall of `students`; `proxy`: behind a proxy with the app's own limits (BEHIND_A_PROXY),
    else one address with the limits raised; `faults`: "children" (evaluation children and a
    worker killed) or "processes" (the fork server, a worker and dot killed, the evaluation cap
    watched)."""
    server = Server(workers, env=BEHIND_A_PROXY if proxy else None)
    peak = [0]
    caps = {"fork_servers_max": 0, "evaluation_children_max": 0}
    stop_sampling = threading.Event()

    def sample():
        while not stop_sampling.wait(0.2):
            peak[0] = max(peak[0], server.memory_bytes())
            watch_the_cap(server, caps)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    fault_log = []
    if faults:
        injector = inject_process_faults if faults == "processes" else inject_faults
        threading.Thread(target=injector, daemon=True,
                         args=(server, time.monotonic() + seconds, fault_log)).start()
    hall = Hall(server.base, students, seconds, think, proxy=proxy, at_once=at_once,
                hostile=hostile)
    dead = {}
    try:
        hall.run()
        healthy, after = answers_everyone(server, dead)
    finally:
        stop_sampling.set()
        pids = server.stop()
    time.sleep(1.0)
    leftover = [pid for pid in pids if alive(pid)]
    report = hall.report()
    report.update({"students": students, "seconds": seconds,
                   "peak_memory_mib": round(peak[0] / 2**20, 1),
                   "healthy_after": healthy and all(status == 200 for status in after),
                   "leftover_processes": len(leftover), "faults": fault_log, **caps, **dead,
                   "leftover_commands": [read_cmdline(pid)[:80].decode(errors="replace")
                                         for pid in leftover]})
    return report


def answers_everyone(server, dead):
    """After the load (and the faults): whether the server answers everyone again, and what it
    answered. A server that no longer listens puts its master's exit status and the end of its
    log in `dead` (a report that says why, not only that it refused)."""
    try:
        after = [requests.post(f"{server.base}/api/graph", timeout=REQUEST_TIMEOUT_S,
                               json={"source": e["source"]}).status_code for e in EXAMPLES[:5]]
        return requests.get(f"{server.base}/healthz", timeout=5).status_code == 200, after
    except requests.ConnectionError as error:
        dead.update({"refused_after": str(error)[-120:],
                     "master_exit": server.process.poll(), "server_log": server.log_tail()})
        return False, []


ABUSER = "198.51.100.7"          # a documentation address (TEST-NET-2), a header value only
LOOP = "x = torch.tensor(1.0, requires_grad=True)\nwhile True:\n    x = x * 1.0000001\n# {n}\n"


class Abuser:
    """One client (one address behind the proxy) with `streams` of distinct endless loops, each
    sent again as soon as it is answered, and one stream of exports (PNG at a new scale each
    time) as fast as answers come: at and past its rate limit. Each stream pauses PAUSE_S
    between requests, which bounds the count."""
    PAUSE_S = 0.05

    def __init__(self, base, streams, seconds):
        self.base, self.streams, self.seconds = base, streams, seconds
        self.records = []                          # (kind, status or error, seconds)
        self.lock = threading.Lock()

    def run(self):
        deadline = time.monotonic() + self.seconds
        threads = [threading.Thread(target=self.stream, args=(deadline, n, kind), daemon=True)
                   for n, kind in enumerate(["loop"] * self.streams + ["export"])]
        for thread in threads:
            thread.start()
        return threads

    def stream(self, deadline, number, kind):
        session = requests.Session()
        session.headers["X-Forwarded-For"] = ABUSER
        sent = 0
        while time.monotonic() < deadline:
            sent += 1
            started = time.monotonic()
            try:
                if kind == "loop":
                    answer = session.post(f"{self.base}/api/graph", timeout=REQUEST_TIMEOUT_S,
                                          json={"source": LOOP.format(n=f"{number}-{sent}")})
                else:
                    answer = session.get(f"{self.base}/api/graph.png", timeout=REQUEST_TIMEOUT_S,
                                         params={"source": EXAMPLES[0]["source"],
                                                 "scale": 1 + (sent % 40) / 8})
                outcome = answer.status_code
            except requests.RequestException as error:
                outcome = type(error).__name__
            with self.lock:
                self.records.append((kind, outcome, time.monotonic() - started))
            time.sleep(self.PAUSE_S)

    def report(self):
        return {"abuser_requests": len(self.records),
                "abuser_statuses": dict(collections.Counter(f"{k} {s}" for k, s, _ in
                                                            self.records)),
                "abuser_p50_ms": round(statistics.median(r[2] for r in self.records) * 1000, 1)
                if self.records else None}


def abuse(honest=10, streams=8, seconds=30, workers=2):
    """`honest` students (thinking 1-4 s, nothing hostile) beside an Abuser, behind a proxy with
    the app's own limits: what the honest are answered, and what the abuser is."""
    server = Server(workers, env=BEHIND_A_PROXY)
    hall = Hall(server.base, honest, seconds, (1.0, 4.0), proxy=True, hostile=0.0)
    abuser = Abuser(server.base, streams, seconds)
    try:
        threads = abuser.run()
        hall.run()
        for thread in threads:
            thread.join(REQUEST_TIMEOUT_S + 5)
    finally:
        pids = server.stop()
    time.sleep(1.0)
    report = hall.report()
    normal = [r for r in hall.records if r[0] != "hostile"]
    report.update(abuser.report())
    report.update({"honest_503_answers": hall.busy_answers + sum(1 for r in normal
                                                                 if r[3] == 503),
                   "leftover_processes": sum(1 for pid in pids if alive(pid))})
    return report


def fork_servers(server):
    """Fork servers started by gunicorn's master or (the old bug) by a worker: their spare
    children carry the same command line, but a gunicorn process is not their parent (not even
    for the moment a killed server's children wait to be handed to init)."""
    return [pid for pid in server.tree() if b"webapp.sandbox.server" in read_cmdline(pid)
            and b"gunicorn" in read_cmdline(parent_of(pid))]


def watch_the_cap(server, caps):
    """The most fork servers, and children of one, seen at once (the machine's cap on
    evaluations holds while there is one fork server with its bounded children)."""
    servers = fork_servers(server)
    caps["fork_servers_max"] = max(caps["fork_servers_max"], len(servers))
    children = [pid for pid in server.tree() if parent_of(pid) in servers]
    caps["evaluation_children_max"] = max(caps["evaluation_children_max"], len(children))


def inject_process_faults(server, deadline, log):
    """Kill the fork server (a third in), a gunicorn worker (two thirds in), and each dot
    process seen, at most 3 (dot lives briefly beside a worker while it lays out)."""
    started, span = time.monotonic(), deadline - time.monotonic()
    plan = [(started + span / 3, "fork server"), (started + 2 * span / 3, "worker")]
    dots = 0
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if plan and time.monotonic() > plan[0][0]:
            _, what = plan.pop(0)
            victims = fork_servers(server) if what == "fork server" else server.workers()
            if victims:
                os.kill(victims[0], signal.SIGKILL)
                log.append(what)
        found = [pid for pid in server.tree() if read_cmdline(pid).startswith(b"dot")]
        if found and dots < 3:
            os.kill(found[0], signal.SIGKILL)
            log.append("dot")
            dots += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--faults", nargs="?", const="children", choices=("children", "processes"))
    parser.add_argument("--burst", action="store_true",
                        help="behind a proxy with the app's own limits, every student at once")
    parser.add_argument("--hostile", type=float, default=0.10)
    parser.add_argument("--abuse", type=int, metavar="STREAMS",
                        help="one client's STREAMS of endless loops and exports beside the hall")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", default="2,8", help="seconds between a student's actions")
    arguments = parser.parse_args()
    think = tuple(float(x) for x in arguments.think.split(","))
    if arguments.abuse:
        print(json.dumps(abuse(arguments.students, arguments.abuse, arguments.seconds,
                               arguments.workers), indent=2))
        return
    print(json.dumps(run(arguments.students, arguments.seconds, arguments.faults,
                         arguments.workers, think, proxy=arguments.burst,
                         at_once=arguments.burst, hostile=arguments.hostile), indent=2))


if __name__ == "__main__":
    main()
