"""The per-user cache of the validated knowledge base (hepatoboard.knowledge.cache): a process
that reads it assesses exactly as one that validates the YAML files; any change to a file gives
another key; a file that is not trustworthy or not readable is ignored, never used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hepatoboard.knowledge import cache
from hepatoboard.knowledge.load import FILES, default_knowledge

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "second-line-mediastinal.yaml"
PROBE = (
    "import sys, datetime as dt\n"
    "from hepatoboard.knowledge.load import default_knowledge\n"
    "from hepatoboard.intake import load_case_file\n"
    "from hepatoboard.pipeline import assess\n"
    "as_of = dt.date(2026, 11, 25)\n"
    "a = assess(load_case_file(sys.argv[1], as_of=as_of), as_of=as_of, kb=default_knowledge())\n"
    "print(a.model_dump_json())\n"
)


def _assess(cache_setting: str) -> str:
    env = {**os.environ, cache.ENV: cache_setting}
    r = subprocess.run(
        [sys.executable, "-c", PROBE, str(CASE)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return r.stdout


def _files() -> list[tuple[str, bytes]]:
    from importlib import resources

    root = resources.files("hepatoboard.knowledge.data")
    return [(n, root.joinpath(*n.split("/")).read_bytes()) for n in FILES]


def test_a_cached_knowledge_base_assesses_exactly_like_a_validated_one(tmp_path):
    uncached = _assess("off")
    assert list(tmp_path.iterdir()) == []
    first = _assess(str(tmp_path))  # validates and stores
    stored = list(tmp_path.glob("kb-*.pickle"))
    assert len(stored) == 1
    assert stored[0].stat().st_mode & 0o077 == 0  # private to the user
    second = _assess(str(tmp_path))  # reads the stored file
    assert uncached == first == second
    version = json.loads(second)["knowledge_base"]["version"]
    assert version == default_knowledge().manifest.version


def test_any_change_to_a_file_or_the_code_changes_the_key():
    files = _files()
    key = cache.cache_key(files)
    assert key == cache.cache_key(files)
    name, data = files[3]
    edited = [*files[:3], (name, data + b"\n# reviewed\n"), *files[4:]]
    assert cache.cache_key(edited) != key
    assert cache.cache_key(files[:-1]) != key


def test_an_untrusted_or_corrupt_cache_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    tmp_path.chmod(0o700)
    key = "0" * 64
    path = tmp_path / f"kb-{key}.pickle"
    path.write_bytes(b"not a pickle")
    path.chmod(0o600)
    assert cache.read(key) is None  # corrupt: ignored
    cache.write(key, {"ok": 1})
    assert cache.read(key) == {"ok": 1}
    path.chmod(0o666)
    assert cache.read(key) is None  # writable by others: never trusted
    monkeypatch.setenv(cache.ENV, "off")
    assert cache.cache_dir() is None and cache.read(key) is None
    cache.write(key, {"ok": 2})  # disabled: nothing written, nothing raised


def test_only_the_newest_cache_files_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    keys = [f"{i:064x}" for i in range(cache.KEEP + 3)]
    for n, key in enumerate(keys):
        cache.write(key, n)
        os.utime(tmp_path / f"kb-{key}.pickle", (1_000_000 + n, 1_000_000 + n))
    kept = sorted(p.name for p in tmp_path.glob("kb-*.pickle"))
    assert kept == sorted(f"kb-{k}.pickle" for k in keys[-cache.KEEP :])
    assert cache.read(keys[-1]) == len(keys) - 1
