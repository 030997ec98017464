"""A small HTML reader for tests: text by element id, every tag and attribute, the title."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Page:
    """What a rendered page contains."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)
    all_text: list[str] = field(default_factory=list)
    title: str = ""

    def text(self, element_id: str | None = None) -> str:
        """Whitespace-normalised text of the page, or of the element with ``element_id``."""
        chunks = self.all_text if element_id is None else self.texts.get(element_id, [])
        return " ".join(" ".join(chunks).split())

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Attributes of every ``tag`` element whose attributes include ``attrs``."""
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def with_attr(self, name: str) -> list[str]:
        """Values of attribute ``name`` on any element."""
        return [a[name] for _, a in self.tags if name in a]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.open: list[str | None] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.page.tags.append((tag, values))
        if tag == "title":
            self.in_title = True
        if tag not in VOID:
            self.open.append(values.get("id"))
            if values.get("id"):
                self.page.texts.setdefault(values["id"], [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page.title += data
        self.page.all_text.append(data)
        for element_id in self.open:
            if element_id:
                self.page.texts[element_id].append(data)


def parse(html: str) -> Page:
    """Parse a whole document."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page
