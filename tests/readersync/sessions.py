"""Replay a recorded reader-app session (tests/fixtures/readersync/*.json) over real HTTP.

A step is one request: method, path (query string allowed, as Fever's `?api&items`), extra
`query` pairs, a urlencoded `form` body (pairs, so a field may repeat as apps send `i=` many
times), the client's headers, and `auth: true` for `Authorization: GoogleLogin auth=…`.
`${name}` is a value saved from an earlier response (or given by the test), `${name.0}` one
item of a saved list, `${last:name}` its last item, `${long:name.0}` an id in Google Reader's
long form, and a form value `${each:name}` / `${each_long:name}` repeats the field per item.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readersync"
_PLACEHOLDER = re.compile(r"\$\{([a-z_]+:)?([A-Za-z_][A-Za-z0-9_]*)(?:\.(\d+))?\}")


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def long_id(value: Any) -> str:
    return f"tag:google.com,2005:reader/item/{int(value):016x}"


def _one(vars: dict[str, Any], kind: str | None, name: str, index: str | None) -> str:
    value = vars[name]
    if kind == "last:":
        value = value[-1]
    elif index is not None:
        value = value[int(index)]
    return long_id(value) if kind == "long:" else str(value)


def fill(text: str, vars: dict[str, Any]) -> str:
    return _PLACEHOLDER.sub(lambda m: _one(vars, m.group(1), m.group(2), m.group(3)), text)


def _pairs(pairs: list[list[str]], vars: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in pairs:
        if m := re.fullmatch(r"\$\{each(_long)?:([A-Za-z_][A-Za-z0-9_]*)\}", value):
            out += [(key, long_id(v) if m.group(1) else str(v)) for v in vars[m.group(2)]]
        else:
            out.append((key, fill(value, vars)))
    return out


def _walk(data: Any, path: list[str]) -> Any:
    if not path:
        return data
    head, rest = path[0], path[1:]
    if head == "*":
        return [_walk(item, rest) for item in data]
    return _walk(data[head], rest)


def _save(response: httpx.Response, how: str) -> Any:
    if how == "text":
        return response.text.strip()
    kind, _, arg = how.partition(":")
    if kind == "regex":
        match = re.search(arg, response.text)
        assert match, f"{arg!r} not in {response.text[:200]!r}"
        return match.group(1)
    if kind == "json":
        return _walk(response.json(), arg.split("."))
    if kind == "csv":
        raw = response.json()[arg]
        return [int(x) for x in raw.split(",") if x]
    raise ValueError(how)


def replay(base_url: str, session: dict[str, Any], vars: dict[str, Any]) -> dict[str, httpx.Response]:
    """Run every step in order; check each step's expectations; return the responses by name."""
    responses: dict[str, httpx.Response] = {}
    with httpx.Client(base_url=base_url, timeout=30, headers=session.get("client_headers", {})) as client:
        for step in session["steps"]:
            headers = {k: fill(v, vars) for k, v in step.get("headers", {}).items()}
            if step.get("auth"):
                headers["Authorization"] = f"GoogleLogin auth={vars['auth']}"
            content = None
            if "form" in step:
                content = urlencode(_pairs(step["form"], vars)).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            response = client.request(
                step["method"],
                fill(step["path"], vars),
                params=_pairs(step.get("query", []), vars) or None,
                content=content,
                headers=headers,
            )
            _check(step, response)
            for name, how in step.get("save", {}).items():
                vars[name] = _save(response, how)
            responses[step["name"]] = response
    return responses


def _check(step: dict[str, Any], response: httpx.Response) -> None:
    expect = step.get("expect", {})
    where = f"step {step['name']}: {response.status_code} {response.text[:300]!r}"
    if "status" in expect:
        assert response.status_code == expect["status"], where
    if "text_contains" in expect:
        assert expect["text_contains"] in response.text, where
    if "json_has" in expect:
        body = response.json()
        missing = [k for k in expect["json_has"] if k not in body]
        assert not missing, f"{where}: missing {missing}"
    if "json_equals" in expect:
        body = response.json()
        for key, value in expect["json_equals"].items():
            assert body.get(key) == value, f"{where}: {key}"
