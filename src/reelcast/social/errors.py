"""The one exception the social services raise; the API maps it to an OpenAI-style error body."""

from __future__ import annotations


class SocialError(Exception):
    """A refused social action with its HTTP status, machine-readable code and offending parameter."""

    def __init__(self, status: int, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code


def not_found(what: str, ident: str, param: str | None = None, code: str | None = None) -> SocialError:
    """A 404 for an object the caller may not see (or that does not exist: the two look the same)."""
    return SocialError(404, f"{what} '{ident}' not found.", param=param, code=code or f"{what.lower()}_not_found")
