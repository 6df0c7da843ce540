"""Atomic writes: an interrupted write leaves the old file (or none) and no temporary behind."""

from __future__ import annotations

import pytest

from verify.core.io import save_atomic, write_atomic


def test_write_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "sub" / "a.tex"
    write_atomic(target, "first\n")
    write_atomic(target, "second\n")
    assert target.read_text() == "second\n"
    assert [p.name for p in target.parent.iterdir()] == ["a.tex"]


class Boom(Exception):
    pass


def test_interrupted_write_keeps_old_content(tmp_path, monkeypatch):
    target = tmp_path / "a.tex"
    write_atomic(target, "old\n")
    import os

    real_fsync = os.fsync

    def failing_fsync(fd):
        raise Boom("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(Boom):
        write_atomic(target, "new content that must never be seen half written\n")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.tex"]


def test_save_atomic_keeps_suffix_and_cleans_up(tmp_path):
    seen = []

    def writer(path):
        seen.append(path.suffix)
        path.write_bytes(b"%PDF-1.4 fake")

    save_atomic(tmp_path / "fig.pdf", writer)
    assert seen == [".pdf"]
    assert (tmp_path / "fig.pdf").read_bytes().startswith(b"%PDF")

    def crashing(path):
        path.write_bytes(b"half")
        raise Boom("matplotlib crashed")

    with pytest.raises(Boom):
        save_atomic(tmp_path / "other.pdf", crashing)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.pdf"]


def test_written_files_get_the_usual_permissions(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.tex", "x")
        save_atomic(tmp_path / "b.pdf", lambda p: p.write_bytes(b"%PDF"))
    finally:
        os.umask(mask)
    for name in ("a.tex", "b.pdf"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
