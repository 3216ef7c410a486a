"""A long-lived `dot -Tsvg` that lays out one graph after another.

Starting dot costs about 20 ms here (plugins, fontconfig, the CJK font), more than laying out
a lecture's graph; dot reads graphs one after another from its input and writes each SVG as
soon as it is laid out, so one process per web process serves them all. A graph that takes
longer than its timeout, or a dot that fails, costs that process: it is killed, and the next
layout starts a new one.
"""
import os
import selectors
import shutil
import subprocess
import threading
import time

END_OF_SVG = b"</svg>\n"


class DotProcess:
    def __init__(self, memory_limit_bytes):
        self.memory_limit_bytes = memory_limit_bytes
        self.process = None
        self.lock = threading.Lock()

    def layout(self, dot_source, *, timeout):
        """The SVG text for one graph; raises subprocess.TimeoutExpired or
        CalledProcessError (and kills the process) when dot does not deliver in time."""
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.start()
            try:
                return self.exchange(dot_source.encode("utf-8"), timeout)
            except BaseException:
                self.stop()
                raise

    def start(self):
        command = ["dot", "-Tsvg"]
        prlimit = shutil.which("prlimit")
        if prlimit:
            command = [prlimit, f"--as={self.memory_limit_bytes}", "--", *command]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)

    def exchange(self, graph, timeout):
        deadline = time.monotonic() + timeout
        output = self.process.stdout.fileno()
        os.set_blocking(output, False)
        received = bytearray()
        with selectors.DefaultSelector() as selector:
            selector.register(output, selectors.EVENT_READ)
            self.write(graph, deadline, timeout)
            while not received.endswith(END_OF_SVG):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    raise subprocess.TimeoutExpired("dot", timeout)
                chunk = os.read(output, 1 << 16)
                if not chunk:
                    raise subprocess.CalledProcessError(self.process.poll() or 1, "dot")
                received += chunk
        return received.decode("utf-8")

    def write(self, graph, deadline, timeout):
        # A graph larger than the pipe's buffer is written while dot is not reading yet; dot
        # reads the whole graph before it writes anything, so this cannot deadlock.
        self.process.stdin.write(graph + b"\n")
        self.process.stdin.flush()
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired("dot", timeout)

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                stream.close()
            self.process = None
