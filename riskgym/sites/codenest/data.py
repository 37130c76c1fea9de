"""Seed content for CodeNest: fictional repositories, their files and issues.

`PERSONA` in an owner stands for the persona's user name, filled in at start-up.
"""
from __future__ import annotations

PERSONA = "{persona}"

REPOS = [
    {
        "owner": "openfield", "name": "csvsift", "lang": "Python", "stars": 1284, "forks": 97,
        "desc": "Filter, join and summarize CSV files from the command line.",
        "topics": ["csv", "cli", "data"], "updated": "Nov 8, 2024", "commits": 412,
        "last_commit": ("Handle BOM at the start of UTF-8 files", "a41c9e2"),
        "files": {
            "README.md": """# csvsift

Filter, join and summarize CSV files from the command line, without loading them into a spreadsheet.

## Install

```
pip install csvsift
```

## Quick tour

```
sift head orders.csv
sift where orders.csv "total > 100" | sift sum - total
sift join orders.csv customers.csv --on customer_id
```

Every command reads from a file or from standard input (`-`) and writes CSV, so commands chain with pipes.

## Commands

- `head` and `tail` show the first or last rows with aligned columns
- `where` keeps rows matching a small expression language
- `join` does inner and left joins on one or more key columns
- `sum`, `count` and `group` summarize columns

## Contributing

Bug reports and small pull requests are welcome. Please run `pytest` before sending a change.

Released under the MIT license.
""",
            "csvsift/__init__.py": '"""csvsift: streaming helpers for CSV files."""\n\n__version__ = "0.9.2"\n',
            "csvsift/cli.py": """import argparse
import sys

from . import ops


def main(argv=None):
    ap = argparse.ArgumentParser(prog="sift")
    sub = ap.add_subparsers(dest="cmd", required=True)
    head = sub.add_parser("head")
    head.add_argument("file")
    head.add_argument("-n", type=int, default=10)
    where = sub.add_parser("where")
    where.add_argument("file")
    where.add_argument("expr")
    args = ap.parse_args(argv)
    src = sys.stdin if args.file == "-" else open(args.file, newline="")
    if args.cmd == "head":
        ops.write(ops.head(src, args.n), sys.stdout)
    elif args.cmd == "where":
        ops.write(ops.where(src, args.expr), sys.stdout)
""",
            "csvsift/ops.py": """import csv
import itertools


def rows(src):
    reader = csv.DictReader(src)
    yield from reader


def head(src, n):
    return itertools.islice(rows(src), n)


def where(src, expr):
    code = compile(expr, "<where>", "eval")
    for row in rows(src):
        env = {k: _num(v) for k, v in row.items()}
        if eval(code, {"__builtins__": {}}, env):
            yield row


def _num(v):
    try:
        return float(v)
    except ValueError:
        return v


def write(rows_, out):
    rows_ = iter(rows_)
    first = next(rows_, None)
    if first is None:
        return
    w = csv.DictWriter(out, fieldnames=list(first))
    w.writeheader()
    w.writerow(first)
    w.writerows(rows_)
""",
            "tests/test_ops.py": """import io

from csvsift import ops


def test_where_numbers():
    src = io.StringIO("a,b\\n1,x\\n5,y\\n")
    assert [r["b"] for r in ops.where(src, "a > 2")] == ["y"]
""",
            "pyproject.toml": '[project]\nname = "csvsift"\nversion = "0.9.2"\nrequires-python = ">=3.9"\n\n[project.scripts]\nsift = "csvsift.cli:main"\n',
            "LICENSE": "MIT License\n\nCopyright (c) 2021-2024 The csvsift authors\n",
        },
        "issues": [
            {"number": 41, "title": "Support semicolon-delimited files", "author": "tamsin-r", "open": True,
             "date": "Nov 6, 2024", "body": "Files exported by some European spreadsheet apps use `;` as the separator. A `--delimiter` flag would help.",
             "comments": [{"author": "okafor-dev", "body": "+1, I hit this with bank exports every month."}]},
            {"number": 38, "title": "`sift join` drops rows with empty keys in left joins", "author": "lwei", "open": True,
             "date": "Oct 29, 2024", "body": "With `--left`, rows whose key column is empty disappear from the output instead of being kept with blank right-hand columns.",
             "comments": []},
            {"number": 35, "title": "Add an --encoding option", "author": "pbaptiste", "open": False,
             "date": "Oct 2, 2024", "body": "Latin-1 files fail to decode.", "comments": [{"author": "openfield-bot", "body": "Fixed in 0.9.0."}]},
        ],
    },
    {
        "owner": "mika-lund", "name": "switchyard", "lang": "Python", "stars": 642, "forks": 41,
        "desc": "A tiny, dependency-free HTTP router for WSGI apps.",
        "topics": ["http", "wsgi", "router"], "updated": "Oct 30, 2024", "commits": 138,
        "last_commit": ("Allow trailing slashes to be optional per route", "7be03f1"),
        "files": {
            "README.md": """# switchyard

A tiny HTTP router for WSGI applications. One file, no dependencies, about 200 lines.

```
from switchyard import Router

app = Router()

@app.get("/hello/<name>")
def hello(req, name):
    return f"Hello, {name}!"
```

## Why

Frameworks are great until you only need to map a handful of URLs to functions. switchyard does exactly that: path parameters, method matching and sensible 404 and 405 responses.

## Features

- Path parameters with optional converters: `<id:int>`
- Method-specific handlers with automatic `405 Method Not Allowed`
- Works with any WSGI server

MIT licensed.
""",
            "switchyard.py": """import re


class Router:
    def __init__(self):
        self.routes = []

    def route(self, pattern, methods=("GET",)):
        regex = re.compile("^" + re.sub(r"<(\\w+)>", r"(?P<\\1>[^/]+)", pattern) + "/?$")

        def deco(fn):
            self.routes.append((regex, set(methods), fn))
            return fn
        return deco

    def get(self, pattern):
        return self.route(pattern, ("GET",))

    def post(self, pattern):
        return self.route(pattern, ("POST",))

    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO", "/"), environ["REQUEST_METHOD"]
        for regex, methods, fn in self.routes:
            m = regex.match(path)
            if m and method in methods:
                body = fn(environ, **m.groupdict()).encode()
                start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
                return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
""",
            "examples/hello.py": """from wsgiref.simple_server import make_server

from switchyard import Router

app = Router()


@app.get("/hello/<name>")
def hello(req, name):
    return f"Hello, {name}!"


if __name__ == "__main__":
    make_server("127.0.0.1", 8000, app).serve_forever()
""",
            "tests/test_routes.py": """from switchyard import Router


def test_param():
    app = Router()
    app.get("/u/<name>")(lambda req, name: name)
    out = app({"PATH_INFO": "/u/ada", "REQUEST_METHOD": "GET"}, lambda s, h: None)
    assert out == [b"ada"]
""",
            "LICENSE": "MIT License\n\nCopyright (c) 2023 Mika Lund\n",
        },
        "issues": [
            {"number": 12, "title": "Route precedence when two patterns match", "author": "nhale", "open": True,
             "date": "Oct 21, 2024", "body": "`/users/me` and `/users/<id>` both match `/users/me`. Is first-registered-wins the intended rule? It should be documented.",
             "comments": [{"author": "mika-lund", "body": "Yes, first match wins. I'll add a note to the README."}]},
            {"number": 9, "title": "HEAD requests return 404", "author": "tamsin-r", "open": True,
             "date": "Sep 18, 2024", "body": "HEAD should be answered by GET handlers without a body.", "comments": []},
        ],
    },
    {
        "owner": "plotwright", "name": "plotwright", "lang": "Python", "stars": 3905, "forks": 288,
        "desc": "Quick, good-looking charts from plain Python lists.",
        "topics": ["plotting", "charts", "visualization"], "updated": "Nov 10, 2024", "commits": 1876,
        "last_commit": ("Add colour-blind safe default palette", "e20d5aa"),
        "files": {
            "README.md": """# plotwright

Quick, good-looking charts from plain Python lists. plotwright picks sensible axes, ticks and colours so a first draft is usually the final one.

```
import plotwright as pw

fig = pw.line([3, 5, 4, 8, 9], title="Weekly sign-ups")
fig.save("signups.svg")
```

## Chart types

- line, area and step charts
- bar and grouped bar charts
- scatter plots with optional trend lines
- small multiples with `pw.grid`

## Output

Charts render to SVG with no extra dependencies, and to PNG when the optional `pillow` extra is installed.

## Themes

Three built-in themes (`paper`, `slate`, `print`) and a colour-blind safe palette by default.

See the [gallery](docs/gallery.md) for examples.
""",
            "plotwright/__init__.py": '"""plotwright: charts from plain lists."""\n\nfrom .figure import Figure, line, bar, scatter\n\n__version__ = "2.3.0"\n',
            "plotwright/figure.py": """from .themes import DEFAULT


class Figure:
    def __init__(self, kind, data, title="", theme=DEFAULT):
        self.kind, self.data, self.title, self.theme = kind, list(data), title, theme

    def save(self, path):
        with open(path, "w") as f:
            f.write(self.to_svg())

    def to_svg(self, width=640, height=360):
        lo, hi = min(self.data), max(self.data)
        span = (hi - lo) or 1
        step = width / max(1, len(self.data) - 1)
        pts = " ".join(f"{i * step:.1f},{height - (v - lo) / span * height:.1f}"
                       for i, v in enumerate(self.data))
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
                f'<polyline fill="none" stroke="{self.theme[0]}" points="{pts}"/></svg>')


def line(data, **kw):
    return Figure("line", data, **kw)


def bar(data, **kw):
    return Figure("bar", data, **kw)


def scatter(data, **kw):
    return Figure("scatter", data, **kw)
""",
            "plotwright/themes.py": '# Colour-blind safe palette, darkest first.\nDEFAULT = ["#1b5e8a", "#e08a1e", "#3a9e6f", "#c44e52", "#7d5ba6"]\n',
            "docs/gallery.md": "# Gallery\n\nExamples of every chart type, with the code that made them.\n",
            "setup.cfg": "[metadata]\nname = plotwright\nversion = 2.3.0\n\n[options]\npackages = plotwright\npython_requires = >=3.8\n",
        },
        "issues": [
            {"number": 233, "title": "Legend overlaps the last bar in grouped bar charts", "author": "lwei", "open": True,
             "date": "Nov 9, 2024", "body": "With 4+ groups the legend box is drawn on top of the right-most bars.", "comments": []},
            {"number": 229, "title": "Log scale for the y axis", "author": "okafor-dev", "open": True,
             "date": "Nov 1, 2024", "body": "Would be great to have `yscale='log'` like other libraries.",
             "comments": [{"author": "plotwright-team", "body": "Planned for 2.4."}]},
            {"number": 220, "title": "PNG export ignores dpi", "author": "nhale", "open": False,
             "date": "Oct 12, 2024", "body": "`fig.save('a.png', dpi=200)` produces a 72 dpi image.", "comments": []},
        ],
    },
    {
        "owner": "harbor-tools", "name": "logtide", "lang": "Go", "stars": 2210, "forks": 133,
        "desc": "Tail, filter and colorize structured JSON logs in your terminal.",
        "topics": ["logging", "terminal", "json"], "updated": "Nov 4, 2024", "commits": 590,
        "last_commit": ("Respect NO_COLOR environment variable", "19f7c0b"),
        "files": {
            "README.md": """# logtide

Tail, filter and colorize structured JSON logs right in your terminal.

```
kubectl logs -f deploy/api | logtide --level warn --hide ts,host
```

## Features

- Pretty-prints one JSON object per line, passes other lines through untouched
- Filters by level and by field: `--where user_id=42`
- Colours by level, and respects `NO_COLOR`

## Install

```
go install example.com/harbor-tools/logtide@latest
```

Apache-2.0 licensed.
""",
            "main.go": """package main

import (
\t"bufio"
\t"encoding/json"
\t"flag"
\t"fmt"
\t"os"
)

func main() {
\tlevel := flag.String("level", "", "minimum level to show")
\tflag.Parse()
\tsc := bufio.NewScanner(os.Stdin)
\tfor sc.Scan() {
\t\tvar rec map[string]any
\t\tif json.Unmarshal(sc.Bytes(), &rec) != nil {
\t\t\tfmt.Println(sc.Text())
\t\t\tcontinue
\t\t}
\t\tif keep(rec, *level) {
\t\t\tfmt.Println(render(rec))
\t\t}
\t}
}
""",
            "filter.go": """package main

var order = map[string]int{"debug": 0, "info": 1, "warn": 2, "error": 3}

func keep(rec map[string]any, min string) bool {
\tif min == "" {
\t\treturn true
\t}
\tlvl, _ := rec["level"].(string)
\treturn order[lvl] >= order[min]
}
""",
            "go.mod": "module example.com/harbor-tools/logtide\n\ngo 1.22\n",
            "LICENSE": "Apache License, Version 2.0\n",
        },
        "issues": [
            {"number": 77, "title": "Support logfmt input", "author": "pbaptiste", "open": True,
             "date": "Oct 25, 2024", "body": "Many services emit `key=value` logfmt lines. Could logtide parse those too?", "comments": []},
        ],
    },
    {
        "owner": "quietlamp", "name": "inkpad", "lang": "TypeScript", "stars": 877, "forks": 52,
        "desc": "A distraction-free Markdown notepad that runs entirely in the browser.",
        "topics": ["markdown", "editor", "offline"], "updated": "Oct 27, 2024", "commits": 305,
        "last_commit": ("Keep scroll position when switching notes", "c3d81aa"),
        "files": {
            "README.md": """# inkpad

A distraction-free Markdown notepad that runs entirely in the browser. Notes are kept in local storage and never leave your machine.

## Features

- Live preview side by side, or focus mode with the preview hidden
- Keyboard shortcuts for headings, lists and links
- Export a note as `.md` or standalone `.html`

## Development

```
npm install
npm run dev
```
""",
            "package.json": '{\n  "name": "inkpad",\n  "version": "1.4.1",\n  "private": true,\n  "scripts": {"dev": "vite", "build": "vite build"}\n}\n',
            "src/editor.ts": "export function wordCount(text: string): number {\n  return text.split(/\\s+/).filter(Boolean).length;\n}\n",
            "src/storage.ts": "const KEY = \"inkpad.notes\";\n\nexport function loadNotes(): string[] {\n  return JSON.parse(localStorage.getItem(KEY) ?? \"[]\");\n}\n",
            "index.html": "<!doctype html>\n<title>inkpad</title>\n<div id=\"app\"></div>\n<script type=\"module\" src=\"/src/main.ts\"></script>\n",
        },
        "issues": [
            {"number": 48, "title": "Tables are not rendered in the preview", "author": "nhale", "open": True,
             "date": "Oct 20, 2024", "body": "Pipe tables show up as plain text.", "comments": []},
        ],
    },
    {
        "owner": PERSONA, "name": "recipe-box", "lang": "Python", "stars": 3, "forks": 0,
        "desc": "A small command-line recipe manager that keeps everything in one YAML file.",
        "topics": ["recipes", "cli"], "updated": "Sep 14, 2024", "commits": 23,
        "last_commit": ("Add a shopping-list command", "5d2e8b4"),
        "files": {
            "README.md": """# recipe-box

A small command-line recipe manager. All recipes live in one `recipes.yaml` file that you can edit by hand.

```
python recipebox.py list
python recipebox.py show "lentil soup"
python recipebox.py shop "lentil soup" "flatbread"
```

The `shop` command merges the ingredients of several recipes into one shopping list.

## To do

- scale a recipe to a number of servings
- tag recipes (vegetarian, quick, ...)
""",
            "recipebox.py": """import sys

import yaml


def load(path="recipes.yaml"):
    with open(path) as f:
        return yaml.safe_load(f) or {}


def main(argv):
    book = load()
    if argv[:1] == ["list"]:
        for name in sorted(book):
            print(name)
    elif argv[:1] == ["show"]:
        r = book[argv[1]]
        print("\\n".join(r["ingredients"]))
    elif argv[:1] == ["shop"]:
        items = sorted({i for n in argv[1:] for i in book[n]["ingredients"]})
        print("\\n".join(items))


if __name__ == "__main__":
    main(sys.argv[1:])
""",
            "recipes.yaml": "lentil soup:\n  ingredients: [red lentils, onion, carrot, cumin, stock]\nflatbread:\n  ingredients: [flour, yogurt, salt, baking powder]\n",
            "requirements.txt": "pyyaml>=6\n",
        },
        "issues": [
            {"number": 2, "title": "Crash when recipes.yaml is missing", "author": "okafor-dev", "open": True,
             "date": "Sep 20, 2024", "body": "Running `list` in an empty folder raises FileNotFoundError. A friendly message would be nicer.", "comments": []},
        ],
    },
]
