"""A Redis server of the test's own (Debian's redis-server, installed by scripts/setup.sh) on a
free loopback port, nothing saved to disk, stopped when the test ends."""
import contextlib
import shutil
import socket
import subprocess
import time

import redis

START_PATIENCE_S = 10


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def redis_server(folder):
    """Yields the redis:// URL of a fresh server whose working folder is `folder`."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: run scripts/setup.sh (it installs Debian's)"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + START_PATIENCE_S
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None, \
                    "redis-server did not start"
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)
