"""The parts several capabilities share: the clock, scheduled jobs, events, checked files, PDF reports, field types."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import BaseModel, ValidationError

from vigil.platform import clock, events, files, jobs
from vigil.platform.errors import Problem
from vigil.platform.types import Line, Name, Text, Timestamp


def test_frozen_clock_is_per_thread_unless_asked():
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    seen = {}
    with clock.frozen(at):
        assert clock.now() == at
        t = threading.Thread(target=lambda: seen.setdefault("other", clock.now()))
        t.start(), t.join()
    assert seen["other"] != at
    with clock.frozen(at, all_threads=True):
        t = threading.Thread(target=lambda: seen.__setitem__("other", clock.now()))
        t.start(), t.join()
    assert seen["other"] == at
    assert clock.now() != at


def test_parse_as_of():
    assert clock.parse_as_of("2026-03-01") == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert clock.parse_as_of("2026-03-01T10:00:00+02:00") == datetime(2026, 3, 1, 8, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        clock.parse_as_of("yesterday")


def test_jobs_run_when_due_and_survive_failures():
    calls = []

    @jobs.job("test.tick", every=timedelta(minutes=10))
    def tick(as_of):
        calls.append((as_of, clock.now()))
        return f"ticked {len(calls)}"

    @jobs.job("test.broken", every=timedelta(minutes=10))
    def broken(as_of):
        raise RuntimeError("boom")

    try:
        start = datetime(2026, 5, 1, tzinfo=timezone.utc)
        results = jobs.run_due(start)
        assert results["test.tick"] == "ticked 1" and results["test.broken"].startswith("failed")
        assert calls[0] == (start, start)  # the job sees the clock at its as_of time
        assert "test.tick" not in jobs.run_due(start + timedelta(minutes=5))
        assert jobs.run_due(start + timedelta(minutes=10))["test.tick"] == "ticked 2"
        with pytest.raises(Problem):
            jobs.run("test.unknown")
    finally:
        jobs.JOBS.pop("test.tick"), jobs.JOBS.pop("test.broken")


def test_events_reach_subscribers():
    got = []
    handler = events.subscribe("test.topic")(lambda **data: got.append(data))
    events.publish("test.topic", a=1)
    events.publish("other.topic", a=2)
    events._subscribers["test.topic"].remove(handler)
    assert got == [{"a": 1}]


def test_files_are_checked_by_content(tmp_path, monkeypatch):
    from vigil.platform.config import reset_settings

    monkeypatch.setenv("VIGIL_DATA_DIR", str(tmp_path))
    reset_settings()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
    stored = files.store(png, files.IMAGES)
    assert stored.kind == "png" and files.load(stored.sha256) == png
    assert (tmp_path / "files" / stored.sha256[:2] / stored.sha256).exists()
    with pytest.raises(Problem) as exc:  # an HTML page named photo.png is still HTML
        files.store(b"<html><script>alert(1)</script></html>", files.DOCUMENTS)
    assert exc.value.status == 415
    with pytest.raises(Problem) as exc:
        files.store(b"%PDF-1.4" + b"x" * 100, files.IMAGES)
    assert exc.value.status == 415
    with pytest.raises(Problem) as exc:
        files.store(png, files.IMAGES, max_bytes=10)
    assert exc.value.status == 413
    with pytest.raises(Problem):
        files.load("../../etc/passwd")
    files.delete(stored.sha256)
    with pytest.raises(Problem):
        files.load(stored.sha256)


def test_pdf_report_renders_and_reads_back(tmp_path):
    from vigil.web import reports
    from vigil.web.templating import templates

    svg = reports.svg_map([{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.52, 42.5]},
                            "properties": {"label": "Casa de la Vall"}},
                           {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
                               [[1.5, 42.5], [1.51, 42.5], [1.51, 42.51], [1.5, 42.5]]]}, "properties": {}}])
    assert svg.startswith("<svg") and "Casa de la Vall" in svg and "<polygon" in svg
    source = templates.env.from_string("<h1>{{ title }}</h1><p>Risk matrix</p>{{ svg | safe }}")
    html = source.render(title="Summit plan", svg=svg)
    from weasyprint import HTML

    pdf = HTML(string=html, url_fetcher=reports._offline_fetcher).write_pdf()
    text = reports.pdf_text(pdf)
    assert pdf.startswith(b"%PDF") and "Summit plan" in text and "Risk matrix" in text


def test_field_types():
    class Model(BaseModel):
        at: Timestamp
        name: Name
        title: Line(10)
        body: Text(100) = ""

    m = Model(at=datetime(2026, 12, 7, 0, 39), name="Ana  María", title="ok", body="two\nlines")
    assert m.model_dump(mode="json")["at"] == "2026-12-07T00:39:00Z"
    for bad in ({"name": "a\x00b"}, {"name": "\ud800x"}, {"name": "   "}, {"title": "x" * 11},
                {"body": "bell\x07"}):
        with pytest.raises(ValidationError):
            Model(**{"at": "2026-01-01T00:00:00Z", "name": "n", "title": "t", **bad})
    schema = Model.model_json_schema(mode="serialization")
    assert schema["properties"]["at"]["format"] == "date-time"
