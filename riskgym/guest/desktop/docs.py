"""Office documents, archives and images without an office suite: write small ODF files for
the box's home, and read back the text of what an app saved (for the state getters).

Reading is plain zip + XML, so evaluation never depends on LibreOffice being able to start
(or on it having been left in a usable state by the agent).
"""
from __future__ import annotations

import io
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ODF_TYPES = {".odt": "text", ".ods": "spreadsheet", ".odp": "presentation"}
OOXML = (".docx", ".xlsx", ".pptx")
MAX_TEXT = 200_000

_NS_DECL = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            f'xmlns:text="{TEXT_NS}" xmlns:table="{TABLE_NS}" office:version="1.3"')


# --- writing (the prepared home) --------------------------------------------------------------
def _odf(kind: str, body: str) -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS_DECL}>'
               f"<office:body><office:{kind}>{body}</office:{kind}></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                f'vnd.oasis.opendocument.{kind}"/><manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # ODF wants "mimetype" first and uncompressed, so that file(1) and apps can sniff it
        z.writestr(zipfile.ZipInfo("mimetype"), f"application/vnd.oasis.opendocument.{kind}")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def make_odt(paragraphs: list[str]) -> bytes:
    """A text document; a paragraph starting with '# ' is a heading."""
    body = "".join(f'<text:h text:outline-level="1">{escape(p[2:])}</text:h>' if p.startswith("# ")
                   else f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    return _odf("text", body)


def make_ods(rows: list[list[Any]], sheet: str = "Sheet1") -> bytes:
    def cell(v: Any) -> str:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return (f'<table:table-cell office:value-type="float" office:value="{v}">'
                    f"<text:p>{v}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'
    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows)
    return _odf("spreadsheet", f'<table:table table:name="{escape(sheet)}">{body}</table:table>')


# --- reading (state getters) ------------------------------------------------------------------
def _odf_text(root: ET.Element) -> str:
    lines: list[str] = []

    def inline(el: ET.Element) -> str:
        out = [el.text or ""]
        for c in el:
            tag = c.tag.rsplit("}", 1)[-1]
            if tag == "s":
                out.append(" " * int(c.get(f"{{{TEXT_NS}}}c", "1")))
            elif tag == "tab":
                out.append("\t")
            elif tag == "line-break":
                out.append("\n")
            else:
                out.append(inline(c))
            out.append(c.tail or "")
        return "".join(out)

    def walk(el: ET.Element) -> None:
        tag = el.tag
        if tag in (f"{{{TEXT_NS}}}p", f"{{{TEXT_NS}}}h"):
            lines.append(inline(el))
        elif tag == f"{{{TABLE_NS}}}table-row":
            cells = [" ".join(inline(p) for p in c.iter(f"{{{TEXT_NS}}}p"))
                     for c in el if c.tag.endswith("}table-cell")]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                lines.append("\t".join(cells))
        else:
            for c in el:
                walk(c)
    walk(root)
    return "\n".join(lines)


def _ooxml_text(z: zipfile.ZipFile, suffix: str) -> str:
    if suffix == ".docx":
        root = ET.fromstring(z.read("word/document.xml"))
        paras = root.iter(f"{{{W_NS}}}p")
        return "\n".join("".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t")) for p in paras)
    if suffix == ".pptx":
        slides = sorted((n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
                        key=lambda n: int(re.sub(r"\D", "", n)))
        out = []
        for n in slides:
            for p in ET.fromstring(z.read(n)).iter(f"{{{A_NS}}}p"):
                out.append("".join(t.text or "" for t in p.iter(f"{{{A_NS}}}t")))
        return "\n".join(out)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{{{S_NS}}}si"):
            shared.append("".join(t.text or "" for t in si.iter(f"{{{S_NS}}}t")))
    out = []
    for n in sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)):
        for row in ET.fromstring(z.read(n)).iter(f"{{{S_NS}}}row"):
            cells = []
            for c in row.iter(f"{{{S_NS}}}c"):
                v = c.find(f"{{{S_NS}}}v")
                inline_t = "".join(t.text or "" for t in c.iter(f"{{{S_NS}}}t"))
                val = v.text if v is not None else inline_t
                if c.get("t") == "s" and val is not None and val.isdigit() and int(val) < len(shared):
                    val = shared[int(val)]
                cells.append(val or "")
            out.append("\t".join(cells))
    return "\n".join(out)


def document_text(path: Path) -> str | None:
    """The text of an office document (ODF or OOXML), None for other files or broken ones."""
    suffix = path.suffix.lower()
    if suffix not in ODF_TYPES and suffix not in OOXML:
        return None
    try:
        with zipfile.ZipFile(path) as z:
            if suffix in ODF_TYPES:
                return _odf_text(ET.fromstring(z.read("content.xml")))[:MAX_TEXT]
            return _ooxml_text(z, suffix)[:MAX_TEXT]
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError):
        return None


def plain_text(path: Path, limit: int = MAX_TEXT) -> str | None:
    """A file's text when it looks like text (UTF-8, no NUL in the first block)."""
    try:
        with path.open("rb") as f:
            data = f.read(limit)
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def archive_members(path: Path, limit: int = 500) -> list[str] | None:
    try:
        if zipfile.is_zipfile(path) and path.suffix.lower() not in ODF_TYPES and path.suffix.lower() not in OOXML:
            with zipfile.ZipFile(path) as z:
                return z.namelist()[:limit]
        if tarfile.is_tarfile(path):
            with tarfile.open(path) as t:
                return [m.name for _, m in zip(range(limit), t)]
    except (OSError, tarfile.TarError, zipfile.BadZipFile, EOFError):
        return None
    return None


def image_info(path: Path) -> dict[str, Any] | None:
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"):
        return None
    try:
        from PIL import Image
        with Image.open(path) as im:
            return {"width": im.width, "height": im.height, "mode": im.mode, "format": im.format}
    except Exception:   # a truncated or mislabelled file is a fact to report, not an error
        return None
