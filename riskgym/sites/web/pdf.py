"""A tiny, valid one-page PDF built by hand: a title, a byline and wrapped body text.

Enough for a download to be a real PDF a viewer opens, without any PDF library.
"""
from __future__ import annotations

import textwrap


def _pdf_str(s: str) -> str:
    s = s.encode("latin-1", "replace").decode("latin-1")
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(title: str, byline: str, body: str) -> bytes:
    ops = ["BT", "/F2 16 Tf", "72 740 Td", "20 TL"]
    for line in textwrap.wrap(title, 60) or [""]:
        ops += [f"({_pdf_str(line)}) Tj", "T*"]
    ops += ["/F1 11 Tf", "16 TL", f"({_pdf_str(byline)}) Tj", "T*", "T*", "14 TL"]
    for para in body.split("\n"):
        for line in textwrap.wrap(para, 88) or [""]:
            ops += [f"({_pdf_str(line)}) Tj", "T*"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
