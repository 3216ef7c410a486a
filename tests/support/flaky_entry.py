"""A fork server entry module for tests: each server start is counted (a line in the file named
by AUTOGRAD_FLAKY_START + ".starts"); a start fails while the file AUTOGRAD_FLAKY_START exists
(the machine too loaded to start one, say); its children answer {"pid": their pid}."""
import os


def prepare_server():
    marker = os.environ["AUTOGRAD_FLAKY_START"]
    with open(marker + ".starts", "a") as starts:
        starts.write("start\n")
    if os.path.exists(marker):
        raise SystemExit("told to fail")


def warm_up_child(work_arrived=None):
    pass


def evaluate(request):
    return {"pid": os.getpid()}
