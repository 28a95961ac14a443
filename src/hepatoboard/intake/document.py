"""Reading a case document: YAML or JSON text to plain data, with errors that name the place.

JSON is valid YAML, but a document that starts with ``{`` or ``[`` is parsed as JSON for precise
messages. YAML is read with the safe loader (no arbitrary objects) and hardened against hostile
input, each defect an error naming its line or field:

- anchors and aliases are rejected (an alias bomb is refused before anything is expanded);
- only the core tags (null, bool, int, float, str, sequence, mapping) and ISO dates are accepted;
- a key given twice is an error ("duplicate key 'labs' at line 31"), in YAML and in JSON;
- nesting deeper than :data:`MAX_DEPTH` and integers longer than :data:`MAX_INT_DIGITS` digits
  are refused before the parser could fail on them;
- :func:`check_strings` (run by :func:`hepatoboard.intake.parse_case` on every case, whether
  it came from a document, the form or Python): every key is text and no string, key or value,
  contains a control character.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
import unicodedata
from typing import Any

import yaml

from hepatoboard.contracts.errors import CaseError, Problem

MAX_DEPTH = 16  # a case nests at most 4 levels (lymph_nodes[0].compression[0]); non-clinical
MAX_INT_DIGITS = 30  # no case number has more digits; Python refuses int() of > 4300
CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "str", "seq", "map")
) | {"tag:yaml.org,2002:timestamp"}  # ISO dates (labs.date: 2026-11-02) stay accepted
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _fail(message: str, source: str | None) -> CaseError:
    return CaseError([Problem("", message)], source)


def parse_document(text: str, source: str | None = None) -> Any:
    """Parse a YAML or JSON document into plain data, or raise :class:`CaseError`."""
    if "\x00" in text:
        raise _fail("the document contains a NUL character", source)
    json_like = text.lstrip()[:1] in ("{", "[")
    return _parse_json(text, source) if json_like else _parse_yaml(text, source)


def parse_json_line(line: str, source: str | None = None) -> Any:
    """One line of JSON Lines, with the same checks as a JSON document."""
    if "\x00" in line:
        raise _fail("the line contains a NUL character", source)
    return _parse_json(line, source)


def parse_yaml_stream(text: str, source: str | None = None) -> list[Any]:
    """Every document of a multi-document YAML stream, each read with the same hardening as
    :func:`parse_document` (only a second document is allowed)."""
    if "\x00" in text:
        raise _fail("the document contains a NUL character", source)
    try:
        _check_events(text, source, many=True)
        return list(yaml.load_all(text, Loader=_HardenedLoader))
    except _Defect as exc:
        raise _fail(str(exc), source) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise _fail(f"not valid YAML: {exc.problem or exc}{where}", source) from None
    except yaml.YAMLError as exc:
        raise _fail(f"not valid YAML: {_short(str(exc))}", source) from None


# --- JSON ---------------------------------------------------------------------------------

# the standard library's pure-Python JSON parts (not in its type stubs)
_JSONObject: Any = getattr(json.decoder, "JSONObject")  # noqa: B009
_WHITESPACE: Any = getattr(json.decoder, "WHITESPACE")  # noqa: B009
_py_make_scanner: Any = getattr(json.scanner, "py_make_scanner")  # noqa: B009
_scanstring: Any = getattr(json.decoder, "scanstring")  # noqa: B009
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _parse_json(text: str, source: str | None) -> Any:
    depth = 0
    for m in _JSON_TOKEN.finditer(text):  # nesting, checked before the recursive parser runs
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                raise _fail(f"nested more than {MAX_DEPTH} levels deep (line {line})", source)
        elif c in "]}":
            depth -= 1
    try:
        try:
            return json.loads(
                text, parse_int=_json_int, parse_constant=_json_constant, object_pairs_hook=_unique
            )
        except _Duplicate:  # rare: parse again, slowly, to name the line
            return _LocatingJSON().decode(text)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise _fail(msg, source) from None
    except _Defect as exc:
        raise _fail(str(exc), source) from None


class _Defect(ValueError):
    """A hostile or impossible construct in the document (the message names where)."""


class _Duplicate(_Defect):
    pass


def _json_int(s: str) -> int:
    digits = len(s.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _Defect(f"an integer of {digits} digits is too large")
    return int(s)


def _json_constant(name: str) -> Any:
    raise _Defect(f"{name} is not a number a case can contain")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate("duplicate key")
    return out


class _LocatingJSON(json.JSONDecoder):
    """The pure-Python decoder, naming the line of a duplicate key."""

    def __init__(self) -> None:
        super().__init__(parse_int=_json_int, parse_constant=_json_constant)
        self.parse_object = self._object
        self.scan_once = _py_make_scanner(self)  # calls self._object

    def _object(
        self, s_and_end: tuple[str, int], strict: bool, scan_once: Any, *_: Any
    ) -> tuple[dict[str, Any], int]:
        s, start = s_and_end
        pairs, end = _JSONObject(s_and_end, strict, scan_once, None, list, {})
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                line = s.count("\n", 0, self._second(s, start, key, scan_once)) + 1
                raise _Defect(f"duplicate key '{_short(key)}' at line {line}")
            out[key] = value
        return out, end

    def _second(self, s: str, i: int, wanted: str, scan_once: Any) -> int:
        """Where the second occurrence of key ``wanted`` starts in the object at ``i``."""
        ws = _WHITESPACE.match
        seen = False
        while True:
            i = ws(s, i).end()
            key, j = _scanstring(s, i + 1, self.strict)
            if key == wanted and seen:
                return i
            seen = seen or key == wanted
            j = ws(s, ws(s, j).end() + 1).end()  # past ':'
            _, j = scan_once(s, j)
            i = ws(s, j).end() + 1  # past ','


# --- YAML ---------------------------------------------------------------------------------


def _parse_yaml(text: str, source: str | None) -> Any:
    try:
        _check_events(text, source)
        return yaml.load(text, Loader=_HardenedLoader)
    except _Defect as exc:
        raise _fail(str(exc), source) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise _fail(f"not valid YAML: {exc.problem or exc}{where}", source) from None
    except yaml.YAMLError as exc:
        raise _fail(f"not valid YAML: {_short(str(exc))}", source) from None


def _check_events(text: str, source: str | None, *, many: bool = False) -> None:
    """One streaming pass over the parser's events (no recursion, nothing expanded): refuses
    anchors, aliases, non-core tags, deep nesting and (unless ``many``) a second document."""
    depth = documents = 0
    for ev in yaml.parse(text, Loader=_BASE):
        line = ev.start_mark.line + 1 if ev.start_mark is not None else 0
        if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
            raise _fail(f"YAML anchors and aliases are not accepted (line {line})", source)
        tag = getattr(ev, "tag", None)
        if tag is not None and tag not in CORE_TAGS and tag != "!":
            raise _fail(f"YAML tag '{_short(tag)}' is not accepted (line {line})", source)
        if isinstance(ev, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _fail(f"nested more than {MAX_DEPTH} levels deep (line {line})", source)
        elif isinstance(ev, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(ev, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1 and not many:
                raise _fail(f"one case per document; a second one starts at line {line}", source)


class _HardenedLoader(_BASE):  # type: ignore[misc, valid-type]
    """The safe loader, refusing duplicate keys and integers too long to be a case value."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable: the base class names it
                continue
            if duplicate:
                line = key_node.start_mark.line + 1
                raise _Defect(f"duplicate key '{_short(str(key))}' at line {line}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > MAX_INT_DIGITS:
            line = node.start_mark.line + 1
            raise _Defect(f"an integer of {digits} digits is too large (line {line})")
        return super().construct_yaml_int(node)


_HardenedLoader.add_constructor("tag:yaml.org,2002:int", _HardenedLoader.construct_yaml_int)


# --- after parsing ------------------------------------------------------------------------


def _is_control(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Zl", "Zp")


_ALLOWED_ASCII = re.compile(r"[ -~]*")


def has_control(value: str) -> bool:
    """True if ``value`` contains a control character (C0/C1, DEL, line/paragraph separator)."""
    if _ALLOWED_ASCII.fullmatch(value):
        return False
    return any(_is_control(c) for c in value)


def check_strings(data: Any, source: str | None = None) -> None:
    """Every key is text, and no key or string value contains a control character; each
    problem names its field. Iterative: no recursion, however the data nests."""
    problems: list[Problem] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack and len(problems) < 20:
        path, value = stack.pop()
        if isinstance(value, str):
            if has_control(value):
                problems.append(Problem(path, "contains a control character; remove it"))
        elif isinstance(value, dict):
            for key, sub in value.items():
                if not isinstance(key, str):
                    problems.append(Problem(path, f"key {_short(repr(key))} is not text"))
                elif has_control(key):
                    problems.append(Problem(path, "a key contains a control character"))
                else:
                    stack.append((f"{path}.{_short(key)}" if path else _short(key), sub))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", sub) for i, sub in enumerate(value))
    if problems:
        raise CaseError(sorted(problems, key=lambda p: p.path), source)


def _short(text: str, limit: int = 80) -> str:
    """At most ``limit`` characters of user text in a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
