"""The page's copies of the server's limits (static/js) are the server's (webapp/core/limits.py)."""
import re

from tests.support.paths import REPO
from webapp.core import limits


def test_the_page_posts_what_the_server_would_refuse_as_an_address():
    script = (REPO / "static" / "js" / "lib" / "fetch.js").read_text(encoding="utf-8")
    copied = re.search(r"export const MAX_QUERY_BYTES = (\d+);", script)
    assert copied and int(copied.group(1)) == limits.MAX_QUERY_BYTES
