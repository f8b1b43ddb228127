"""A standalone HTML page with the map, its legend and table, made through
layouts/map.html (before the map has pages of its own in the build), for the browser
tests and for screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2

from sitegen.build import load
from sitegen.geometry import Geometry, load_geometry
from sitegen.ledger import by_county, by_theme, by_year, chart_legend, chart_svg
from sitegen.maps import View, legend, map_svg, table_rows
from sitegen.registry import Municipality, default_register
from sitegen.summaries import OUTCOMES, summarize

REPO = Path(__file__).resolve().parents[2]

PAGE = """<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kartan – test</title>
<link rel="stylesheet" href="style.css">
<link rel="stylesheet" href="map.css">
</head>
<body>
<main class="wrap">
<h1>Kommuner</h1>
{% for map in maps %}
<h2>{{ map.heading }}</h2>
{{ map_figure(map.svg, map.legend, map.caption, map.table_id) }}
{{ map_table(map.rows, map.caption, outcomes, map.table_id) }}
{% endfor %}
<h2>Uppföljning av planerna</h2>
{% for chart in charts %}
{{ chart_figure(chart.svg, chart.legend, chart.chart, chart.heading) }}
{% endfor %}
</main>
</body>
</html>
"""


def url(m: Municipality) -> str:
    return f"/kommun/{m.slug}/"


def write_page(site_dir: Path, out: Path) -> Path:
    """Write index.html (the country in both views, Stockholms län with Botkyrka
    highlighted), style.css and map.css into `out`; return the page."""
    site = load(site_dir).site
    summaries = summarize(site)
    register = default_register()
    geometry = load_geometry()
    assert isinstance(geometry, Geometry)
    stockholm = next(c for c in register.counties if c.name == "Stockholms län")
    botkyrka = register.lookup("Botkyrka")
    maps = []
    for heading, view, county, highlight, prefix in [
            ("Besök", View.VISITS, None, None, "karta-besok"),
            ("Uppföljning", View.FOLLOWUP, None, None, "karta-uppf"),
            ("Stockholms län", View.VISITS, stockholm, botkyrka, "karta-lan")]:
        rows = table_rows(register, summaries, url, view=view, county=county,
                          visited_only=county is None)
        maps.append({
            "heading": heading,
            "svg": map_svg(geometry, register, summaries, url, view=view, county=county,
                           highlight=highlight, id_prefix=prefix),
            "legend": legend(table_rows(register, summaries, url, view=view, county=county),
                             view, prefix),
            "caption": f"{heading}: kommunerna på kartan",
            "rows": rows, "table_id": f"{prefix}-tabell"})
    charts = [{"svg": chart_svg(c), "legend": chart_legend(c.id), "chart": c, "heading": h}
              for c, h in [(by_theme(summaries, lambda t: f"/tema/{t.slug}/"), "Tema"),
                           (by_county(summaries, lambda c: f"/lan/{c.slug}/"), "Län"),
                           (by_year(summaries), "År")]]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "layouts"), autoescape=True)
    macros = env.get_template("map.html")
    ledger = env.get_template("ledger.html")
    page = env.from_string(PAGE).render(maps=maps, outcomes=OUTCOMES, charts=charts,
                                        chart_figure=ledger.module.chart_figure,  # type: ignore[attr-defined]
                                        map_figure=macros.module.map_figure,  # type: ignore[attr-defined]
                                        map_table=macros.module.map_table)  # type: ignore[attr-defined]
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "assets" / "style.css", out / "style.css")
    shutil.copy(REPO / "assets" / "map.css", out / "map.css")
    (out / "index.html").write_text(page, "utf-8")
    return out / "index.html"
