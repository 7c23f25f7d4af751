"""Find submissions and read them into cells."""

from .submissions import Submission, discover, read_submission, with_entry

__all__ = ["Submission", "discover", "read_submission", "with_entry"]
