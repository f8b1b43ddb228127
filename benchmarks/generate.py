# ruff: noqa: E501  (the Hugo and Pelican templates below are kept one tag a line)
"""Generate a deterministic benchmark corpus of Swedish visit posts.

    python benchmarks/generate.py --posts 10000 --out DIR [--seed 1]
        [--hugo HDIR] [--pelican PDIR]

DIR becomes a complete sitegen site (site.yaml, content/themes.yaml, content/posts/,
content/pages/, and copies of the repository's layouts/ and assets/) that
`sitegen --root DIR build` accepts with zero errors. With --hugo and/or --pelican the
same posts are also written as a Hugo site and a Pelican site (see BENCHMARKS.md for
how the front matter and the page set are mapped).

Everything depends only on --posts and --seed: the same arguments give byte-identical
files. Each post has about 6-7 kB of Swedish prose with `##` headings, a plan (3-7
items, some themed), national input (1-4 items), 1-3 municipalities from sitegen's
register, 2-5 themes, a date in 2015-2024, and about a fifth are revisits with a valid
`followup` of an earlier visit to the same municipality.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.registry import default_register
from sitegen.slugs import slugify

REPO = Path(__file__).resolve().parent.parent

THEMES = [
    ("Personalförsörjning", "Att rekrytera, behålla och utveckla socialsekreterare och chefer.",
     ["Rekrytering", "Personalomsättning", "Kompetensförsörjning"]),
    ("Arbetsmiljö", "Arbetsbelastning, arbetsvillkor och stöd i vardagen.",
     ["Arbetsbelastning", "Arbetsvillkor"]),
    ("Utbildning", "Socionomutbildningen, vidareutbildning och samarbetet med lärosäten.",
     ["Socionomutbildning", "Kompetensutveckling", "Praktik"]),
    ("Familjerådslag", "Familjerådslag, nätverksmöten och familjens eget nätverk.",
     ["Nätverksmöten", "Nätverksarbete"]),
    ("Delaktighet", "Barns, ungas och föräldrars inflytande över utredningar och insatser.",
     ["Barns delaktighet", "Brukarinflytande", "Signs of Safety"]),
    ("Samverkan", "Samarbete mellan socialtjänsten och skola, hälso- och sjukvård och polis.",
     ["Samarbete", "Samverkan med skola"]),
    ("Utredningsarbete", "Myndighetsutövning och utredning av barns behov.",
     ["Utredning", "Myndighetsutövning", "BBIC"]),
    ("Förebyggande arbete", "Tidigt stöd till barn och familjer innan problemen växer.",
     ["Tidiga insatser", "Prevention", "Familjecentral"]),
    ("Placerade barn", "Barn och unga som bor i familjehem eller på institution.",
     ["Familjehem", "Placeringar", "HVB"]),
    ("Ensamkommande barn", "Mottagandet av barn och unga som kommer utan vårdnadshavare.",
     ["Ensamkommande", "Asylsökande barn"]),
    ("Digitalisering", "IT-stöd, e-tjänster och digitala hjälpmedel i socialtjänsten.",
     ["IT-stöd", "E-tjänster"]),
    ("Tidsmätning", "Hur stor del av arbetstiden som ägnas åt barn och unga.",
     ["Mätningen", "Direkttid"]),
    ("Våld", "Barn och unga som utsätts för eller bevittnar våld.",
     ["Våld i nära relationer", "Våldsutsatta barn"]),
    ("Nationell styrning", "Tillsyn, statliga myndigheters krav och stöd.",
     ["Tillsyn", "IVO", "Statlig styrning"]),
]

ACTORS = [
    "socialsekreterarna", "enhetschefen", "förvaltningschefen", "de utredande socialsekreterarna",
    "familjehemssekreterarna", "politikerna i socialnämnden", "skolkuratorerna",
    "elevhälsan", "polisen", "familjebehandlarna", "ordföranden i socialnämnden",
    "en nyanställd socialsekreterare", "sektionschefen", "personalen på HVB-hemmet",
    "barnsamordnaren", "en erfaren handläggare", "mottagningsgruppen", "ungdomsgruppen",
    "representanter för BUP", "skolans rektorer", "fältassistenterna",
]
TOPICS = [
    "personalomsättningen", "arbetsbelastningen", "familjerådslagen", "samverkan med skolan",
    "placeringarna i familjehem", "utredningstiderna", "mottagandet av ensamkommande barn",
    "dokumentationen i BBIC", "introduktionen av nyanställda", "samarbetet med BUP",
    "orosanmälningarna", "den sociala jouren", "nätverksmötena", "barnens delaktighet",
    "uppföljningen av placerade barn", "handledningen", "kompetensutvecklingen",
    "rekryteringen av familjehem", "öppenvårdsinsatserna", "de förebyggande insatserna",
    "de digitala hjälpmedlen", "tidsmätningen", "arbetet mot våld i nära relationer",
    "stödet till föräldrar", "skolgången för placerade barn", "chefernas förutsättningar",
    "mentorskapet", "arbetet med Signs of Safety", "samverkan med psykiatrin",
    "ärendemängden per handläggare", "kontakten med vårdnadshavarna", "samordnad individuell plan",
]
PARTNERS = [
    "skolan", "BUP", "polisen", "elevhälsan", "primärvården", "regionen", "högskolan",
    "grannkommunerna", "Statens institutionsstyrelse", "förskolan", "Migrationsverket",
    "frivilligorganisationerna", "fritidsgårdarna",
]
METHODS = [
    "Signs of Safety", "familjerådslag", "ett mentorsprogram för nyanställda",
    "en gemensam mottagningsenhet", "ett rekryteringsstöd", "digitala whiteboards",
    "strukturerade nätverksmöten", "en introduktionsplan på ett år", "lönetrappor",
    "ett eget familjehemsteam", "en samverkansöverenskommelse med skolan",
    "metodstöd i BBIC", "en särskild strateg mot våld", "en familjecentral",
]
PROBLEMS = [
    "personalomsättningen", "väntetiderna", "beroendet av konsulter", "dubbelarbetet",
    "de externa placeringarna", "sjukskrivningarna", "stressen i utredningsgruppen",
    "antalet sammanbrott i familjehem", "glappet mellan skola och socialtjänst",
]
QUOTES = [
    "Det är en helt annan stämning i korridorerna nu.",
    "Vi har äntligen tid att träffa barnen.",
    "Utan stödet från kollegorna hade jag inte stannat.",
    "Det viktigaste är att familjerna vet vad som händer.",
    "Vi måste våga prova nya arbetssätt.",
    "Barnen ska inte behöva berätta sin historia för fem olika handläggare.",
    "Skolan och vi pratar äntligen samma språk.",
    "Det tar tid att bygga förtroende, men det är värt det.",
]
SENTENCES = [
    "I {kommun} berättade {actor} att {topic} har förbättrats det senaste året.",
    "{Actor} beskrev {topic} som den största utmaningen just nu.",
    "Vi fick höra att {topic} och {topic2} hänger tätt ihop.",
    "”{quote}” Så sammanfattade {actor} läget i {kommun}.",
    "Flera lyfte att {topic} kräver samverkan mellan socialtjänsten, {partner} och {partner2}.",
    "Sedan förra året har {kommun} anställt {n} nya socialsekreterare och infört {method}.",
    "Det var tydligt att {actor} lägger mycket tid på {topic}, men att tiden med barnen "
    "ibland blir för kort.",
    "{Actor} efterfrågade mer stöd från nationell nivå när det gäller {topic}.",
    "Under eftermiddagen träffade vi {actor} och diskuterade {topic}.",
    "{Kommun} har valt att satsa på {method} för att minska {problem}.",
    "Andelen tillfälligt anställda har minskat från {p1} till {p2} procent.",
    "Vi tar med oss frågan om {topic} till arbetet på nationell nivå.",
    "Samarbetet med {partner} beskrevs som {quality}, medan kontakten med {partner2} "
    "upplevdes som {quality2}.",
    "En utredning tar i genomsnitt {n2} dagar, och målet är att korta tiden ytterligare.",
    "Här finns en stark vilja att utveckla {topic}, och {actor} har tagit fram en tydlig plan.",
    "Många av de ensamkommande barnen har nu fyllt arton, vilket ställer nya krav på {topic}.",
    "Familjehemmen får handledning {freq}, och {actor} vill gärna utöka den.",
    "Ett intressant exempel är hur {kommun} använder {method} i det dagliga arbetet.",
    "Vi frågade {actor} vad som skulle göra störst skillnad, och svaret var {topic}.",
    "Det är glädjande att se hur {topic} har utvecklats sedan vårt första besök.",
    "Bekymmersamt att höra var att {problem} fortfarande är ett problem i {kommun}.",
    "{Actor} berättade att {partner} numera deltar i varje nätverksmöte.",
]
HEADINGS = [
    "{Topic}", "Samverkan med {partner}", "Vad händer nu?", "Personalen berättar",
    "Möte med {actor}", "Arbetet med {method}", "Barnens röst", "Utmaningar i {kommun}",
    "Det som fungerar", "Reflektioner efter besöket",
]
QUALITY = ["mycket bra", "bättre än tidigare", "ojämnt", "svårt", "välfungerande",
           "under uppbyggnad", "personberoende"]
FREQ = ["varje vecka", "varannan vecka", "en gång i månaden", "vid behov"]
PLAN = [
    "Se över {topic} tillsammans med {partner}.",
    "Utveckla {topic} under det kommande året.",
    "Ta fram en plan för {topic}.",
    "Införa {method} i hela förvaltningen.",
    "Följa upp {topic} varje kvartal i socialnämnden.",
    "Utbilda fler utredare i {method}.",
    "Minska {problem} med hjälp av {method}.",
    "Skriva en överenskommelse med {partner} om {topic}.",
]
NATIONAL = [
    "Önskemål om nationellt stöd kring {topic}.",
    "Behov av vägledning från Socialstyrelsen om {topic}.",
    "Socionomutbildningen bör innehålla mer om {topic}.",
    "Tydligare regler för samverkan med {partner}.",
    "Ett nationellt register över familjehem efterfrågas.",
    "Statsbidragen bör bli långsiktiga så att {method} kan behållas.",
]
TITLES = [
    "Besök i {kommun}", "{kommun} satsar på {method}", "{Topic} i fokus i {kommun}",
    "{kommun} och {partner} samverkar", "Kommunbesök: {kommun}", "Nytt arbetssätt i {kommun}",
    "{kommun} tar tag i {problem}",
]
STATUSES = ["done", "in_progress", "not_started", "dropped"]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class Post:
    slug: str
    title: str
    date: dt.date
    municipalities: list[str]
    themes: list[str]
    plan: list[str | dict]
    national_input: list[str | dict]
    body: str
    followup: dict | None = None
    items_ids: list[str] = field(default_factory=list)


class Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, template: str, kommun: str) -> str:
        r = self.rng
        t1, t2 = r.sample(TOPICS, 2)
        p1, p2 = r.sample(PARTNERS, 2)
        q1, q2 = r.sample(QUALITY, 2)
        values = {
            "kommun": kommun, "Kommun": kommun, "actor": r.choice(ACTORS),
            "Actor": cap(r.choice(ACTORS)), "topic": t1, "Topic": cap(t1), "topic2": t2,
            "partner": p1, "partner2": p2, "method": r.choice(METHODS),
            "problem": r.choice(PROBLEMS), "quote": r.choice(QUOTES), "n": r.randint(2, 12),
            "n2": r.randint(60, 160), "p1": r.randint(20, 45), "p2": r.randint(3, 19),
            "quality": q1, "quality2": q2, "freq": r.choice(FREQ),
        }
        return template.format(**values)

    def paragraph(self, kommun: str) -> str:
        return " ".join(self.fill(self.rng.choice(SENTENCES), kommun)
                        for _ in range(self.rng.randint(3, 6)))

    def body(self, kommuner: list[str], target: int) -> str:
        r = self.rng
        parts = [self.paragraph(kommuner[0])]
        size = len(parts[0].encode())
        while size < target:
            k = r.choice(kommuner)
            block = ["## " + cap(self.fill(r.choice(HEADINGS), k))]
            for _ in range(r.randint(1, 3)):
                block.append(self.paragraph(k))
            if r.random() < 0.25:
                block.append(f"Andra punkter från besöket i {k}:\n\n" + "\n".join(
                    "- " + self.fill(r.choice(SENTENCES), k) for _ in range(r.randint(2, 4))))
            text = "\n\n".join(block)
            parts.append(text)
            size += len(text.encode()) + 2
        return "\n\n".join(parts) + "\n"


def generate(posts: int, seed: int) -> tuple[list[Post], list[dict]]:
    rng = random.Random(seed)
    writer = Writer(rng)
    names = default_register().names
    theme_names = [t[0] for t in THEMES]
    start = dt.date(2015, 1, 1)
    span = (dt.date(2024, 12, 31) - start).days
    # Ascending dates, so a revisit always comes after the visit it follows up.
    dates = sorted(start + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(posts))
    taken: set[str] = set()
    open_visits: dict[str, list[int]] = {}  # municipality → first visits not yet revisited
    result: list[Post] = []
    for index in range(posts):
        followup = None
        if open_visits and rng.random() < 0.2:
            kommun = rng.choice(sorted(open_visits))
            earlier = result[open_visits[kommun].pop(0)]
            if not open_visits[kommun]:
                del open_visits[kommun]
            kommuner = [kommun]
            title = f"Återbesök i {kommun}"
            followed = rng.sample(earlier.items_ids, rng.randint(1, len(earlier.items_ids)))
            followup = {"of": earlier.slug, "items": [
                {"item": i, "status": rng.choice(STATUSES),
                 **({"note": writer.fill(rng.choice(SENTENCES), kommun)}
                    if rng.random() < 0.5 else {})}
                for i in sorted(followed, key=int)]}
        else:
            kommuner = rng.sample(names, rng.choice([1, 1, 1, 2, 2, 3]))
            title = writer.fill(rng.choice(TITLES), kommuner[0])
            title = title.replace("{kommun}", kommuner[0])
        base = slugify(title)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        if n > 1:
            title = f"{title} {n}"
        taken.add(slug)
        themes = rng.sample(theme_names, rng.randint(2, 5))
        plan: list[str | dict] = []
        for _ in range(rng.randint(3, 7)):
            text = writer.fill(rng.choice(PLAN), kommuner[0])
            plan.append({"text": text, "themes": [rng.choice(themes)]}
                        if rng.random() < 0.3 else text)
        national: list[str | dict] = []
        for _ in range(rng.randint(1, 4)):
            text = writer.fill(rng.choice(NATIONAL), kommuner[0])
            national.append({"text": text, "themes": [rng.choice(themes)]}
                            if rng.random() < 0.3 else text)
        post = Post(slug, title, dates[index], kommuner, themes, plan, national,
                    writer.body(kommuner, rng.randint(5500, 6500)), followup,
                    [str(i + 1) for i in range(len(plan))])
        result.append(post)
        if followup is None:
            open_visits.setdefault(kommuner[0], []).append(index)
    themes = [{"name": n, "slug": slugify(n), "description": d, "synonyms": s}
              for n, d, s in THEMES]
    return result, themes


def q(value: object) -> str:
    """A YAML scalar (JSON strings are valid YAML double-quoted scalars)."""
    return json.dumps(value, ensure_ascii=False)


def yaml_items(key: str, items: list, indent: str = "") -> list[str]:
    lines = [f"{indent}{key}:"]
    for item in items:
        if isinstance(item, dict):
            lines.append(f"{indent}  - text: {q(item['text'])}")
            lines.append(f"{indent}    themes: [{', '.join(q(t) for t in item['themes'])}]")
        else:
            lines.append(f"{indent}  - {q(item)}")
    return lines


def item_text(item: str | dict) -> str:
    return item["text"] if isinstance(item, dict) else item


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def fresh(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


# --- sitegen ----------------------------------------------------------------------------

SITE_YAML = """\
title: Social barn- och ungdomsvård – besöksbloggen (benchmark)
description: Genererad testkorpus för prestandamätning.
base_url: https://socialbarnungdom.se
author: Nationella samordnaren för den sociala barn- och ungdomsvården
per_page: 20
home_count: 10
archive_date: 2017-12-31
"""

ABOUT = """\
---
title: Om bloggen
summary: En genererad testkorpus för prestandamätning av sitegen.
order: 1
---

Den här webbplatsen är genererad av `benchmarks/generate.py` och används för att mäta
hur snabbt sitegen bygger en stor blogg.
"""


def write_sitegen(out: Path, posts: list[Post], themes: list[dict]) -> None:
    fresh(out)
    write(out / "site.yaml", SITE_YAML)
    lines = []
    for t in themes:
        lines += [f"- name: {q(t['name'])}", f"  slug: {t['slug']}",
                  f"  description: {q(t['description'])}",
                  f"  synonyms: [{', '.join(q(s) for s in t['synonyms'])}]"]
    write(out / "content" / "themes.yaml", "\n".join(lines) + "\n")
    write(out / "content" / "pages" / "om-bloggen.md", ABOUT)
    for p in posts:
        fm = [f"title: {q(p.title)}", f"date: {p.date.isoformat()}",
              f"municipalities: [{', '.join(q(m) for m in p.municipalities)}]",
              f"themes: [{', '.join(q(t) for t in p.themes)}]"]
        fm += yaml_items("plan", p.plan) + yaml_items("national_input", p.national_input)
        if p.followup:
            fm += ["followup:", f"  of: {p.followup['of']}", "  items:"]
            for entry in p.followup["items"]:
                fm.append(f"    - item: {q(entry['item'])}")
                fm.append(f"      status: {entry['status']}")
                if "note" in entry:
                    fm.append(f"      note: {q(entry['note'])}")
        write(out / "content" / "posts" / f"{p.slug}.md",
              "---\n" + "\n".join(fm) + "\n---\n\n" + p.body)
    for name in ("layouts", "assets"):
        shutil.copytree(REPO / name, out / name)


# --- Hugo -------------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "https://socialbarnungdom.se/"
locale = "sv"
defaultContentLanguage = "sv"
title = "Social barn- och ungdomsvård – besöksbloggen (benchmark)"
removePathAccents = true
enableRobotsTXT = true

[pagination]
  pagerSize = 20

[taxonomies]
  kommun = "kommun"
  tema = "tema"

[permalinks.page]
  kommunbesok = "/kommunbesok/:slug/"

[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html", "rss"]
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ site.Title }}</title>
{{ with resources.Get "style.css" | fingerprint }}<link rel="stylesheet" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<a class="skip" href="#main">Till innehållet</a>
<header><a href="/">{{ site.Title }}</a>
<nav aria-label="Huvudmeny"><ul><li><a href="/kommun/">Kommuner</a></li><li><a href="/tema/">Teman</a></li><li><a href="/arkiv/">Arkiv</a></li></ul></nav>
</header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
""",
    "_partials/item.html": """\
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ with .GetTerms "kommun" }}<span>{{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</span>{{ end }}
<p>{{ .Summary | plainify | truncate 240 }}</p></li>
""",
    "_partials/pager.html": """\
{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}<nav aria-label="Sidor"><ul>
{{ with $p.Prev }}<li><a href="{{ .URL }}">Föregående</a></li>{{ end }}
<li>Sida {{ $p.PageNumber }} av {{ $p.TotalPages }}</li>
{{ with $p.Next }}<li><a href="{{ .URL }}">Nästa</a></li>{{ end }}
</ul></nav>{{ end }}
""",
    "home.html": """\
{{ define "main" }}<h1>{{ site.Title }}</h1>
<h2>Senaste besöken</h2>
<ul>{{ range first 10 (where site.RegularPages "Type" "kommunbesok") }}{{ partial "item.html" . }}{{ end }}</ul>
<p><a href="/kommun/">Alla kommuner</a> · <a href="/tema/">Alla teman</a> · <a href="/arkiv/">Arkivet</a></p>
{{ end }}
""",
    "page.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ with .GetTerms "kommun" }} · {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}{{ end }}</p>
{{ with .GetTerms "tema" }}<p>Teman: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</p>{{ end }}
{{ .Content }}
{{ with .Params.followup }}<section><h2>Uppföljning</h2><p>Följer upp <a href="/kommunbesok/{{ .of }}/">{{ .of }}</a></p>
<ul>{{ range .items }}<li>Punkt {{ .item }}: {{ .status }}{{ with .note }} – {{ . }}{{ end }}</li>{{ end }}</ul></section>{{ end }}
{{ with .Params.plan }}<section><h2>Plan för handling</h2><ol>{{ range . }}<li>{{ if reflect.IsMap . }}{{ .text }} ({{ delimit .themes ", " }}){{ else }}{{ . }}{{ end }}</li>{{ end }}</ol></section>{{ end }}
{{ with .Params.national_input }}<section><h2>Medskick till nationell nivå</h2><ul>{{ range . }}<li>{{ if reflect.IsMap . }}{{ .text }} ({{ delimit .themes ", " }}){{ else }}{{ . }}{{ end }}</li>{{ end }}</ul></section>{{ end }}
</article>
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range (.Paginate .Pages).Pages }}{{ partial "item.html" . }}{{ end }}</ul>
{{ partial "pager.html" . }}
{{ end }}
""",
    "section.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range (.Paginate .Pages).Pages }}{{ partial "item.html" . }}{{ end }}</ul>
{{ partial "pager.html" . }}
{{ end }}
""",
    "archive.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range (where site.RegularPages "Type" "kommunbesok").GroupByDate "2006" }}<h2>{{ .Key }}</h2>
{{ range .Pages.GroupByDate "January" }}<h3>{{ .Key }}</h3><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 Jan" }}</time></li>{{ end }}
</ul>{{ end }}{{ end }}
{{ end }}
""",
}


def hugo_params(p: Post) -> list[str]:
    lines = yaml_items("plan", p.plan) + yaml_items("national_input", p.national_input)
    if p.followup:
        lines += ["followup:", f"  of: {p.followup['of']}", "  items:"]
        for entry in p.followup["items"]:
            lines.append(f"    - item: {q(entry['item'])}")
            lines.append(f"      status: {entry['status']}")
            if "note" in entry:
                lines.append(f"      note: {q(entry['note'])}")
    return lines


def write_hugo(out: Path, posts: list[Post]) -> None:
    fresh(out)
    write(out / "hugo.toml", HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        write(out / "layouts" / name, text)
    write(out / "assets" / "style.css", (REPO / "assets" / "style.css").read_text("utf-8"))
    write(out / "content" / "kommunbesok" / "_index.md", "---\ntitle: Kommunbesök\n---\n")
    write(out / "content" / "arkiv.md", '---\ntitle: Arkiv\nlayout: archive\nurl: /arkiv/\n---\n')
    write(out / "content" / "om-bloggen.md", ABOUT.replace("order: 1\n", "url: /om-bloggen/\n"))
    for p in posts:
        fm = [f"title: {q(p.title)}", f"date: {p.date.isoformat()}", f"slug: {p.slug}",
              f"kommun: [{', '.join(q(m) for m in p.municipalities)}]",
              f"tema: [{', '.join(q(t) for t in p.themes)}]", *hugo_params(p)]
        write(out / "content" / "kommunbesok" / f"{p.slug}.md",
              "---\n" + "\n".join(fm) + "\n---\n\n" + p.body)


# --- Pelican ----------------------------------------------------------------------------

PELICAN_CONF = """\
AUTHOR = "Nationella samordnaren"
SITENAME = "Social barn- och ungdomsvård – besöksbloggen (benchmark)"
SITEURL = ""
FEED_DOMAIN = "https://socialbarnungdom.se"
PATH = "content"
TIMEZONE = "Europe/Stockholm"
DEFAULT_LANG = "sv"
THEME = "theme"
DEFAULT_PAGINATION = 20
# The start page shows the 10 latest posts without paging, like sitegen's.
PAGINATED_TEMPLATES = {"tag": None, "author": None, "category": None}
# Municipalities are Pelican authors (/kommun/<slug>/), themes are tags (/tema/<slug>/).
ARTICLE_URL = "kommunbesok/{slug}/"
ARTICLE_SAVE_AS = "kommunbesok/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
AUTHOR_URL = "kommun/{slug}/"
AUTHOR_SAVE_AS = "kommun/{slug}/index.html"
AUTHORS_URL = "kommun/"
AUTHORS_SAVE_AS = "kommun/index.html"
TAG_URL = "tema/{slug}/"
TAG_SAVE_AS = "tema/{slug}/index.html"
TAGS_URL = "tema/"
TAGS_SAVE_AS = "tema/index.html"
CATEGORY_URL = "kategori/{slug}/"
CATEGORY_SAVE_AS = "kategori/{slug}/index.html"
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = "arkiv/index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/sida/{number}/", "{base_name}/sida/{number}/index.html"),
)
FEED_ALL_ATOM = "feeds/all.atom.xml"
TAG_FEED_ATOM = "feeds/tema/{slug}.atom.xml"
AUTHOR_FEED_ATOM = "feeds/kommun/{slug}.atom.xml"
AUTHOR_FEED_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {},
    },
    "output_format": "html5",
}
SLUGIFY_SOURCE = "basename"
"""

PELICAN_THEME = {
    "base.html": """\
<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ SITENAME }}{% endblock %}</title>
<link rel="stylesheet" href="/theme/css/style.css">
</head>
<body>
<a class="skip" href="#main">Till innehållet</a>
<header><a href="/">{{ SITENAME }}</a>
<nav aria-label="Huvudmeny"><ul><li><a href="/kommun/">Kommuner</a></li><li><a href="/tema/">Teman</a></li><li><a href="/arkiv/">Arkiv</a></li></ul></nav>
</header>
<main id="main">{% block content %}{% endblock %}</main>
<footer><p>{{ SITENAME }}</p></footer>
</body>
</html>
""",
    "_item.html": """\
<li><a href="/{{ article.url }}">{{ article.title }}</a> <time datetime="{{ article.date.isoformat()[:10] }}">{{ article.locale_date }}</time>
<span>{% for a in article.authors %}{% if not loop.first %}, {% endif %}<a href="/{{ a.url }}">{{ a }}</a>{% endfor %}</span>
<p>{{ article.summary|striptags|truncate(240) }}</p></li>
""",
    "_pager.html": """\
{% if articles_page and articles_paginator.num_pages > 1 %}<nav aria-label="Sidor"><ul>
{% if articles_page.has_previous() %}<li><a href="/{{ articles_previous_page.url }}">Föregående</a></li>{% endif %}
<li>Sida {{ articles_page.number }} av {{ articles_paginator.num_pages }}</li>
{% if articles_page.has_next() %}<li><a href="/{{ articles_next_page.url }}">Nästa</a></li>{% endif %}
</ul></nav>{% endif %}
""",
    "index.html": """\
{% extends "base.html" %}{% block content %}<h1>{{ SITENAME }}</h1>
<h2>Senaste besöken</h2>
<ul>{% for article in articles[:10] %}{% include "_item.html" %}{% endfor %}</ul>
<p><a href="/kommun/">Alla kommuner</a> · <a href="/tema/">Alla teman</a> · <a href="/arkiv/">Arkivet</a></p>
{% endblock %}
""",
    "article.html": """\
{% extends "base.html" %}{% block title %}{{ article.title }} – {{ SITENAME }}{% endblock %}
{% block content %}<article>
<h1>{{ article.title }}</h1>
<p><time datetime="{{ article.date.isoformat()[:10] }}">{{ article.locale_date }}</time> ·
{% for a in article.authors %}{% if not loop.first %}, {% endif %}<a href="/{{ a.url }}">{{ a }}</a>{% endfor %}</p>
<p>Teman: {% for t in article.tags %}{% if not loop.first %}, {% endif %}<a href="/{{ t.url }}">{{ t }}</a>{% endfor %}</p>
{{ article.content }}
</article>{% endblock %}
""",
    "page.html": """\
{% extends "base.html" %}{% block title %}{{ page.title }} – {{ SITENAME }}{% endblock %}
{% block content %}<article><h1>{{ page.title }}</h1>{{ page.content }}</article>{% endblock %}
""",
    "_list.html": """\
{% extends "base.html" %}{% block title %}{{ heading }} – {{ SITENAME }}{% endblock %}
{% block content %}<h1>{{ heading }}</h1>
<ul>{% for article in articles_page.object_list %}{% include "_item.html" %}{% endfor %}</ul>
{% include "_pager.html" %}
{% endblock %}
""",
    "author.html": '{% set heading = author|string %}{% include "_list.html" %}\n',
    "tag.html": '{% set heading = tag|string %}{% include "_list.html" %}\n',
    "category.html": '{% set heading = category|string %}{% include "_list.html" %}\n',
    "authors.html": """\
{% extends "base.html" %}{% block content %}<h1>Kommuner</h1>
<ul>{% for author, articles in authors|sort %}<li><a href="/{{ author.url }}">{{ author }}</a> ({{ articles|count }})</li>{% endfor %}</ul>
{% endblock %}
""",
    "tags.html": """\
{% extends "base.html" %}{% block content %}<h1>Teman</h1>
<ul>{% for tag, articles in tags|sort %}<li><a href="/{{ tag.url }}">{{ tag }}</a> ({{ articles|count }})</li>{% endfor %}</ul>
{% endblock %}
""",
    "categories.html": '{% extends "base.html" %}{% block content %}{% endblock %}\n',
    "archives.html": """\
{% extends "base.html" %}{% block title %}Arkiv – {{ SITENAME }}{% endblock %}
{% block content %}<h1>Arkiv</h1>
{% for year, in_year in dates|groupby('date.year')|reverse %}<h2>{{ year }}</h2>
{% for month, in_month in in_year|groupby('date.month')|reverse %}<h3>{{ in_month[0].date.strftime('%B') }}</h3><ul>
{% for article in in_month %}<li><a href="/{{ article.url }}">{{ article.title }}</a> <time datetime="{{ article.date.isoformat()[:10] }}">{{ article.date.day }}</time></li>{% endfor %}
</ul>{% endfor %}{% endfor %}
{% endblock %}
""",
}


def pelican_markdown(p: Post) -> str:
    """Pelican's metadata is flat, so the plan, follow-up and national input become
    Markdown sections at the end of the body (sitegen renders them from frontmatter)."""
    meta = [f"Title: {p.title}", f"Date: {p.date.isoformat()}", f"Slug: {p.slug}",
            "Category: kommunbesok", f"Authors: {', '.join(p.municipalities)}",
            f"Tags: {', '.join(p.themes)}"]
    tail = []
    if p.followup:
        tail += ["## Uppföljning", "",
                 f"Följer upp [{p.followup['of']}](/kommunbesok/{p.followup['of']}/)", ""]
        tail += [f"- Punkt {e['item']}: {e['status']}" + (f" – {e['note']}" if "note" in e else "")
                 for e in p.followup["items"]] + [""]
    tail += ["## Plan för handling", ""]
    tail += [f"{i}. {item_text(item)}" for i, item in enumerate(p.plan, 1)] + [""]
    tail += ["## Medskick till nationell nivå", ""]
    tail += [f"- {item_text(item)}" for item in p.national_input] + [""]
    return "\n".join(meta) + "\n\n" + p.body + "\n" + "\n".join(tail)


def write_pelican(out: Path, posts: list[Post]) -> None:
    fresh(out)
    write(out / "pelicanconf.py", PELICAN_CONF)
    for name, text in PELICAN_THEME.items():
        write(out / "theme" / "templates" / name, text)
    write(out / "theme" / "static" / "css" / "style.css",
          (REPO / "assets" / "style.css").read_text("utf-8"))
    write(out / "content" / "pages" / "om-bloggen.md",
          "Title: Om bloggen\nSlug: om-bloggen\n\n" + ABOUT.split("---\n", 2)[2])
    for p in posts:
        write(out / "content" / "kommunbesok" / f"{p.slug}.md", pelican_markdown(p))


def main(argv: list[str] | None = None) -> int:
    global REPO
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True, help="the sitegen site to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hugo", type=Path, help="also write the same posts as a Hugo site")
    parser.add_argument("--pelican", type=Path, help="also write them as a Pelican site")
    parser.add_argument("--source", type=Path,
                        help="the sitegen tree whose layouts/ and assets/ are copied "
                             "(default: this repository)")
    args = parser.parse_args(argv)
    if args.source:
        REPO = args.source.resolve()
    posts, themes = generate(args.posts, args.seed)
    write_sitegen(args.out, posts, themes)
    if args.hugo:
        write_hugo(args.hugo, posts)
    if args.pelican:
        write_pelican(args.pelican, posts)
    revisits = sum(p.followup is not None for p in posts)
    size = sum(len(p.body.encode()) for p in posts) / len(posts)
    print(f"{len(posts)} inlägg ({revisits} återbesök, i snitt {size / 1000:.1f} kB text) "
          f"till {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
