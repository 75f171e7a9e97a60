"""Faults found by the seventh review (fresh eyes on the warm launch, records, lazy imports, config problems,
theme contrast and backlinks found ahead), each shown by a test that failed before its fix."""

from __future__ import annotations

from pathlib import Path

from reader.config import Config


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Editors on Windows (Notepad) save UTF-8 with a byte-order mark: config.json was refused whole ("not
    valid JSON"), every setting of the user's ignored, as if the file were broken."""
    path = tmp_path / "config.json"
    path.write_bytes(b'\xef\xbb\xbf{"sort": "oldest", "keymap": {"app.quit": "ctrl+q"}}\n')
    config = Config.load(path)
    assert config.problems == []
    assert config.sort == "oldest" and config.keymap == {"app.quit": "ctrl+q"}
    config.sort = "section"
    config.save(path)  # not frozen: the user's change is kept
    assert Config.load(path).sort == "section"
    assert Config.load(path).keymap == {"app.quit": "ctrl+q"}
