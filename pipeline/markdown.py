"""markdown-it set up for author text, and the sanitiser for raw HTML.

GFM-like Markdown whose links go to safe schemes only, whose bare-URL rules stay linear
on any text, and whose nesting limit is deep enough for real text; what lies deeper
still is reported (``parse_tokens``) so parse.py can keep it as a plain paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from .links import MAX_LINK_CHARS, SAFE_SCHEMES, is_safe_link, linkifier
from .model import Block

if TYPE_CHECKING:  # markdown-it is imported when the first Markdown file is parsed
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

#: How deep quotes and lists may nest (a list level counts twice: list and item).
#: CommonMark's preset stops at 20, which loses the text of a list nested 10 deep;
#: 100 is markdown-it's own default and needs about 320 stack frames at worst (nested
#: brackets), well inside Python's limit of 1000.
MAX_NESTING = 100
#: The key under which parsing notes the line ranges it could not nest (see below).
_DROPPED = "bilingual:dropped"
#: Prefix of every id in author HTML: the page's own ids ("main", the skip link's
#: target) never collide with an article's. GitHub prefixes the ids in READMEs the same.
ID_PREFIX = "user-content-"
#: markdown-it's scheme pattern for its inline linkify rule, used on a bounded window.
_SCHEME_BEFORE = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)
_SCHEME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789.+-")
#: linkify-it knows no scheme longer than this ("https", "mailto"); look no further back.
_SCHEME_WINDOW = 32
_NON_SPACE = re.compile(r"\S*")
#: The longest link text: CommonMark's limit for link reference labels (999), for
#: inline links too.
MAX_LABEL_CHARS = 1000


@cache
def markdown_parser(linkify: bool = True, allow_html: bool = False) -> MarkdownIt:
    """CommonMark plus tables, strikethrough and bare-URL links (GFM-like).

    Raw HTML is off unless ``allow_html``: "<script>" in an article is shown, escaped,
    as text. Links and images go to SAFE_SCHEMES or relative addresses only; any
    other target leaves the Markdown as text. The bare-URL rule tests every text token
    against linkify-it's large patterns (still two thirds more parsing time, even with
    BoundedLinkify), so text with nothing link-like gets a parser without it; the HTML
    is the same either way.
    """
    from markdown_it import MarkdownIt, rules_inline

    parser = MarkdownIt("gfm-like", {"typographer": False, "linkify": linkify,
                                     "html": allow_html, "maxNesting": MAX_NESTING})
    parser.validateLink = is_safe_link
    parser.linkify = linkifier()
    parser.inline.ruler.at("linkify", _bounded_linkify)
    parser.inline.ruler.at("link", _closed_nearby(rules_inline.link))
    parser.inline.ruler.at("image", _closed_nearby(rules_inline.image))
    # Rules that would return False at once under these options are not tried at all
    # (the block rules on every line, the inline ones at every "<" or ":").
    if not allow_html:
        parser.disable(["html_block", "html_inline"])
    if not linkify:
        parser.disable("linkify")  # the core rule and the inline one
    unbounded = parser.block.tokenize

    def tokenize(state: StateBlock, start: int, end: int) -> None:
        """markdown-it's block tokenizer; past MAX_NESTING, it notes the lines it skips
        and skips only the lines of the container it is in."""
        if state.level < state.md.options.maxNesting:
            unbounded(state, start, end)
        else:
            _skip_too_deep(state, start, end)

    parser.block.tokenize = tokenize
    dispatched = _dispatching_inline_tokenize(parser)
    if dispatched is not None:
        parser.inline.tokenize = dispatched
    return parser


#: The one character each inline rule can start at: every rule's first test is on it
#: and fails at once elsewhere, changing nothing. ``text`` matches anywhere else.
_INLINE_RULE_STARTS = {"linkify": ":", "newline": "\n", "escape": "\\", "backticks": "`",
                       "strikethrough": "~", "emphasis": "_*", "link": "[", "image": "!",
                       "autolink": "<", "html_inline": "<", "entity": "&"}


def _dispatching_inline_tokenize(parser: MarkdownIt) -> Callable[[StateInline], None] | None:
    """markdown-it's inline tokenizer, trying at each position only the rules that can
    start at its character, in markdown-it's order; the tokens are the same.

    markdown-it tries all twelve rules wherever the text rule stops ("-", ":", "%" in
    prose), so most of its calls were rules bound to fail. None when a rule is active
    whose starting character is not known here: then markdown-it's own loop is kept.
    """
    names = parser.inline.ruler.get_active_rules()
    rules = parser.inline.ruler.getRules("")
    if names[:1] != ["text"] or not set(names[1:]) <= _INLINE_RULE_STARTS.keys():
        return None
    text_rule = rules[0]
    rules_at: dict[str, list] = {}
    for name, rule in zip(names[1:], rules[1:], strict=True):
        for character in _INLINE_RULE_STARTS[name]:
            rules_at.setdefault(character, [text_rule]).append(rule)
    only_text = [text_rule]

    def tokenize(state: StateInline) -> None:
        """ParserInline.tokenize with the rules looked up by character."""
        end = state.posMax
        max_nesting = state.md.options["maxNesting"]
        src = state.src
        while state.pos < end:
            pos = state.pos
            ok = False
            if state.level < max_nesting:
                for rule in rules_at.get(src[pos], only_text):
                    ok = rule(state, False)
                    if ok:
                        if state.pos <= pos:
                            raise RuntimeError("inline rule didn't increment state.pos")
                        break
            if ok:
                if state.pos >= end:
                    break
                continue
            state.append_pending(src[state.pos])
            state.pos += 1
        if state.pending:
            state.pushPending()

    return tokenize


def _skip_too_deep(state: StateBlock, start: int, end: int) -> None:
    """Skip the lines of a container nested deeper than MAX_NESTING, noting them.

    markdown-it skips to ``end``, which for a list item is the end of the whole document:
    everything after a list nested too deep was lost, not only its deepest items. Here
    the skip stops where markdown-it's own loop would have: at the first line indented
    less than the container (a quote's ``end`` is its own last line already).
    """
    line, first = start, None
    while line < end:
        line = state.skipEmptyLines(line)
        if line >= end or state.sCount[line] < state.blkIndent:
            break
        first = line if first is None else first
        line += 1
    if first is not None:
        state.env.setdefault(_DROPPED, []).append((first, line))
    state.line = line


def parse_tokens(parser: MarkdownIt, text: str) -> tuple[list[Token], list[tuple[int, int]]]:
    """markdown-it's tokens for ``text`` and the (first, end) 0-based line ranges it left
    out because they were nested deeper than MAX_NESTING."""
    env: dict = {}
    tokens = parser.parse(text, env)
    return tokens, env.get(_DROPPED, [])


def _closed_nearby(rule: Callable[[StateInline, bool], bool]
                   ) -> Callable[[StateInline, bool], bool]:
    """markdown-it's link or image rule, tried only where a "]" follows within
    MAX_LABEL_CHARS.

    Looking for the end of a label from every "[" costs markdown-it some 35 µs per "["
    at our nesting limit (35 s for a line of a million); a bounded ``str.find`` first
    makes a run of "[" with no "]" nearby cost next to nothing.
    """
    def closed_nearby(state: StateInline, silent: bool) -> bool:
        """The rule, when a "]" is near enough to close a label."""
        pos = state.pos
        opens = state.src[pos] == "[" or state.src.startswith("![", pos)
        if opens and state.src.find("]", pos, pos + MAX_LABEL_CHARS) < 0:
            return False
        return rule(state, silent)

    return closed_nearby


def _bounded_linkify(state: StateInline, silent: bool) -> bool:
    """markdown-it's inline linkify rule (a URL with a scheme is linked while parsing,
    so emphasis never breaks it) with its two unbounded steps bounded.

    markdown-it searches all text pending since the last token for the scheme (quadratic
    on "a://" repeated: a minute for 100 KB) and hands linkify-it the rest of the whole
    block; here the scheme is sought in the last _SCHEME_WINDOW characters, and
    linkify-it sees the run of non-space only, and only when it is at most
    MAX_LINK_CHARS long.
    """
    pos = state.pos
    if not state.md.options.linkify or state.linkLevel > 0:
        return False
    if pos + 3 > state.posMax or state.src[pos:pos + 3] != "://":
        return False
    pending = state.pending
    window = pending[-_SCHEME_WINDOW:]
    found = _SCHEME_BEFORE.search(window)
    if not found:
        return False
    if (found.start(1) == 0 and len(pending) > len(window)
            and pending[-len(window) - 1] in _SCHEME_CHARACTERS):
        return False  # the scheme goes on before the window: longer than any known one
    proto = found.group(1)
    start = pos - len(proto)
    end = _NON_SPACE.match(state.src, pos, start + MAX_LINK_CHARS + 1).end()
    if end - start > MAX_LINK_CHARS:
        return False  # as links.BoundedLinkify: a run this long is never a link
    link = state.md.linkify.match_at_start(state.src[start:end])
    if not link:
        return False
    url = link.url.rstrip("*")  # a "*" at the end belongs to emphasis
    if len(url) <= len(proto):
        # linkify-it found a link that ends before "://" (in "x.$://", say): the rule
        # would not move on, and markdown-it stops with a RuntimeError (it does so on
        # its own rule too). Not a link here; the text stays text.
        return False
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = state.pending[:-len(proto)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup = "linkify"
        token.info = "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup = "linkify"
        token.info = "auto"
    state.pos += len(url) - len(proto)
    return True


def _author_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: a link to "#x" goes to the author's "#user-content-x",
    as nh3 gives every id the same prefix."""
    if attribute == "href" and value.startswith("#") and not value.startswith(
            "#" + ID_PREFIX):
        return "#" + ID_PREFIX + value[1:]
    return value


def sanitise(html: str) -> str:
    """Keep safe HTML only (nh3, the Rust ammonia sanitiser): no scripts, no event
    handlers, links to SAFE_SCHEMES only. ``lang`` stays on every element.

    Every id gets ID_PREFIX, and fragment links ("#x") with it: an article that adds
    ``id="main"`` cannot give the page two elements the skip link could target. Ids are
    prefixed rather than dropped so an article's own table of contents keeps working.
    """
    import nh3

    return nh3.clean(html, generic_attribute_prefixes={"data-"},
                     attributes={"*": {"lang", "class", "id", "title", "dir"},
                                 "a": {"href", "hreflang"},
                                 "img": {"src", "alt", "width", "height"},
                                 "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
                     url_schemes=set(SAFE_SCHEMES), id_prefix=ID_PREFIX,
                     attribute_filter=_author_attribute)


def plain_text(tokens: list[Token]) -> str:
    """Readable text of a token run: inline text without markup, blocks on new lines."""
    pieces: list[str] = []
    for token in tokens:
        if token.type == "inline":
            words = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
                elif child.type == "image":
                    words.append(child.content)
            pieces.append("".join(words).strip())
        elif token.type in ("fence", "code_block"):
            pieces.append(token.content.rstrip("\n"))
    return "\n".join(piece for piece in pieces if piece)


#: Quote marks and list bullets at the start of a line, as deep as they go. Possessive:
#: a mark never starts with a space, so there is one way to read them, tried once.
_CONTAINER_MARKS = re.compile(r"(?:[ \t]*+(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)))*+[ \t]*+")


def flattened_blocks(parser: MarkdownIt, source_lines: list[str],
                     dropped: list[tuple[int, int]], first_line: int,
                     allow_html: bool) -> list[Block]:
    """The text of each line range markdown-it left out (nested deeper than MAX_NESTING)
    as one paragraph: quote marks and bullets removed, inline Markdown still rendered."""
    blocks = []
    for first, end in dropped:
        lines = [line[_CONTAINER_MARKS.match(line).end():].strip()
                 for line in source_lines[first:end]]
        content = " ".join(line for line in lines if line)
        if not content:
            continue
        html = f"<p>{parser.renderInline(content)}</p>"
        last = first + max(i for i, line in enumerate(lines) if line)
        blocks.append(Block("paragraph", content, sanitise(html) if allow_html else html,
                            first_line + first, first_line + last))
    return blocks
