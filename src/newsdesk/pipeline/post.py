"""POST a body to a URL someone else chose (webhooks), with the fetcher's guarantees.

The receiver is hostile like any fetched server: every connection goes through the SSRF guard, one
total deadline bounds the whole call (DNS, connect, TLS, sending, the reply) however slowly the
receiver trickles, and the reply is never decompressed and never read past a few KB: only its
status code counts (a gzip bomb or an endless body costs nothing).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from newsdesk.pipeline import netguard
from newsdesk.pipeline.fetch import guarded_transport

REPLY_CAP = 4096  # bytes of the reply body read (raw, still compressed if it was) before hanging up


@dataclass(frozen=True)
class PostResult:
    status: int | None  # None when no answer came
    error: str  # "" when the receiver answered 2xx; else why not, in plain words
    reply_bytes: int  # raw reply bytes read (at most REPLY_CAP)
    elapsed_s: float


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    policy: netguard.AddressPolicy,
    timeout_s: float,
    reply_cap: int = REPLY_CAP,
) -> PostResult:
    """POST `body` to `url`; never raises for anything the receiver or the network does."""
    started = time.monotonic()
    deadline = started + timeout_s

    def remaining() -> float:
        return deadline - time.monotonic()

    status: int | None = None
    read = 0
    error = ""
    try:
        with httpx.Client(
            transport=guarded_transport(policy, remaining_s=remaining),
            timeout=timeout_s,
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would bypass the guard
        ) as client:
            request = client.build_request(
                "POST", url, content=body, headers={**headers, "Accept-Encoding": "identity"}
            )
            response = client.send(request, stream=True)
            try:
                status = response.status_code
                for chunk in response.iter_raw():  # raw: a compressed reply stays compressed
                    read += len(chunk)
                    if read >= reply_cap:
                        break
            finally:
                response.close()
    except netguard.GuardError as exc:
        error = refusal_words(exc)
    except httpx.TimeoutException:
        if status is None:  # once the status line is in, a slow body is only ignored
            error = f"the receiver did not answer within {timeout_s:g} s"
    except httpx.HTTPError as exc:
        cause = exc.__context__
        if isinstance(cause, netguard.GuardError):
            error = refusal_words(cause)
        elif status is None:
            error = f"{type(exc).__name__}: {exc}"
    if not error and status is not None and not 200 <= status < 300:
        error = f"HTTP {status} from the receiver"
    return PostResult(status, error, min(read, reply_cap), time.monotonic() - started)


def refusal_words(exc: netguard.GuardError) -> str:
    """A guard refusal in words fit for whoever chose the URL: no resolved address, and the same words
    whether an internal name resolved or not, so the refusal tells nothing about the private network."""
    if exc.kind == "invalid_url":
        return f"refused by the network guard: {exc.message}"
    return (
        "refused by the network guard: the address is not a public internet address,"
        " or its name was not found"
    )
