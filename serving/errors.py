"""The error every door turns into its own answer (a problem document, a CLI message)."""

from serving.limits import MAX_ECHO


class RankingError(ValueError):
    """A request that cannot be served (unknown position, bad date); ``field`` names the input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class Unprocessable(RankingError):
    """An input that is there but cannot be used, e.g. a post that is not a key post (422
    over HTTP, even for an id field: the id exists)."""


class MissingInput(Unprocessable):
    """A required input that is absent (422 over HTTP, even for an id field)."""


def quoted(value, limit: int = MAX_ECHO) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages that quote user input."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
