"""The pull cursor: opaque text that round-trips, and anything else is unusable (None) rather than an error."""

from __future__ import annotations

import uuid

import pytest

from fieldlog.sync.pull import END, Cursor


def test_cursor_round_trips_a_position_inside_one_change_seq():
    cursor = Cursor(user_id=7, area_id=3, bound=40, seq=12, kind=1, id=uuid.uuid4())
    assert Cursor.decode(cursor.encode()) == cursor


def test_cursor_round_trips_an_end_position_without_area():
    cursor = Cursor(user_id=1, area_id=None, bound=0, seq=99, kind=END, id=None)
    text = cursor.encode()
    assert "=" not in text and Cursor.decode(text) == cursor


@pytest.mark.parametrize(
    "text",
    ["", "x", "!!!!", "MS4x", "OS4xLjEuMC4xLjIu", "MS4xLjEuLTEuMS4yLg", "MS4xLjEuMC4xLjAu", "MS4xLjEuMC4xLjIuYWJj"],
)
def test_malformed_cursor_decodes_to_none(text):
    assert Cursor.decode(text) is None
