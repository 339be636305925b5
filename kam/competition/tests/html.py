"""Reading rendered pages in tests: the text of the element with a given data-testid, nesting included."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Finder(HTMLParser):
    def __init__(self, testid: str):
        super().__init__(convert_charrefs=True)
        self.testid, self.depth, self.parts, self.found = testid, 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("data-testid") == self.testid:
            self.depth, self.parts = 1, []

    def handle_endtag(self, tag):
        if tag in VOID or not self.depth:
            return
        self.depth -= 1
        if not self.depth:
            self.found.append(" ".join(" ".join(self.parts).split()))

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def texts(page: str, testid: str) -> list[str]:
    """The whitespace-collapsed text of every element whose data-testid is `testid`, in page order."""
    finder = _Finder(testid)
    finder.feed(page)
    return finder.found


def text(page: str, testid: str) -> str:
    """The text of the first such element ("" when there is none)."""
    found = texts(page, testid)
    return found[0] if found else ""
