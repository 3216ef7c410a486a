"""Comparing pictures: decoded images and their mean difference."""
import io

from PIL import Image, ImageChops, ImageStat


def image(data):
    return Image.open(io.BytesIO(data))


def differs(first, second):
    """Mean absolute difference per channel, 0..255."""
    difference = ImageChops.difference(first.convert("RGB"), second.convert("RGB"))
    return max(ImageStat.Stat(difference).mean)
