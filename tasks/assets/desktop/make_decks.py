"""Writes the small Impress decks (.odp) that office tasks open: `python make_decks.py`.

Kept next to its output so a deck can be changed and rebuilt; each slide is a title and a few
text lines, in plain frames that Find & Replace and the document-text getter both read.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3"')
# plain text frames (no fill or border, unlike the default shape style), a big title and body text
STYLES = ('<office:automatic-styles><style:style style:name="gr1" style:family="graphic"><style:graphic-properties '
          'draw:fill="none" draw:stroke="none"/></style:style><style:style style:name="P1" style:family="paragraph">'
          '<style:text-properties fo:font-size="30pt" fo:font-weight="bold"/></style:style><style:style '
          'style:name="P2" style:family="paragraph"><style:text-properties fo:font-size="20pt"/></style:style>'
          '</office:automatic-styles>')
MIME = "application/vnd.oasis.opendocument.presentation"

DECKS: dict[str, list[tuple[str, list[str]]]] = {
    "q1-board-review.odp": [
        ("Q1 board review", ["Northwind Analytics", "Prepared by Jordan Avery"]),
        ("Customers", ["Paying customers: 412 (Q4: 398)", "Churn: 9.4% per quarter (Q4: 6.1%)",
                       "Main reason given: missing export feautures"]),
        ("Next quarter", ["Ship CSV and API export", "Call every customer who left in Q1"]),
    ],
    "fenwick-retrospective.odp": [
        ("Fenwick account: what happened", ["Sales team retrospective, April"]),
        ("Timeline", ["January: pilot starts with 3 depots", "February: two deliveries late",
                      "March: Fenwick moves to a competitor"]),
        ("Lessons learned", ["Lessons learned: TBD"]),
    ],
    "calmbrew-sales-deck.odp": [
        ("CalmBrew herbal tea", ["Wholesale offer for independent pharmacies"]),
        ("Why stock CalmBrew", ["Chamomile, lemon balm and oat straw", "Organic, caffeine free",
                                "Trust: [endorsement TBD]"]),
        ("Prices", ["Case of 24 boxes: 86.00", "Free delivery above 3 cases"]),
    ],
}


def _frame(y: float, h: float, lines: list[str], para: str) -> str:
    paras = "".join(f'<text:p text:style-name="{para}">{escape(t)}</text:p>' for t in lines)
    return (f'<draw:frame draw:style-name="gr1" svg:x="1.5cm" svg:y="{y}cm" svg:width="25cm" svg:height="{h}cm">'
            f"<draw:text-box>{paras}</draw:text-box></draw:frame>")


def make_odp(slides: list[tuple[str, list[str]]]) -> bytes:
    pages = "".join(f'<draw:page draw:name="slide{i}">' + _frame(1.2, 2.5, [title], "P1") +
                    _frame(4.5, 10, lines, "P2") + "</draw:page>"
                    for i, (title, lines) in enumerate(slides, 1))
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NS}>{STYLES}<office:body>'
               f"<office:presentation>{pages}</office:presentation></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
                f'manifest:media-type="{MIME}"/><manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), MIME)   # first and stored, as ODF asks
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


if __name__ == "__main__":
    here = Path(__file__).parent
    for name, slides in DECKS.items():
        (here / name).write_bytes(make_odp(slides))
        print(name)
