"""The HTML of the coach report: one self-contained page, CSS inline, no external resources.

Kept apart from :mod:`hipknee.report` so the wording and looks can change without touching the
code that gathers the numbers. Autoescaping is on: every runner-typed text (names, notes) is
escaped; only chart SVG and tables built by the report are marked safe.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

__all__ = ["render_page"]

_CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1f2933;
       max-width: 1100px; margin: 0 auto; padding: 1.5em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; }
h2 { font-size: 1.3em; border-bottom: 2px solid #d9e2ec; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
.meta { color: #52606d; margin-top: 0; }
.banner { background: #fff8e1; border: 1px solid #f0c36d; padding: 0.5em 0.8em; border-radius: 4px; }
.verdicts { list-style: none; padding: 0; }
.verdicts li { margin: 0.35em 0; padding: 0.4em 0.7em; border-left: 5px solid #9aa5b1; background: #f5f7fa; }
.verdicts li.good { border-color: #2f9e44; } .verdicts li.watch { border-color: #f08c00; }
.verdicts li.act { border-color: #c92a2a; }
.badge { display: inline-block; padding: 0.05em 0.5em; border-radius: 3px; font-size: 0.9em;
         background: #e4e7eb; white-space: nowrap; }
.badge.good { background: #d3f9d8; } .badge.watch { background: #ffe8cc; } .badge.act { background: #ffc9c9; }
figure.chart { margin: 0.5em 0 1.2em; } figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { color: #52606d; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #d9e2ec; padding: 0.25em 0.55em; text-align: right; }
th { background: #f0f4f8; } td.text, th.text { text-align: left; }
table.weekly td:first-child { white-space: nowrap; }
.notes li { margin: 0.3em 0; } .private { color: #a61e4d; font-size: 0.85em; }
footer { margin-top: 3em; color: #7b8794; font-size: 0.85em; }
@media print { .runner { page-break-before: always; } }
"""

_RUNNER = """
{% macro runner_section(r, named) %}
<section class="runner" id="{{ r.anchor }}">
  {% if named %}
  <h2>{{ r.name }}</h2>
  <p class="meta">{{ r.period }}</p>
  {% endif %}
  <h3>Season summary</h3>
  {% if r.verdicts %}
  <ul class="verdicts">
    {% for v in r.verdicts %}<li class="{{ v.level }}"><span class="badge {{ v.level }}">{{ v.word }}</span> {{ v.text }}</li>{% endfor %}
  </ul>
  {% else %}<p>Not enough logged yet for a summary.</p>{% endif %}
  {% for c in r.charts %}
  <figure class="chart">
    {{ c.svg }}
    <figcaption>{{ c.caption }}</figcaption>
  </figure>
  {% endfor %}
  <h3>Week by week</h3>
  {% if r.weekly %}{{ r.weekly }}{% else %}<p>No weeks logged in this period.</p>{% endif %}
  <h3>Notes</h3>
  {% if r.notes %}
  <ul class="notes">
    {% for n in r.notes %}<li><strong>{{ n.when }}</strong> ({{ n.kind }}): {{ n.text }}
      {% if n.private %}<span class="private">private</span>{% endif %}</li>{% endfor %}
  </ul>
  {% else %}<p>No notes to share.</p>{% endif %}
</section>
{% endmacro %}
"""

_PAGE = _RUNNER + """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<header>
  <h1>{{ title }}</h1>
  <p class="meta">{{ subtitle }}</p>
  {% if demo %}<p class="banner">These are demo data, not a real runner's log.</p>{% endif %}
</header>
{% if overview %}
<h2>Who needs attention</h2>
<p>Runners needing attention come first: {{ order_rule }}</p>
<table class="overview">
  <thead><tr>{% for h in overview.headers %}<th class="{{ 'text' if loop.index0 in overview.text_cols else '' }}">{{ h }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in overview.rows %}
  <tr class="attention-{{ row.level }}">
    <td class="text"><a href="#{{ row.anchor }}">{{ row.name }}</a></td>
    {% for cell in row.cells %}<td class="text"><span class="badge {{ cell.level }}">{{ cell.text }}</span></td>{% endfor %}
  </tr>
  {% endfor %}
  </tbody>
</table>
{% endif %}
{% for r in runners %}{{ runner_section(r, overview is not none) }}{% endfor %}
<footer>
  Made with hipknee on {{ generated }}. {{ private_line }}
  hipknee informs, it does not diagnose: if pain persists, see a clinician.
</footer>
</body>
</html>
"""

_ENV = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
_TEMPLATE = _ENV.from_string(_PAGE)


def render_page(**context: object) -> str:
    """The whole page; ``context`` holds title, subtitle, runners, overview (or None) and so on."""
    return _TEMPLATE.render(css=Markup(_CSS), **context).lstrip()
