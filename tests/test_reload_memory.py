"""A reload keeps of the fresh load only what the next check of the folders needs (each file's path, size and
mtime): not a second copy of every story's list data, which held the fresh parse cache's text alive."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.library import ParseCache, load_library
from reader.paths import seeds_dir
from reader.reload import compare, release_memory


def test_a_reload_keeps_the_files_of_the_fresh_load_not_its_stories(tmp_path: Path) -> None:
    folder, cache = tmp_path / "library", tmp_path / "parse-cache.json"
    shutil.copytree(seeds_dir(), folder)
    library = load_library([folder], cache=ParseCache(cache))
    (folder / "extra.txt").write_bytes((folder / "greyhaven-lighthouse.txt").read_bytes().replace(b"Grey", b"Gray"))
    fresh = load_library([folder], cache=ParseCache(cache))
    assert fresh.disk is not None and fresh.kept_backlinks is not None
    fresh_rows, fresh_key = fresh.disk.rows, fresh.kept_backlinks.key()

    changes = compare(library.by_id, library.paths, fresh)

    assert changes.new == 1 and changes.disk is not None and changes.kept is not None
    files = changes.disk.rows
    assert files.paths == fresh_rows.paths and files.sizes == fresh_rows.sizes and files.mtimes == fresh_rows.mtimes
    assert not (files.ids or files.titles or files.sections or files.published or files.minutes)
    known = {path: path for path in library.paths.values()}
    assert all(path is known[path] for path in files.paths if path in known)  # the library's own strings
    assert changes.disk.unchanged()  # the next check: nothing changed since this load
    (folder / "extra.txt").unlink()
    assert not changes.disk.unchanged()
    assert changes.kept.key() == fresh_key  # backlinks kept under the same key as the fresh load's
    release_memory()  # a no-op where the C library has no malloc_trim; never an error
