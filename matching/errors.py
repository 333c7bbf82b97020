"""The errors `matching` raises; only bad input raises, "nothing feasible" is a result status.

::

    MatchingError              any failure of the matching library
    ├── MatchingInputError     an argument is malformed (also a ValueError): wrong shape, an
    │                          unknown education level, a negative capacity, a bad weight
    └── EncoderUnavailable     the embedding model cannot be loaded from local files (it is not
                               installed or not cached, and nothing is downloaded at run time)
"""

from __future__ import annotations

__all__ = ["EncoderUnavailable", "MatchingError", "MatchingInputError"]


class MatchingError(Exception):
    """Any failure of the matching library."""


class MatchingInputError(MatchingError, ValueError):
    """An argument is malformed; the message names the argument."""


class EncoderUnavailable(MatchingError):
    """The embedding model is not available locally; nothing is downloaded at run time."""
