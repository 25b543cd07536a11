"""Where a news report was published, as a province: from the tag opening its body, a byline, a site's name.

Provincial papers open a report with their tag in parentheses ("(LSO) - …"), portals name themselves in a
byline ("Nguồn: Cổng thông tin điện tử tỉnh …"), and their sites carry the province's name ("baolangson.vn").
A report usually concerns its publisher's province, so the context pass uses these, and only when the text
names no province and the user gave no place. The table is data/lexicon/publishers.csv; a form the table
gives two provinces is ambiguous and resolves to nothing (guessing a wrong province would place every body
of the report there). Not a pass: a table and the lookups the context pass makes, with no document in sight.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import DataInvalid
from ..gazetteer import Area, Gazetteer
from ..normalize import ascii_name
from ..resources import data_dir

NATIONAL = ""  # a national paper or agency: known, and names no province
_MIN_COMPACT = 5  # shorter compact names ("hue") are parts of common words in site names ("thue")


def compact(text: str) -> str:
    """'Tuyên Quang' -> 'tuyenquang', the way site names write a province."""
    return re.sub(r"[^a-z0-9]", "", ascii_name(text).lower())


@dataclass(frozen=True)
class Publishers:
    """publishers.csv indexed: tag or publisher name (case-folded) -> the provinces listed for it."""

    tags: dict[str, frozenset[str]]
    names: dict[str, frozenset[str]]
    sites: tuple[tuple[str, str], ...]  # (compact province name, slug), longest first

    @classmethod
    def build(cls, rows: list[dict[str, str]], gaz: Gazetteer) -> Publishers:
        tags: dict[str, set[str]] = {}
        names: dict[str, set[str]] = {}
        for row in rows:
            province = (row.get("province") or "").strip()
            if province and gaz.get(province) is None:
                raise DataInvalid(f"unknown province slug {province!r} for {row.get('form')!r}",
                                  path=data_dir() / "lexicon" / "publishers.csv")
            table = tags if row["kind"] == "tag" else names
            table.setdefault(row["form"].strip().casefold(), set()).add(province)
        sites: dict[str, str] = {}  # the earliest unit of a name: a merged province keeps an old one's name
        for area in sorted(gaz.areas.values(), key=lambda a: (a.valid_from or dt.date.min, a.slug)):
            for form in (area.name_vi, *area.aliases):
                if not area.is_nation and len(compact(form)) >= _MIN_COMPACT:
                    sites.setdefault(compact(form), area.slug)
        return cls({k: frozenset(v) for k, v in tags.items()}, {k: frozenset(v) for k, v in names.items()},
                   tuple(sorted(sites.items(), key=lambda s: (-len(s[0]), s))))

    def of_tag(self, tag: str, gaz: Gazetteer, on: dt.date | None) -> Area | None:
        """A body's opening tag: a listed paper's province, or a site's ('Baonghean.vn')."""
        found = self.tags.get(tag.strip().casefold())
        if found is not None:
            return _one(found, gaz, on)
        return self.of_site(tag, gaz, on) if "." in tag else None

    def of_name(self, name: str, gaz: Gazetteer, on: dt.date | None) -> Area | None:
        """A publisher's name without its head word ('Lạng Sơn', 'Sài Gòn Giải Phóng')."""
        found = self.names.get(name.strip().casefold())
        if found is not None:
            return _one(found, gaz, on)
        area = gaz.resolve(name.strip(), on)
        return area if area is not None and not area.is_nation else None

    def of_site(self, url: str, gaz: Gazetteer, on: dt.date | None) -> Area | None:
        """The one province whose compact name is in a site's host name ('congdoantuyenquang.vn')."""
        host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
        labels = host.split(".")
        name = "".join(labels[:-1] if len(labels) > 1 else labels)
        hits: list[tuple[str, str]] = []
        for form, province in self.sites:
            if form in name and not any(form in longer for longer, _ in hits):
                hits.append((form, province))
        return _one(frozenset(p for _, p in hits), gaz, on)


def _one(provinces: frozenset[str], gaz: Gazetteer, on: dt.date | None) -> Area | None:
    """The province when exactly one is listed, taken on the report's date (a merger's successor after it)."""
    if len(provinces) != 1 or NATIONAL in provinces:
        return None
    area = gaz.get(next(iter(provinces)))
    if area is None:
        return None
    return gaz.resolve(area.name_vi, on) or area
