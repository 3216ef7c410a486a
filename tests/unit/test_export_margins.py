"""Exported pictures have room around the drawing (issue 12, item 6): in the PNG, every GIF
frame and the PDF, the drawing's pixels keep at least 5% of the picture's width from the left
and right edges and 5% of its height from the top and bottom, in both themes and both layouts,
for a small graph and a 40-operation chain. Measured in the raster with Pillow: the bounding
box of the pixels that differ from the picture's background."""
import io

import pytest
from PIL import Image, ImageChops, ImageSequence
from pypdf import PdfReader

from tests.support.documents import document_of
from webapp.render import raster

SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
CHAIN_40 = "x = torch.tensor(0.5, requires_grad=True)\ny = x\n" + "y = y * 1.01\n" * 40 + \
           "y.backward()\n"
MIN_MARGIN = 0.05


@pytest.fixture(scope="module")
def docs():
    return {"sin_exp": document_of(SIN_EXP), "chain": document_of(CHAIN_40)}


def margins(image):
    """(left, top, right, bottom) margins of a picture as fractions of its width or height."""
    rgb = image.convert("RGB")
    background = Image.new("RGB", rgb.size, rgb.getpixel((0, 0)))
    box = ImageChops.difference(rgb, background).getbbox()
    assert box is not None, "the picture is blank"
    width, height = rgb.size
    return (box[0] / width, box[1] / height, (width - box[2]) / width,
            (height - box[3]) / height)


@pytest.mark.parametrize("program", ["sin_exp", "chain"])
@pytest.mark.parametrize("theme,direction", [("light", "LR"), ("dark", "TB")])
def test_png_and_gif_frames_keep_five_percent_margins(docs, program, theme, direction):
    doc = docs[program]
    scale = 2 if program == "sin_exp" else 1
    png = Image.open(io.BytesIO(raster.to_png(doc, scale=scale, theme=theme,
                                              direction=direction)))
    assert min(margins(png)) >= MIN_MARGIN, margins(png)
    stepped = Image.open(io.BytesIO(raster.to_png(doc, step=3, theme=theme, direction=direction)))
    assert min(margins(stepped)) >= MIN_MARGIN, margins(stepped)
    # The corner pixel is the drawing's own background, not a transparent or white band.
    corner = png.convert("RGB").getpixel((0, 0))
    assert (corner == (255, 255, 255)) == (theme == "light"), corner
    alpha = png.convert("RGBA").getchannel("A")
    assert alpha.getpixel((0, 0)) == 255 and alpha.getpixel((png.size[0] - 1, png.size[1] - 1)) == 255
    if program == "chain":
        return                                  # its 81-frame GIF is slow; sin_exp's is not
    gif = Image.open(io.BytesIO(raster.to_gif(doc, theme=theme, direction=direction)))
    frames = [frame.copy() for frame in ImageSequence.Iterator(gif)]
    assert len(frames) == len(doc["timeline"]) + 1
    for k in (1, len(frames) // 2, len(frames) - 1):       # frame 0 shows no values yet
        assert min(margins(frames[k])) >= MIN_MARGIN, (k, margins(frames[k]))


@pytest.mark.parametrize("program", ["sin_exp", "chain"])
def test_the_pdf_page_is_the_framed_picture(docs, program):
    """No PDF rasteriser here: the page is the same framed SVG as the PNG, so its size in
    points is the PNG's at scale 1 (96 px to 72 pt), margins included."""
    doc = docs[program]
    png = Image.open(io.BytesIO(raster.to_png(doc)))
    page = PdfReader(io.BytesIO(raster.to_pdf(doc))).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert abs(width - png.size[0] * 72 / 96) <= 1 and abs(height - png.size[1] * 72 / 96) <= 1
    framed = raster.framed(raster.render.to_svg(doc))
    plain = raster.render.to_svg(doc)
    (fw, fh), (pw, ph) = raster.svg_size_px(framed), raster.svg_size_px(plain)
    assert (fw - pw) / 2 >= MIN_MARGIN * fw and (fh - ph) / 2 >= MIN_MARGIN * fh


@pytest.mark.parametrize("program", ["sin_exp", "chain"])
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_slide_framing_is_16_by_9_with_the_drawing_in_the_middle(docs, program, direction):
    """framing="slide": a picture of a slide's shape whatever the drawing's, the drawing
    centred, its margins still at least 5%; the fitted picture is not that shape."""
    doc = docs[program]
    slide = Image.open(io.BytesIO(raster.to_png(doc, direction=direction, framing="slide")))
    width, height = slide.size
    assert abs(width / height - 16 / 9) < 0.01, slide.size
    left, top, right, bottom = margins(slide)
    assert min(left, top, right, bottom) >= MIN_MARGIN
    assert abs(left - right) < 0.01 and abs(top - bottom) < 0.01      # centred
    fitted = Image.open(io.BytesIO(raster.to_png(doc, direction=direction)))
    assert abs(fitted.size[0] / fitted.size[1] - 16 / 9) > 0.05, fitted.size
    pdf = PdfReader(io.BytesIO(raster.to_pdf(doc, direction=direction, framing="slide")))
    box = pdf.pages[0].mediabox
    assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.02
