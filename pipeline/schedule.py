"""Which articles a build publishes: drafts and articles whose moment has not come are
held back unless the build asks for them (``--drafts``, ``--future``, ``serve``).

"Now" is ``SOURCE_DATE_EPOCH`` when it is set, so a build stays reproducible; an
article goes live at its ``publish_at``, or when its ``date`` begins, in the site's zone.
"""

from __future__ import annotations

import datetime
import os
import zoneinfo
from dataclasses import dataclass, replace

from .model import Article


@dataclass(frozen=True, slots=True)
class Visibility:
    """What a build shows besides published articles, and the moment it calls "now"."""

    now: datetime.datetime  #: aware; articles whose moment is later are scheduled
    drafts: bool = False  #: include articles with ``draft: true`` (with a badge)
    future: bool = False  #: include scheduled articles (with a badge naming their moment)

    @property
    def policy(self) -> str:
        """The flags as text, for the manifest: another policy means another output."""
        return f"drafts={int(self.drafts)},future={int(self.future)}"


@dataclass(frozen=True, slots=True)
class HeldBack:
    """An article variant a build left out, and why."""

    source: str  #: display path of its source file
    key: str  #: translation key
    lang: str  #: the variant's language
    title: str  #: its title, for messages
    reason: str  #: "draft" or "scheduled"
    moment: datetime.datetime | None  #: when a scheduled article goes live (site zone)


def build_now(environ: dict | None = None) -> datetime.datetime:
    """The build's "now": ``SOURCE_DATE_EPOCH`` (seconds, UTC) when set, else the clock."""
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "")
    if epoch.strip().isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    return datetime.datetime.now(tz=datetime.UTC)


def release_moment(article: Article, timezone: str) -> datetime.datetime | None:
    """When ``article`` goes live, in the site's zone: its ``publish_at`` (naive means
    the site's zone), else the start of its date; None for an undated article."""
    zone = zoneinfo.ZoneInfo(timezone)
    if article.publish_at is not None:
        moment = article.publish_at
        return (moment.replace(tzinfo=zone) if moment.tzinfo is None
                else moment.astimezone(zone))
    if article.date is not None:
        return datetime.datetime.combine(article.date, datetime.time(), tzinfo=zone)
    return None


def select_visible(articles: list[Article], visibility: Visibility, timezone: str
                   ) -> tuple[list[Article], list[HeldBack]]:
    """Split ``articles`` into those the build shows and those it holds back.

    A shown article whose moment lies ahead (``--future``, serve) gets
    ``scheduled_for`` set, so its page can say when it goes live.
    """
    shown, held = [], []
    for article in articles:
        moment = release_moment(article, timezone)
        early = moment is not None and moment > visibility.now
        if article.draft and not visibility.drafts:
            held.append(_held(article, "draft", moment if early else None))
        elif early and not visibility.future:
            held.append(_held(article, "scheduled", moment))
        else:
            shown.append(replace(article, scheduled_for=moment) if early else article)
    return shown, held


def _held(article: Article, reason: str, moment: datetime.datetime | None) -> HeldBack:
    """The HeldBack record of ``article``."""
    return HeldBack(article.source, article.key, article.lang, article.title, reason, moment)


def next_change(articles: list[Article], visibility: Visibility, timezone: str
                ) -> datetime.datetime | None:
    """The earliest moment after "now" at which some article goes live: until then a
    build of unchanged sources gives the same site."""
    moments = [m for m in (release_moment(a, timezone) for a in articles)
               if m is not None and m > visibility.now]
    return min(moments, default=None)


def visibility_states(articles: list[Article], held: list[HeldBack]) -> dict[str, str]:
    """Per source, what the schedule did to it ("" when it is simply published).

    Folded into each source's digest, so an output is rendered again exactly when a
    source it shows is held back, released, or loses its "goes live" badge.
    """
    states: dict[str, list[str]] = {}
    for item in held:
        states.setdefault(item.source, []).append(f"{item.lang}:held-{item.reason}")
    for article in articles:
        if article.scheduled_for is not None:
            states.setdefault(article.source, []).append(
                f"{article.lang}:early-{article.scheduled_for.isoformat()}")
    return {source: ",".join(sorted(parts)) for source, parts in states.items()}
