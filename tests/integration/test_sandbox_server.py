"""The fork server's child (webapp/sandbox/server.py): the rlimits it sets on itself, read back
in a fresh interpreter that applies them."""
import signal
import subprocess
import sys
import textwrap

from tests.support.paths import REPO


def test_child_limits_are_set(tmp_path):
    """The child's rlimits, read back in a fresh interpreter that applies them."""
    script = textwrap.dedent("""
        import resource, sys
        from webapp.core import limits
        from webapp.sandbox import child
        child.limit_myself()
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        print(soft >= limits.CPU_TIME_LIMIT_S + limits.CPU_RLIMIT_MARGIN_S and hard == soft + 1,
              resource.getrlimit(resource.RLIMIT_FSIZE) == (0, 0),
              resource.getrlimit(resource.RLIMIT_CORE) == (0, 0))
        try:
            bytearray(limits.MEMORY_HEADROOM_BYTES + (1 << 20))
            print("allocated")
        except MemoryError:
            print("MemoryError")
        sys.stdout.flush()
        try:                             # the last step: SIGXFSZ may end the process here
            with open(sys.argv[1], "w") as written:
                written.write("x")
            print("wrote")
        except OSError:
            print("no write")
    """)
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "file")], cwd=REPO,
                            capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.split()[:4] == ["True", "True", "True", "MemoryError"], result
    assert "wrote" not in result.stdout
    assert result.returncode == -signal.SIGXFSZ or "no write" in result.stdout, result
    assert (tmp_path / "file").read_bytes() == b""
