"""The gallery and debug page: every template, live, with its boxes and fit report.

Served at ``<prefix>/`` when the application is in debug mode or
``SVGOG_GALLERY`` is true. Each template gets a form with one input per field;
typing updates the PNG and the SVG preview side by side, with an overlay that
outlines each text's box and a table of the fit report. Previews use
``<prefix>/_gallery/...`` URLs, which need no signature and exist only while
the gallery is enabled. They are rendered as the image route renders: only
the served formats, through the cache, in a render slot (503 when none is
free), with the same headers, and a failed render gives the fallback image.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Response, abort, jsonify, render_template_string

from ..cache import CachedImage
from ..errors import InvalidInput, SvgogError, TemplateNotFound
from ..renderer import FORMATS, RenderJob, coverage_message
from .state import Settings, settings
from .views import (
    EXTENSIONS,
    Busy,
    Refusal,
    blueprint,
    cached,
    fallback,
    plain,
    protect,
    query_fields,
    query_pairs,
    render_cached,
)

__all__: list[str] = []

log = logging.getLogger("svgog")


def _enabled() -> None:
    if not settings().gallery:
        abort(404)


@blueprint.route("/", methods=["GET"])
def gallery() -> str:
    """The gallery page."""
    _enabled()
    renderer = settings().renderer
    templates: list[dict[str, Any]] = []
    for name in renderer.names():
        try:
            template = renderer.template(name)
        except SvgogError as exc:
            templates.append({"name": name, "error": str(exc)})
            continue
        fields = [
            {
                "name": field.name,
                "kind": field.kind,
                "value": field.sample if field.sample is not None else (field.default or ""),
                "allowed": list(field.allowed),
                "description": field.description,
                "required": field.required,
            }
            for field in template.fields.values()
        ]
        templates.append(
            {
                "name": name,
                "width": template.width,
                "height": template.height,
                "description": template.description,
                "fields": fields,
            }
        )
    return render_template_string(PAGE, templates=templates)


@blueprint.route("/_gallery/<name>.<ext>", methods=["GET"])
def preview(name: str, ext: str) -> Response:
    """An unsigned preview image, or (``.json``) the fit report and boxes."""
    _enabled()
    state = settings()
    ext = EXTENSIONS.get(ext, ext)
    if ext != "json" and (ext not in FORMATS or ext not in state.formats):
        return plain(f"unknown format {ext[:20]!r}", 404)
    try:
        fields, scale = query_fields(query_pairs(), state)
        job = state.prepare(name, fields, format="svg" if ext == "json" else ext, scale=scale)
        if ext == "json":
            entry = cached(state, "report:" + job.key, lambda: _report(state, job))
        else:
            entry = render_cached(state, job)
    except Refusal as exc:
        return plain(str(exc), exc.status)
    except TemplateNotFound as exc:
        return plain(str(exc), 404)
    except InvalidInput as exc:
        if ext == "json":
            return jsonify({"error": str(exc)})
        return plain(str(exc), 400)
    except Busy:
        return plain("too many renders at once; try again shortly", 503, **{"Retry-After": "2"})
    except Exception as exc:
        log.exception("gallery preview of %r failed", name)
        if ext == "json":
            reason = str(exc) if isinstance(exc, SvgogError) else "see the server's log"
            return jsonify({"error": f"rendering failed: {reason}"})
        return fallback(state, name)
    return protect(Response(entry.data, mimetype=entry.media_type, headers={"Cache-Control": "no-store"}))


def _report(state: Settings, job: RenderJob) -> CachedImage:
    """The preview's fit report and text boxes, as JSON (cached like an image)."""
    result = job.run()
    template = job.template
    boxes: list[dict[str, Any]] = []
    for slot in template.text_slots:
        bounds = slot.bounds()
        if slot.field is not None and bounds is not None:
            left, top, right, bottom = bounds
            boxes.append({"field": slot.field, "x": left, "y": top, "width": right - left, "height": bottom - top})
    reports = [
        {
            "field": report.field,
            "size": report.size,
            "designed": report.designed_size,
            "lines": list(report.lines),
            "truncated": report.truncated,
            "fonts": list(report.fonts),
            "missing": "".join(report.missing),
            "warnings": [m for m in (coverage_message(report), *report.substitutions) if m],
        }
        for report in result.reports
        if report.field is not None
    ]
    data = {"width": template.width, "height": template.height, "boxes": boxes, "reports": reports}
    return CachedImage(json.dumps(data).encode(), "application/json", template.width, template.height)


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>svgog gallery</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: #f1f5f9; color: #0f172a; }
  header { padding: 24px 32px; background: #0f172a; color: #f8fafc; }
  header h1 { margin: 0; font-size: 22px; }
  section { background: #fff; margin: 24px 32px; padding: 20px 24px; border-radius: 12px;
            box-shadow: 0 1px 3px #0f172a22; }
  section h2 { margin: 0 0 4px; font-size: 18px; }
  .desc { color: #475569; margin: 0 0 12px; }
  .row { display: grid; grid-template-columns: 320px 1fr 1fr; gap: 20px; align-items: start; }
  form label { display: block; font-size: 12px; font-weight: 600; color: #334155; margin-top: 8px; }
  form input, form select, form textarea { width: 100%; box-sizing: border-box; padding: 6px 8px;
            border: 1px solid #cbd5e1; border-radius: 6px; font: inherit; }
  .frame { position: relative; }
  .frame img { width: 100%; height: auto; display: block; border-radius: 8px; background: #e2e8f0; }
  .frame svg.overlay { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
  .overlay rect { fill: none; stroke: #f43f5e; stroke-width: 2; stroke-dasharray: 8 6; }
  .overlay text { fill: #f43f5e; font: 600 20px system-ui, sans-serif; }
  .caption { font-size: 12px; color: #64748b; margin: 4px 0 0; }
  table { border-collapse: collapse; margin-top: 12px; font-size: 13px; width: 100%; }
  td, th { border-bottom: 1px solid #e2e8f0; padding: 4px 8px; text-align: left; vertical-align: top; }
  .bad { color: #be123c; font-weight: 600; }
  .error { color: #be123c; }
</style>
</head>
<body>
<header><h1>svgog gallery</h1></header>
{% for t in templates %}
<section id="template-{{ t.name }}" data-name="{{ t.name }}">
  <h2>{{ t.name }}{% if t.width %} <small>{{ t.width }}×{{ t.height }}</small>{% endif %}</h2>
  {% if t.error %}<p class="error">{{ t.error }}</p>{% else %}
  <p class="desc">{{ t.description }}</p>
  <div class="row">
    <form>
      {% for f in t.fields %}
      <label for="{{ t.name }}-{{ f.name }}">{{ f.name }} <small>({{ f.kind }}{% if f.required %}, required{% endif %})</small></label>
      {% if f.allowed %}
      <select id="{{ t.name }}-{{ f.name }}" name="{{ f.name }}">
        {% for a in f.allowed %}<option{% if a == f.value %} selected{% endif %}>{{ a }}</option>{% endfor %}
      </select>
      {% elif f.kind == "text" and f.value|length > 40 %}
      <textarea id="{{ t.name }}-{{ f.name }}" name="{{ f.name }}" rows="3">{{ f.value }}</textarea>
      {% else %}
      <input id="{{ t.name }}-{{ f.name }}" name="{{ f.name }}" value="{{ f.value }}"
             placeholder="{{ f.description or f.kind }}">
      {% endif %}
      {% endfor %}
    </form>
    <div>
      <div class="frame">
        <img class="png" alt="PNG preview of {{ t.name }}" width="{{ t.width }}" height="{{ t.height }}">
        <svg class="overlay" viewBox="0 0 {{ t.width }} {{ t.height }}"></svg>
      </div>
      <p class="caption">PNG, with each text's box</p>
    </div>
    <div>
      <div class="frame"><img class="svg" alt="SVG preview of {{ t.name }}" width="{{ t.width }}" height="{{ t.height }}"></div>
      <p class="caption">SVG preview</p>
    </div>
  </div>
  <table class="report"><thead><tr><th>field</th><th>size</th><th>lines</th><th>fonts</th><th>notes</th></tr></thead>
  <tbody></tbody></table>
  {% endif %}
</section>
{% endfor %}
<script>
const base = "{{ url_for('svgog.gallery') }}_gallery/";
function escapeHtml(s) { return s.replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }
function update(section) {
  const name = section.dataset.name;
  const form = section.querySelector("form");
  const query = new URLSearchParams();
  for (const element of form.elements) {
    if (element.name && element.value !== "") query.set(element.name, element.value);
  }
  const q = query.toString();
  section.querySelector("img.png").src = base + name + ".png?" + q;
  section.querySelector("img.svg").src = base + name + ".svg?" + q;
  fetch(base + name + ".json?" + q).then(r => r.json()).then(data => {
    const overlay = section.querySelector("svg.overlay");
    const body = section.querySelector("table.report tbody");
    if (data.error) { body.innerHTML = '<tr><td colspan="5" class="bad">' + escapeHtml(data.error) + "</td></tr>"; return; }
    overlay.innerHTML = data.boxes.map(b => '<rect x="' + b.x + '" y="' + b.y + '" width="' + b.width +
      '" height="' + b.height + '"/><text x="' + (b.x + 4) + '" y="' + (b.y - 6) + '">' + escapeHtml(b.field) + "</text>").join("");
    body.innerHTML = data.reports.map(r => "<tr><td>" + escapeHtml(r.field) + "</td><td>" + r.size +
      (r.size < r.designed ? " (of " + r.designed + ")" : "") + "</td><td>" + r.lines.map(escapeHtml).join("<br>") +
      "</td><td>" + r.fonts.map(escapeHtml).join(", ") + "</td><td>" + (r.truncated ? '<span class="bad">truncated</span> ' : "") +
      r.warnings.map(w => '<span class="bad">' + escapeHtml(w) + "</span>").join("<br>") + "</td></tr>").join("");
  });
}
for (const section of document.querySelectorAll("section[data-name]")) {
  const form = section.querySelector("form");
  if (!form) continue;
  let timer = null;
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => update(section), 150); });
  form.addEventListener("submit", event => event.preventDefault());
  update(section);
}
</script>
</body>
</html>
"""
