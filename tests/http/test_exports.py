"""The exports, each file parsed: PNG, PDF, GIF, DOT and the CSS-animated SVG
(webapp/render/exports.py, raster.py, animate.py; webapp/web/drawings.py), through HTTP where it matters."""
import io
import re
import xml.etree.ElementTree as ET

import cairosvg
import pytest
from PIL import ImageStat
from pypdf import PdfReader

from tests.support.images import differs, image
from tests.support.problems import assert_problem
from webapp.render import animate, raster
from webapp.render import drawing as render

SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Characters no font has: cairo draws the font's "missing glyph" box for each.
MISSING_GLYPHS = "\U000F0000\U000F0001"


@pytest.fixture(scope="module")
def doc():
    from webapp import create_app
    return create_app({"TESTING": True}).test_client().get(
        "/api/graph.json", query_string={"source": SIN_EXP}).json


def export(client, path, **parameters):
    response = client.get(path, query_string={"source": SIN_EXP, **parameters})
    assert response.status_code == 200, response.data[:300]
    return response


# PNG ------------------------------------------------------------------------------------------

def test_png_is_a_png_whose_scale_multiplies_its_size(client):
    one = export(client, "/api/graph.png")
    two = export(client, "/api/graph.png", scale="2")
    assert one.mimetype == "image/png" and one.data.startswith(PNG_SIGNATURE)
    assert 'filename="graph-y.png"' in one.headers["Content-Disposition"]
    width, height = image(one.data).size
    assert abs(image(two.data).size[0] - 2 * width) <= 1
    assert abs(image(two.data).size[1] - 2 * height) <= 1


def test_png_of_a_step_hides_what_comes_later(client, doc):
    before = image(export(client, "/api/graph.png", step="-1").data)
    final = image(export(client, "/api/graph.png").data)
    again = image(export(client, "/api/graph.png", step=str(len(doc["timeline"]) - 1)).data)
    assert before.size == final.size
    assert differs(before, final) > 0.5          # values and gradients drawn only at the end
    assert differs(again, final) > 0             # the last step's highlight


def test_japanese_png_shows_glyphs_not_boxes(client, doc):
    """The Japanese words render as glyphs: the same drawing with characters that no font
    has (drawn as the missing-glyph box) looks different."""
    japanese = image(export(client, "/api/graph.png", lang="ja").data)
    svg = raster.framed(render.to_svg(doc, lang="ja"))   # the export's margins too
    assert "勾配" in svg and "局所微分" in svg
    boxes = svg.replace("勾配", MISSING_GLYPHS).replace("局所微分", MISSING_GLYPHS * 2)
    missing = image(cairosvg.svg2png(bytestring=boxes.encode()))
    assert japanese.size == missing.size
    assert differs(japanese, missing) > 0.05


def test_dark_theme_png_is_dark(client):
    dark = image(export(client, "/api/graph.png", theme="dark").data).convert("L")
    light = image(export(client, "/api/graph.png").data).convert("L")
    assert ImageStat.Stat(dark).mean[0] < 64 < 192 < ImageStat.Stat(light).mean[0]


@pytest.mark.parametrize("scale", ["0.5", "5", "two", "nan", "inf", ""])
def test_png_scale_out_of_range_is_a_400(client, scale):
    response = client.get("/api/graph.png", query_string={"source": SIN_EXP, "scale": scale})
    assert_problem(response, 400, detail="'scale' must be a number from 1 to 4")


def test_huge_drawings_get_a_smaller_scale():
    svg = '<svg width="30000pt" height="300pt" viewBox="0 0 30000 300">'
    assert raster.fitted_scale(svg, 4, raster.MAX_PIXELS) * 30000 * 4 / 3 <= raster.MAX_SIDE_PX
    assert raster.fitted_scale('<svg width="300pt" height="200pt">', 4, raster.MAX_PIXELS) == 4


# PDF ------------------------------------------------------------------------------------------

def test_pdf_is_one_page_by_default_with_japanese_text(client):
    response = export(client, "/api/graph.pdf", lang="ja")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert len(pages) == 1
    assert "勾配" in pages[0].extract_text()


def test_pdf_pages_steps_has_one_page_per_step(client, doc):
    response = export(client, "/api/graph.pdf", pages="steps")
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert len(pages) == len(doc["timeline"])
    first, last = pages[0].extract_text(), pages[-1].extract_text()
    assert "grad" not in first and "grad" in last


@pytest.mark.parametrize("parameters, detail", [
    ({"pages": "all"}, "'pages' must be final"),
    ({"pages": "steps", "step": "3"}, "leave it out with pages=steps"),
    ({"step": "999"}, "'step' must be an integer from -1"),
])
def test_pdf_bad_parameters_are_400(client, parameters, detail):
    response = client.get("/api/graph.pdf", query_string={"source": SIN_EXP, **parameters})
    assert_problem(response, 400, detail=detail)


def test_pdf_of_too_many_steps_is_refused_with_the_limit(client, monkeypatch, drawing_in_process):
    monkeypatch.setattr(raster, "MAX_PDF_STEP_WORK", 10)
    uncached = SIN_EXP + "# not the program of the other tests (renderings are cached)\n"
    response = client.get("/api/graph.pdf", query_string={"source": uncached, "pages": "steps"})
    assert_problem(response, 422, slug="export-too-large", detail="animated SVG")


# GIF ------------------------------------------------------------------------------------------

def test_gif_has_a_frame_per_step_and_loops(client, doc):
    response = export(client, "/api/graph.gif")
    assert response.mimetype == "image/gif" and response.data[:6] == b"GIF89a"
    gif = image(response.data)
    assert gif.n_frames == len(doc["timeline"]) + 1      # before the first step, then each
    assert gif.info["loop"] == 0
    gif.seek(0)
    first = gif.convert("RGB")
    assert gif.info["duration"] == round(animate.STEP_SECONDS * 1000)
    gif.seek(gif.n_frames - 1)
    assert gif.info["duration"] == round(animate.STEP_SECONDS * 1000) * (
        1 + animate.FINAL_HOLD_STEPS)
    assert differs(first, gif.convert("RGB")) > 0.5


@pytest.mark.parametrize("step", [0, 7, 12, -1])
def test_gif_frames_are_the_static_steps(doc, step):
    """The layered frames look like render.to_svg(step=k) drawn whole."""
    gif = image(raster.to_gif(doc))
    gif.seek(step + 1 if step >= 0 else gif.n_frames - 1)
    whole = image(cairosvg.svg2png(bytestring=raster.framed(render.to_svg(
        doc, step=step if step >= 0 else len(doc["timeline"]) - 1)).encode()))
    assert gif.size == whole.size
    assert differs(gif, whole) < 1.0


def test_gif_of_a_failing_program_is_the_programs_problem(client):
    response = client.get("/api/graph.gif",
                          query_string={"source": "x = torch.tensor(3, requires_grad=True)"})
    assert_problem(response, 422, detail="floating point")


# DOT ------------------------------------------------------------------------------------------

def test_dot_is_the_graphviz_source_with_ids(client, doc):
    response = export(client, "/api/graph.dot", lang="ja")
    assert response.mimetype == "text/vnd.graphviz"
    text = response.get_data(as_text=True)
    assert text.startswith("digraph autograd {") and "勾配" in text
    for element in doc["graph"]["nodes"] + doc["graph"]["edges"]:
        assert f'id="{element["id"]}"' in text


# The animated SVG -----------------------------------------------------------------------------

def test_animated_svg_has_keyframes_per_step_and_no_script(client, doc):
    response = export(client, "/api/graph.svg", animate="1")
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert "animated" in root.get("class").split()
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert {e["id"] for e in doc["graph"]["nodes"] + doc["graph"]["edges"]} <= ids
    assert not [el for el in root.iter() if el.tag in (f"{SVG}script", f"{SVG}foreignObject")]
    assert not [name for el in root.iter() for name in el.attrib if name.startswith("on")]
    assert all(el.get("visibility") is None for el in root.iter())   # CSS does the hiding
    css = root.find(f"{SVG}style").text
    steps = len(doc["timeline"])
    assert len(re.findall(r"@keyframes show-\d+ ", css)) == steps
    assert f"text[data-step=\"{steps - 1}\"]" in css and "infinite" in css


def test_animated_svg_ignores_step_and_refuses_torchviz(client):
    response = client.get("/api/graph.svg",
                          query_string={"source": SIN_EXP, "animate": "1", "style": "torchviz"})
    assert_problem(response, 400, detail="still picture")
    response = client.get("/api/graph.svg", query_string={"source": SIN_EXP, "animate": "2"})
    assert_problem(response, 400, detail="'animate' must be 1 or 0")


@pytest.mark.parametrize("step, counted", [("-1", "0"), ("0", "1"), ("4", "5")])
def test_file_names_count_steps_as_the_page_does(client, step, counted):
    """The page shows timeline index k as step k + 1 of N (0 before the first step)."""
    response = export(client, "/api/graph.png", step=step)
    assert f'filename="graph-y-step{counted}.png"' in response.headers["Content-Disposition"]


def test_slide_framing_over_http_is_16_by_9_and_a_bad_framing_is_a_400(client):
    slide = image(export(client, "/api/graph.png", framing="slide").data)
    assert abs(slide.size[0] / slide.size[1] - 16 / 9) < 0.02, slide.size
    gif = image(export(client, "/api/graph.gif", framing="slide").data)
    assert abs(gif.size[0] / gif.size[1] - 16 / 9) < 0.02, gif.size
    response = client.get("/api/graph.png", query_string={"source": SIN_EXP, "framing": "4:3"})
    assert_problem(response, 400, detail="'framing' must be")
