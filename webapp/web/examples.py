"""The lecture's programs (../shared/lecture_examples.json, copied into webapp/data/)."""
import functools
import json
from pathlib import Path

EXAMPLES_PATH = Path(__file__).resolve().parent.parent / "data" / "lecture_examples.json"


@functools.cache
def lecture_examples():
    """The list of examples: dicts with id, title {ja, en}, source and grads/final/error."""
    return json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))["examples"]
