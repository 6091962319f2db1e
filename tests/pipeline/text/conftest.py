from typing import Any

import pytest

from newsdesk.pipeline.text.entities import load_nlp


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The spaCy pipeline, loaded once for the whole test session."""
    return load_nlp()
