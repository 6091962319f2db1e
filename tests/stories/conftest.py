"""Fixtures of the story tests."""

from tests.stories.bridge import bridge_story

__all__ = ["bridge_story"]
