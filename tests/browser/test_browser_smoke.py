"""The page loads in a real browser, without console errors or outside requests."""
import pytest

pytestmark = pytest.mark.browser


def test_page_has_a_title(page, live_server, screenshots):
    page.goto(live_server + "/")
    assert page.title().strip()
    page.screenshot(path=screenshots / "smoke.png", full_page=True)
    assert (screenshots / "smoke.png").stat().st_size > 0
