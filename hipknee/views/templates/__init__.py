"""The HTML and CSS templates of the report and the squad table (Jinja, autoescaped: every text a
runner typed is escaped; only chart SVG and tables built by hipknee are marked safe). Jinja drops the last newline of a
template, so a template whose output must end in one (report.css.j2) ends with a blank line."""

from __future__ import annotations

from typing import Any

import jinja2

__all__ = ["render"]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("hipknee.views", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def render(template: str, **context: Any) -> str:
    """The template ``template`` (a file name in this folder) rendered with ``context``."""
    return _ENV.get_template(template).render(**context)
