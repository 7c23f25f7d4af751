"""Class intake: what a TA downloaded from a learning-management system (LMS) -- files,
folders, `.zip` archives -- and the class roster become the submissions to grade, one per
student.

The steps, in order:
1. Archives are unpacked into the caller's scratch folder, each into a folder named after it,
   within the limits in `archives.py` (declared sizes are checked first, bytes are counted while
   unpacking); members whose names leave that folder, and symbolic links, are refused.
2. `discover()` decides the submission paths under each input; an archive lying among them is
   read the same way, except one named by an LMS for one student, which is that student's.
   A submission folder that only wraps one folder or one archive is looked into.
3. Each submission's names are read by the LMS layouts (`LAYOUTS`) into a `Key`, matched to
   the roster, and the latest of one student's several submissions is kept.

Only a bad roster raises (`RosterError`): a bad archive or member is one line in
`Intake.problems`, and the other inputs are still taken.
"""

from .archives import copy_at_most, member_name, safe_parts
from .collect import Intake, Target, intake
from .layouts import LAYOUTS, Key, Layout, read_key
from .roster import Roster, RosterError, RosterStudent, name_forms, read_roster

__all__ = [
    "LAYOUTS",
    "Intake",
    "Key",
    "Layout",
    "Roster",
    "RosterError",
    "RosterStudent",
    "Target",
    "copy_at_most",
    "intake",
    "member_name",
    "name_forms",
    "read_key",
    "read_roster",
    "safe_parts",
]
