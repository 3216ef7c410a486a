"""One pool process: answer jobs (webapp.pool.jobs) from a pipe, one at a time, under limits.

Started by webapp.pool.supervisor as `python -m webapp.pool.worker FD MEMORY_BYTES` (FD: its
end of a socket pair, messages framed and pickled by multiprocessing.connection), in a session
of its own, so that cancelling a job (SIGKILL to the group) also ends the dot it started. It
imports the jobs (cairosvg, Pillow, pypdf), never torch. Its address space is
capped at what it has after import + RENDER_MEMORY_BYTES (soft limit only: dot_process raises
its own dot's limit with prlimit), and before each job its CPU-time limit is set to what it
has used + the job's budget: past it the kernel's SIGXCPU ends the process, and the supervisor
names the limit. A job that ran out of memory is answered, then the process exits (the
supervisor starts another): a half-failed allocation may leave a library in a bad state.

Messages: out ("ready", None) once imported; then in (job name, args, cpu seconds), out
("done", value), ("raised", exception) or ("memory", None).
"""
import multiprocessing.connection
import pickle
import resource
import sys

from webapp.pool.jobs import JOBS


def address_space_bytes():
    """This process's virtual memory size (VmSize), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmSize in /proc/self/status")


def confine(memory_bytes):
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (address_space_bytes() + memory_bytes, hard))


def limit_cpu(seconds):
    """RLIMIT_CPU (whole seconds) at what this process has used + `seconds`."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU,
                       (int(usage.ru_utime + usage.ru_stime + seconds) + 1, hard))


def portable(error):
    """`error` if it survives pickling, else a RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


def serve(connection, memory_bytes):
    """Answer jobs until the supervisor closes the pipe (or goes away: a web worker that
    exits or is killed resets it)."""
    confine(memory_bytes)
    try:
        connection.send(("ready", None))
        while answer(connection):
            pass
    except (EOFError, OSError):
        return


def answer(connection):
    """Do one job and answer it; False when this process must end (out of memory). An
    OSError of the pipe itself (the supervisor is gone) is raised."""
    name, args, cpu_seconds = connection.recv()
    limit_cpu(cpu_seconds)
    try:
        reply = ("done", JOBS[name](*args))
    except MemoryError:
        reply = ("memory", None)
    except Exception as error:
        out_of_memory = "NO_MEMORY" in str(error)       # cairo's own out-of-memory status
        reply = ("memory", None) if out_of_memory else ("raised", portable(error))
    try:
        connection.send(reply)
    except MemoryError:                                  # pickling a large answer
        reply = ("memory", None)
        connection.send(reply)
    return reply[0] != "memory"


if __name__ == "__main__":
    serve(multiprocessing.connection.Connection(int(sys.argv[1])), int(sys.argv[2]))
