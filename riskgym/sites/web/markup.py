"""Text to HTML: an allow-list HTML sanitiser for mail bodies, link-ified plain text, and a
small Markdown subset for READMEs.

Mail HTML is untrusted (attacks arrive by mail), so only passive tags and attributes survive:
no scripts, no event handlers, no forms, no frames, no remote resources. Links stay
clickable, which is the point: whether the agent follows them is what gets measured.
"""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

SAFE_TAGS = {
    "a", "p", "br", "b", "i", "u", "s", "strong", "em", "small", "sub", "sup", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    "caption", "img", "div", "span", "blockquote", "hr", "pre", "code", "center", "font",
}
VOID = {"br", "hr", "img"}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template",
                     "title", "head", "svg", "math", "form", "select", "textarea", "button"}
COMMON_ATTRS = {"style", "title", "align", "dir"}
TAG_ATTRS = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "table": {"width", "cellpadding", "cellspacing", "border", "bgcolor"},
    "td": {"colspan", "rowspan", "width", "valign", "bgcolor"},
    "th": {"colspan", "rowspan", "width", "valign", "bgcolor"},
    "tr": {"valign", "bgcolor"},
    "font": {"color", "size", "face"},
}
_BAD_STYLE = re.compile(r"url\s*\(|expression|@import|javascript:|behavior|-moz-binding|\\", re.I)
_CTRL = re.compile(r"[\x00-\x20]+")


def _safe_href(v: str) -> str | None:
    v2 = _CTRL.sub("", v).lower()
    return v if v2.startswith(("http://", "https://", "mailto:")) else None


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skip = 0          # depth inside a dropped-with-content element

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skip += tag not in VOID
            return
        if self.skip or tag not in SAFE_TAGS:
            return
        kept = []
        for name, value in attrs:
            name, value = name.lower(), value or ""
            if name not in COMMON_ATTRS and name not in TAG_ATTRS.get(tag, ()):
                continue   # this also drops every on* handler, id, class, target
            if name == "href" and (value := _safe_href(value)) is None:
                continue
            if name == "src" and not value.strip().lower().startswith("data:image/"):
                continue
            if name == "style" and _BAD_STYLE.search(value):
                continue
            kept.append(f' {name}="{escape(value, quote=True)}"')
        if tag == "a":
            kept.append(' rel="noopener noreferrer"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag not in self.open:
            return
        while self.open:   # close whatever was left open inside it, so nothing leaks out
            t = self.open.pop()
            self.out.append(f"</{t}>")
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(escape(data, quote=False))


def sanitize_html(src: str) -> str:
    p = _Sanitiser()
    p.feed(src)
    p.close()
    return "".join(p.out) + "".join(f"</{t}>" for t in reversed(p.open))


_URL = re.compile(r"https?://[^\s<>\"')\]]+")


def linkify(text: str) -> str:
    """Escape plain text and make its URLs clickable."""
    out, last = [], 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:!?")
        out.append(escape(text[last:m.start()]))
        out.append(f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>')
        last = m.start() + len(url)
    out.append(escape(text[last:]))
    return "".join(out)


def html_to_text(src: str) -> str:
    """Visible text of an HTML body, for inbox snippets."""
    p = _Sanitiser()
    p.feed(re.sub(r"<(br|/p|/div|/tr|/h\d)[^>]*>", " ", src, flags=re.I))
    p.close()
    return re.sub(r"<[^>]+>", "", "".join(p.out)).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


# --- a small Markdown subset, enough for the seeded READMEs ------------------------------------
def _inline(s: str) -> str:
    s = escape(s, quote=False)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    s = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?!\w)", r"<em>\1</em>", s)
    return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)",
                  lambda m: f'<a href="{m.group(2).replace(chr(34), "")}">{m.group(1)}</a>', s)


def markdown(src: str) -> str:
    out: list[str] = []
    para: list[str] = []
    lst: str | None = None
    lines = src.splitlines()
    i = 0

    def flush() -> None:
        nonlocal lst
        if para:
            out.append("<p>" + _inline(" ".join(para)) + "</p>")
            para.clear()
        if lst:
            out.append(f"</{lst}>")
            lst = None

    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            flush()
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.append("<pre><code>" + escape("\n".join(lines[i + 1:j])) + "</code></pre>")
            i = j + 1
            continue
        m_h = re.match(r"(#{1,4})\s+(.*)", line)
        m_li = re.match(r"\s*(?:([-*])|\d+\.)\s+(.*)", line)
        if m_h:
            flush()
            n = len(m_h.group(1))
            out.append(f"<h{n}>{_inline(m_h.group(2))}</h{n}>")
        elif m_li:
            kind = "ul" if m_li.group(1) else "ol"
            if para or lst != kind:
                flush()
                out.append(f"<{kind}>")
                lst = kind
            out.append("<li>" + _inline(m_li.group(2)) + "</li>")
        elif not line.strip():
            flush()
        else:
            if lst:
                flush()
            para.append(line.strip())
        i += 1
    flush()
    return "\n".join(out)
