"""A fork server entry module for tests: its children act as a breached interpreter would,
trying what the confinement (webapp/sandbox/confinement.py) must refuse, and report.

`evaluate({"attempt": name})` answers {"outcome": "refused" | "allowed", "error": ...} for the
attempts in ATTEMPTS, {"facts": ...} for "facts", and lets the PermissionError of "crash" escape
(the child dies; the server answers for it)."""
import os
import socket
import subprocess


def prepare_server():
    pass


def warm_up_child(work_arrived=None):
    pass


def make_socket():
    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()


def unix_socket():
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()


def run_program():
    subprocess.run(["/bin/true"], check=False)


def fork():
    if os.fork() == 0:
        os._exit(0)


def write_file():
    with open("/tmp/autograd-breach-test", "w") as file:
        file.write("x")


def append_file():
    with open("/tmp/autograd-breach-test", "a") as file:
        file.write("x")


def signal_the_server():
    os.kill(os.getppid(), 0)


def read_file():
    with open("/proc/self/status") as file:
        file.read()


ATTEMPTS = {"socket": make_socket, "unix socket": unix_socket, "program": run_program,
            "fork": fork, "write": write_file, "append": append_file,
            "signal": signal_the_server, "read": read_file}


def facts():
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    return {"descriptors": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
            "no_new_privs": fields["NoNewPrivs"].strip(), "seccomp": fields["Seccomp"].strip(),
            "uid": os.getuid()}


def evaluate(request):
    attempt = request["attempt"]
    if attempt == "facts":
        return {"facts": facts()}
    if attempt == "crash":
        make_socket()                      # uncaught: the child dies of it
    try:
        ATTEMPTS[attempt]()
    except PermissionError as error:
        return {"outcome": "refused", "error": str(error)}
    return {"outcome": "allowed"}
