"""Find submissions and read them into cells."""

from .submissions import Submission, discover, read_submission

__all__ = ["Submission", "discover", "read_submission"]
