"""A WSGI app for gunicorn tests whose loading fails while the file AUTOGRAD_FLAKY_APP names
exists (a worker that fails to start), and otherwise answers every request with its pid."""
import os


def create():
    if os.path.exists(os.environ["AUTOGRAD_FLAKY_APP"]):
        raise RuntimeError("told to fail")

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(os.getpid()).encode()]
    return app
