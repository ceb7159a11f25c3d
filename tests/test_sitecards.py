"""The static-site plugins' shared card builder: worker processes, content-hash names, the cache."""

from __future__ import annotations

from pathlib import Path

from helpers import png_size

from svgog.sitecards import CardBuilder, Page


def pages(count: int) -> list[Page]:
    return [Page(f"page-{i}.md", "docs", {"title": f"Page number {i} of the guide"}, f"Page {i}") for i in range(count)]


def test_worker_processes_render_the_same_cards_as_one_process(tmp_path: Path) -> None:
    many = pages(66)  # enough for two workers (32 cards each at least)
    serial, stats = CardBuilder(tmp_path / "one", cache_dir=tmp_path / "cache-one").build(many)
    assert stats.rendered == 66 and not stats.failed
    parallel, stats = CardBuilder(tmp_path / "two", cache_dir=tmp_path / "cache-two", concurrency=2).build(many)
    assert stats.rendered == 66 and not stats.failed
    for page in many:
        one, two = serial[page.id], parallel[page.id]
        assert one.filename == two.filename and one.filename.startswith(f"page-{page.id[5:-3]}-")
        assert (tmp_path / "one" / one.filename).read_bytes() == (tmp_path / "two" / two.filename).read_bytes()
        assert png_size((tmp_path / "two" / two.filename).read_bytes()) == (two.width, two.height) == (1200, 630)
        title = next(fit for fit in two.report if fit["field"] == "title")
        assert " ".join(title["lines"]) == page.fields["title"]


def test_a_second_build_renders_nothing_and_a_change_renames_the_card(tmp_path: Path) -> None:
    builder = CardBuilder(tmp_path / "site", cache_dir=tmp_path / "cache")
    first, _ = builder.build(pages(3))
    again, stats = CardBuilder(tmp_path / "rebuilt", cache_dir=tmp_path / "cache").build(pages(3))
    assert (stats.rendered, stats.cached) == (0, 3)
    assert {c.filename for c in again.values()} == {c.filename for c in first.values()}
    assert all((tmp_path / "rebuilt" / c.filename).is_file() for c in again.values())
    changed = [Page("page-0.md", "docs", {"title": "A new title"}, "Page 0")]
    cards, stats = builder.build(changed)
    assert stats.rendered == 1 and cards["page-0.md"].filename != first["page-0.md"].filename
    assert "0 cards rendered" in CardBuilder(tmp_path / "site", cache_dir=tmp_path / "cache").build(changed)[1].summary()
