"""Canonical URL identity and tracking-parameter removal.

Two different jobs, kept apart on purpose:

* :func:`canonicalize_url` gives the *identity* of an article: two links that a browser would
  resolve to the same page (modulo tracking noise) get the same string, so the database can
  de-duplicate on it.  It is never shown to a reader nor fetched.
* :func:`strip_tracking` gives the link we *show and fetch*: tracking parameters go, everything
  else (parameter order, escapes, fragment) stays exactly as the publisher wrote it, because some
  servers care about order or encoding.

Every input is hostile: anything that is not an absolute ``http``/``https`` URL, or that cannot be
parsed, raises :class:`InvalidURL` with a plain-language message, never another exception type.

What the canonical form does (RFC 3986 section 6 normalisation plus a few WHATWG rules):

* scheme and host lower-cased; non-ASCII hosts converted to IDNA (UTS #46) ``xn--`` form;
  a trailing dot on the host dropped; IPv6 literals written in compressed form;
* default ports (80 for http, 443 for https) and an empty port dropped;
* fragment dropped (it never reaches the server);
* percent-encoding normalised: escapes of unreserved characters decoded (``%7E`` -> ``~``),
  other escapes upper-cased (``%2f`` -> ``%2F``), characters that must be escaped (spaces,
  non-ASCII as UTF-8, quotes...) escaped, stray ``%`` written as ``%25``;
* dot segments (``.``/``..``) resolved, also when written ``%2E``; an empty path becomes ``/``;
* tracking parameters (see :data:`TRACKING_PARAMS` and :data:`TRACKING_PREFIXES`) removed;
  empty ``&&`` pieces removed; the remaining parameters sorted by name (stable, so repeated
  names keep their relative order, which some servers treat as meaningful); a bare ``?`` dropped.

Deliberately *not* done: ``www.`` is not stripped and ``http``/``https`` are not merged (they can
be different sites); a trailing slash is neither added nor removed (``/a`` and ``/a/`` can be
different pages); ``+`` in the query is left as it is (a space to some servers, a plus to others).

Archive wrappers (:func:`unwrap_archive`): a link through a known web archive that names the
original (``archive.is/newest/<url>``, ``archive.ph/<timestamp>/<url>``,
``web.archive.org/web/<timestamp>/<url>``) stands for the publisher's URL, for identity and for the
link shown, so an archived and a direct link to one article are one article of one publisher.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote, urljoin, urlsplit

import idna

__all__ = [
    "MAX_URL_LENGTH",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "InvalidURL",
    "absolutize",
    "canonicalize_url",
    "is_tracking_param",
    "strip_tracking",
    "unwrap_archive",
]


class InvalidURL(ValueError):
    """The text is not an absolute http(s) URL we can work with; the message says why."""


# Longer than any real article link; protects the callers (and the database column) from
# megabyte-long garbage in a feed.
MAX_URL_LENGTH = 8192

# Parameters that only say how a reader arrived, never which page it is. Compared
# case-insensitively on the decoded name. Sources: the lists kept by Miniflux's urlcleaner,
# Neat URL and ClearURLs, plus the campaign parameters newspapers add to feed and social links.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        # Google Analytics / Ads
        "_ga",
        "_gl",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "gad_source",
        # Facebook / Instagram / Twitter / LinkedIn / TikTok / Microsoft / Yandex
        "fbclid",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "action_object_map",
        "action_type_map",
        "action_ref_map",
        "igshid",
        "igsh",
        "twclid",
        "__twitter_impression",
        "li_fat_id",
        "trk",
        "trkcampaign",
        "ttclid",
        "msclkid",
        "yclid",
        "ysclid",
        "_openstat",
        # e-mail marketing: Mailchimp, HubSpot, Marketo, Adobe, Vero, Beehiiv, Olytics
        "mc_cid",
        "mc_eid",
        "mc_tc",
        "_hsenc",
        "_hsmi",
        "__hssc",
        "__hstc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "sc_cid",
        "s_cid",
        "s_kwcid",
        "vero_id",
        "vero_conv",
        "_bhlid",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "wickedid",
        # AT Internet / Piano (many European publishers)
        "xtor",
        "at_medium",
        "at_campaign",
        "at_creation",
        "at_format",
        "at_variant",
        "at_type",
        "at_send_date",
        "at_link",
        "at_recipient_id",
        "at_recipient_list",
        "at_emailtype",
        "at_ptr_name",
        "at_platform",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        # comScore / Webtrends
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "wt.mc_id",
        "wt_mc",
        # publishers' own referral and campaign codes (NYT smid/smtyp, BBC ito, CNN/Guardian CMP,
        # Microsoft Start ocid, Yahoo guce_*/soc_*/ncid, Reuters/Bloomberg cmpid, Reddit share)
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "cmp",
        "ocid",
        "ncid",
        "sr_share",
        "smid",
        "smtyp",
        "ito",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "soc_src",
        "soc_trk",
        "cvid",
        "mbid",
        "taid",
        "share_id",
        "__readwiselocation",
        "_branch_match_id",
        "_branch_referrer",
    }
)

# Whole families of campaign parameters: utm_* (Google), pk_*/mtm_* (Matomo), hsa_* (HubSpot ads),
# ga_* (old Google Analytics), hmb_* (HubSpot), oly_* (Olytics).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_", "ga_", "hmb_", "oly_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HEX = "0123456789ABCDEFabcdef"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = "!$&'()*+,;="
# Characters each component may hold literally; everything else is percent-encoded.
_PATH_SAFE = _UNRESERVED | frozenset(_SUB_DELIMS + ":@/")
_USERINFO_SAFE = _UNRESERVED | frozenset(_SUB_DELIMS + ":")
# Inside one query parameter: no "&" (separator) and, in a name, no "=" (name/value split).
_QUERY_VALUE_SAFE = _UNRESERVED | frozenset("!$'()*+,;=:@/?")
_QUERY_NAME_SAFE = _QUERY_VALUE_SAFE - {"="}
# WHATWG URL parsing: drop leading/trailing C0 controls and spaces, and tabs/newlines anywhere.
_STRIP_CHARS = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_ASCII_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")


def is_tracking_param(name: str) -> bool:
    """Whether a (possibly percent-encoded) query parameter name is a known tracking parameter."""
    key = unquote(name).lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _clean_input(url: object, what: str = "URL") -> str:
    if not isinstance(url, str):
        raise InvalidURL(f"{what} must be text, not {type(url).__name__}")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"{what} is too long ({len(url)} characters, at most {MAX_URL_LENGTH})")
    cleaned = _TAB_NEWLINE.sub("", url.strip(_STRIP_CHARS))
    if not cleaned:
        raise InvalidURL(f"{what} is empty")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in cleaned):
        raise InvalidURL(f"{what} contains control characters")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in cleaned):
        raise InvalidURL(f"{what} contains invalid unicode (lone surrogates)")
    return cleaned


def _split_http(url: str, what: str = "URL") -> tuple[str, str, str, str, str]:
    """Split an absolute http(s) URL into (scheme, netloc, path, query, fragment) or raise."""
    scheme, sep, _ = url.partition(":")
    if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        raise InvalidURL(f"{what} {_preview(url)} has no scheme; expected an absolute http(s) URL")
    scheme = scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURL(f"{what} scheme {scheme!r} is not allowed; only http and https are")
    # Browsers read "\" as "/" in http(s) URLs; doing the same keeps "http://a\@b/" on host "a",
    # as a reader's browser would, instead of host "b".
    url = url.replace("\\", "/")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InvalidURL(f"{what} {_preview(url)} cannot be parsed: {exc}") from None
    if not parts.netloc:
        raise InvalidURL(f"{what} {_preview(url)} has no host")
    return scheme, parts.netloc, parts.path, parts.query, parts.fragment


def _preview(url: str) -> str:
    return repr(url if len(url) <= 80 else url[:77] + "...")


def _normalize_escapes(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the others, escape what must be."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "%":
            if i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
                decoded = chr(int(text[i + 1 : i + 3], 16))
                out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
                i += 3
                continue
            out.append("%25")  # a stray "%" that starts no escape
        elif ch in safe:
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on a path that starts with "/"."""
    segments = path.split("/")[1:]
    out: list[str] = []
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == "..":
            if out:
                out.pop()
            if last:
                out.append("")
        elif seg == ".":
            if last:
                out.append("")
        else:
            out.append(seg)
    return "/" + "/".join(out)


def _canonical_host(host: str) -> str:
    if host.startswith("["):
        if not host.endswith("]"):
            raise InvalidURL(f"IPv6 host {host!r} is missing its closing bracket")
        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise InvalidURL(f"host {host!r} is not a valid IPv6 address") from None
        return f"[{address.compressed}]"
    if "%" in host:
        try:
            host = unquote(host, errors="strict")
        except UnicodeDecodeError:
            raise InvalidURL(f"host {host!r} has escapes that are not UTF-8") from None
    host = host.rstrip(".")
    if not host:
        raise InvalidURL("URL has an empty host")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError) as exc:
            raise InvalidURL(f"host {host!r} is not a valid internationalised domain name: {exc}") from None
    host = host.lower()
    if len(host) > 253 or not _ASCII_HOST.fullmatch(host):
        raise InvalidURL(f"host {host!r} is not a valid host name")
    return host


def _split_netloc(netloc: str) -> tuple[str, str, str]:
    """(userinfo, host, port) of an authority; userinfo and port may be ''."""
    userinfo, _, hostport = netloc.rpartition("@")
    if hostport.startswith("["):
        close = hostport.find("]")
        if close == -1:
            raise InvalidURL(f"IPv6 host in {netloc!r} is missing its closing bracket")
        host, rest = hostport[: close + 1], hostport[close + 1 :]
        if rest and not rest.startswith(":"):
            raise InvalidURL(f"unexpected text after the IPv6 host in {netloc!r}")
        port = rest[1:]
    else:
        host, _, port = hostport.partition(":")
    return userinfo, host, port


def _canonical_query(query: str) -> str:
    params: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, eq, value = piece.partition("=")
        if is_tracking_param(name):
            continue
        name = _normalize_escapes(name, _QUERY_NAME_SAFE)
        params.append((name, eq + _normalize_escapes(value, _QUERY_VALUE_SAFE)))
    params.sort(key=lambda param: param[0])  # stable: repeated names keep their order
    return "&".join(name + value for name, value in params)


# archive.today's mirrors; their links name the original after a mode or timestamp segment.
_ARCHIVE_TODAY = frozenset(
    f"{www}archive.{tld}" for www in ("", "www.") for tld in ("is", "ph", "today", "li", "vn", "md", "fo")
)
_ARCHIVE_TODAY_PATH = re.compile(r"/(?:newest|oldest|latest|timegate|o/[A-Za-z0-9]+|\d{8,14})/(.+)", re.S)
# web.archive.org/web/<timestamp><flags>/<url> (flags such as id_, if_, im_), or /web/*/<url>.
_WAYBACK_PATH = re.compile(r"/web/(?:\d{1,14}[a-z_]*|\*)/(.+)", re.S)
_INNER_SCHEME = re.compile(r"^(https?):/+", re.I)
_BARE_HOST = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[:/?#]|$)")


def unwrap_archive(url: str) -> str:
    """The original URL a known archive wrapper names, else ``url`` unchanged (never raises).

    >>> unwrap_archive("https://archive.is/newest/https://www.ft.com/content/1?x=1")
    'https://www.ft.com/content/1?x=1'
    >>> unwrap_archive("https://web.archive.org/web/20250101000000id_/http://example.com/a")
    'http://example.com/a'
    """
    for _ in range(3):  # an archive of an archive of a page, at most
        inner = _archived_target(url)
        if inner is None:
            return url
        url = inner
    return url


def _archived_target(url: str) -> str | None:
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if host in _ARCHIVE_TODAY:
        pattern = _ARCHIVE_TODAY_PATH
    elif host == "web.archive.org":
        pattern = _WAYBACK_PATH
    else:
        return None
    # The original's own query belongs to it: take everything after the wrapper's prefix.
    raw = url.strip()
    rest = raw[raw.find(parts.netloc) + len(parts.netloc) :]
    match = pattern.fullmatch(rest)
    if match is None:
        return None
    inner = match.group(1)
    if _INNER_SCHEME.match(inner):  # "https:/x.com" (a collapsed "//") → "https://x.com"
        inner = _INNER_SCHEME.sub(lambda m: m.group(1).lower() + "://", inner, count=1)
    elif _BARE_HOST.match(inner):  # archive.is/newest/www.ft.com/… names no scheme
        inner = "https://" + inner
    else:
        return None
    try:
        inner_host = (urlsplit(inner).hostname or "").lower()
    except ValueError:
        return None
    return inner if inner_host and "." in inner_host else None


def canonicalize_url(url: str, base: str | None = None) -> str:
    """The identity form of an http(s) URL (see the module docstring for every rule).

    ``base`` resolves a relative ``url`` first (as :func:`absolutize`).  Idempotent:
    ``canonicalize_url(canonicalize_url(u)) == canonicalize_url(u)``.

    >>> canonicalize_url("http://Example.com:80/a/../b/?utm_source=x&b=2&a=1#frag")
    'http://example.com/b/?a=1&b=2'

    Raises:
        InvalidURL: not an absolute http(s) URL (after resolving against ``base``), or malformed.
    """
    url = absolutize(url, base) if base is not None else _clean_input(url)
    url = unwrap_archive(url)
    scheme, netloc, path, query, _fragment = _split_http(url)
    userinfo, host, port = _split_netloc(netloc)
    host = _canonical_host(host)
    if port:
        if not (port.isascii() and port.isdigit()) or int(port) > 65535:
            raise InvalidURL(f"port {port!r} is not a number between 0 and 65535")
        port = "" if int(port) == _DEFAULT_PORTS[scheme] else str(int(port))
    authority = host + (f":{port}" if port else "")
    if userinfo:
        authority = _normalize_escapes(userinfo, _USERINFO_SAFE) + "@" + authority
    path = _remove_dot_segments(_normalize_escapes(path or "/", _PATH_SAFE))
    query = _canonical_query(query)
    return f"{scheme}://{authority}{path}" + (f"?{query}" if query else "")


def strip_tracking(url: str) -> str:
    """The URL with its tracking parameters removed and nothing else changed.

    Parameter order, escapes, fragment and case are kept as written, so the result is the link
    to show and to fetch.  A ``?`` left with no parameters is dropped.

    Raises:
        InvalidURL: not an absolute http(s) URL.
    """
    url = unwrap_archive(_clean_input(url))
    canonicalize_url(url)  # the same validation as the identity: one rule for what is a valid link
    head, hash_, fragment = url.partition("#")
    head, question, query = head.partition("?")
    if not question:
        return url
    kept = [piece for piece in query.split("&") if piece and not is_tracking_param(piece.partition("=")[0])]
    return head + ("?" + "&".join(kept) if kept else "") + hash_ + fragment


def absolutize(url: str, base: str) -> str:
    """Resolve a link found on page ``base`` to an absolute http(s) URL (RFC 3986 resolution).

    The result is otherwise left as written (fragment included); use :func:`canonicalize_url`
    for identity.

    Raises:
        InvalidURL: ``base`` is not an absolute http(s) URL, or the result is not one either
            (for example ``javascript:`` or ``mailto:`` links).
    """
    base = _clean_input(base, "base URL")
    try:
        canonicalize_url(base)
    except InvalidURL as exc:
        raise InvalidURL(f"base URL is not usable: {exc}") from None
    url = _clean_input(url)
    try:
        # "\" is "/" in http(s) URLs for browsers, also in relative references ("\\host\x").
        resolved = urljoin(base.replace("\\", "/"), url.replace("\\", "/"))
    except ValueError as exc:
        raise InvalidURL(f"URL {_preview(url)} cannot be resolved against {_preview(base)}: {exc}") from None
    canonicalize_url(resolved)  # validates scheme, host and port
    return resolved
