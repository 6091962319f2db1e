"""One error body for every API failure: `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


class ErrorDetail(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(HttpError):
    """An error with a machine-readable code and optional details (raised by the endpoints)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str = "",
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, message)
        self.code = code or CODES.get(status, "error")
        self.details = details
        self.headers = headers or {}


def responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The documented error responses of an operation (400, 422 and 429 can happen on every one; where
    a login is needed, so can 403: a session write without its CSRF token)."""
    extra = {403} if 401 in statuses else set()
    return {s: ErrorOut for s in sorted({*statuses, *extra, 400, 422, 429})}


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, message: str, code: str = "", details: Any = None
) -> HttpResponse:
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message, "details": details}}
    return api.create_response(request, body, status=status)


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (`{"detail": …}`) with ours."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = error_response(
            api, request, exc.status_code, exc.message, exc.code, _json_safe(exc.details)
        )
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors
        ]
        first = details[0] if details else {"loc": [], "msg": "invalid input"}
        where = ".".join(str(p) for p in first["loc"])
        return error_response(
            api, request, 422, f"{where}: {first['msg']}" if where else first["msg"], "invalid", details
        )

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api, request, 401, "authentication required: a session or 'Authorization: Bearer <token>'"
        )
        response["WWW-Authenticate"] = 'Bearer realm="newsdesk"'
        return response

    @api.exception_handler(Throttled)
    def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return error_response(api, request, 429, "too many requests: slow down and retry after the delay")

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, str(exc.message))

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, "not found")

    @api.exception_handler(ObjectDoesNotExist)
    def _no_row(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, "not found")

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return error_response(api, request, 500, "internal error; it has been logged")
