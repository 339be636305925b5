"""An industry's segment split written as text, one "name: share %" a line (e.g. slide 19's
"Hardware: 60.26"), read into (name, share) pairs — pure, so forms, pages and exports agree."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

_LINE = re.compile(r"^(?P<name>.+?)\s*[:：]\s*(?P<share>[-+]?\d+(?:\.\d+)?)\s*%?$")


class SegmentError(ValueError):
    pass


def parse_segments(text: str) -> list[tuple[str, Decimal]]:
    """The segments in order; a line that is not "name: share" or a total above 100 % is an error."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line.strip())
        if match is None:
            raise SegmentError(
                _("Line %(line)d: write “name: share”, e.g. “Hardware: 60.26”.") % {"line": number}
            )
        try:
            share = Decimal(match["share"])
        except InvalidOperation:
            raise SegmentError(_("Line %(line)d: the share is not a number.") % {"line": number}) from None
        if share < 0:
            raise SegmentError(_("Line %(line)d: a share cannot be negative.") % {"line": number})
        found.append((match["name"].strip(), share))
    if sum((share for _name, share in found), Decimal(0)) > 100:
        raise SegmentError(_("The shares add up to more than 100 %."))
    return found
