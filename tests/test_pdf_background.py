"""PDFs drawn by a task worker, never in a request; one render per workshop revision,
release and document however many ask; the cache folder a convenience, not a condition.

Ten people downloading a cold report at once had both gunicorn workers draw it, and every
poll of every open wall chart waited 7 s behind them; a read-only cache folder turned a
drawn PDF into a 500, drawn again on every retry.
"""

import datetime
import errno
import logging
import os

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import PdfRender, PdfRenderStatus
from assessments.pdf import cache as pdf_cache
from assessments.pdf import context as pdf_context
from assessments.pdf import queue
from assessments.pdf import render as pdf_render
from assessments.pdf import tasks as pdf_tasks
from assessments.selectors.workshops import workshop_actor_for
from assessments.services.reassess import workshop_close
from assessments.services.tracker import action_status_set
from organisations.access import actor_for
from tests.builders import workshop_completed
from tests.pdfs import pdf_get, worker_run


@pytest.fixture(autouse=True)
def _pdf_cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"


@pytest.fixture
def workshop(northshire, alice, team):
    """A workshop at its last step, not closed yet."""
    return workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )


@pytest.fixture
def no_drawing_here(monkeypatch):
    """Whatever asks to draw a PDF now fails the test: for code that must only queue."""

    def refuse(*args, **kwargs):
        raise AssertionError("a PDF was drawn in the request")

    monkeypatch.setattr(pdf_render, "pdf_render", refuse)


def url(workshop, name):
    return reverse(name, kwargs={"org": workshop.organisation.slug, "code": workshop.code})


def tasks_queued() -> int:
    return DBTaskResult.objects.ready().count()


def test_a_download_not_drawn_yet_answers_the_preparing_page_and_draws_nothing_in_the_request(
    client_for, workshop, vic, no_drawing_here
):
    response = client_for(vic).get(url(workshop, "report_pdf"))

    assert response.status_code == 202
    assert response["Retry-After"] == "3"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Preparing the report…" in page
    assert "Usually under 5 s" in page
    assert url(workshop, "report_pdf_status") in page
    assert 'http-equiv="refresh"' in page  # without JavaScript, a refresh
    assert 'src="/static/js/pdf_wait.js"' in page
    render = PdfRender.objects.get()
    assert (render.workshop, render.kind, render.status) == (workshop, "report", "queued")
    assert render.revision == workshop.revision
    assert render.release == pdf_cache.release_fingerprint()
    assert tasks_queued() == 1


def test_many_asking_at_once_queue_one_render_and_wait_for_it(
    client_for, workshop, alice, vic, bob, no_drawing_here
):
    for person in (vic, alice, bob, vic):
        client = client_for(person)
        assert client.get(url(workshop, "report_pdf")).status_code == 202
        assert client.get(url(workshop, "report_pdf_status")).json()["state"] == "queued"
    assert PdfRender.objects.count() == 1
    assert tasks_queued() == 1

    # Being drawn by a worker: asking again still waits for that render.
    PdfRender.objects.update(status=PdfRenderStatus.RENDERING, started_at=timezone.now())
    state = client_for(vic).get(url(workshop, "report_pdf_status")).json()
    assert state["state"] == "rendering"
    assert client_for(alice).get(url(workshop, "report_pdf")).status_code == 202
    assert PdfRender.objects.count() == 1
    assert tasks_queued() == 1


def test_two_asks_racing_for_the_same_pdf_make_one_render_row(workshop, monkeypatch):
    """The unique constraint decides: the second ask finds the first's row, queues nothing."""
    first = queue.pdf_request(workshop=workshop, kind="wallchart")
    # The second ask looked before the first had written its row.
    real_filter = PdfRender.objects.defer("data").filter
    looked = []

    class NotYet:
        def filter(self, **key):
            if not looked:
                looked.append(1)
                return PdfRender.objects.none()
            return real_filter(**key)

        def get(self, **key):
            return PdfRender.objects.get(**key)

    monkeypatch.setattr(PdfRender.objects, "defer", lambda *a: NotYet())
    second = queue.pdf_request(workshop=workshop, kind="wallchart")

    assert second.pk == first.pk
    assert PdfRender.objects.count() == 1
    assert tasks_queued() == 1


def test_the_status_follows_the_render_then_the_download_is_the_file(client_for, workshop, vic):
    client = client_for(vic)
    assert client.get(url(workshop, "wallchart_pdf")).status_code == 202
    queued = client.get(url(workshop, "wallchart_pdf_status"))
    assert queued["Content-Type"] == "application/json"
    assert queued.json() == {
        "state": "queued",
        "ahead": 0,
        "elapsed_ms": queued.json()["elapsed_ms"],
        "expected_ms": queue.EXPECTED_MS,
    }

    [result] = worker_run()

    assert result.status == "SUCCESSFUL" and result.return_value == "ready"
    assert client.get(url(workshop, "wallchart_pdf_status")).json()["state"] == "ready"
    response = client.get(url(workshop, "wallchart_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    render = PdfRender.objects.get()
    assert render.status == "ready" and render.render_ms > 0
    # The next preparing page paces its bar by how long this one took.
    assert queue.pdf_progress(workshop=workshop, kind="wallchart").expected_ms == (render.render_ms)


def test_closing_a_workshop_queues_both_pdfs_so_the_chief_executives_download_is_ready(
    client_for, workshop, alice, vic, monkeypatch
):
    workshop_close(workshop=workshop, actor=workshop_actor_for(workshop=workshop, user=alice))

    renders = PdfRender.objects.filter(workshop=workshop, revision=workshop.revision)
    assert sorted(renders.values_list("kind", flat=True)) == ["report", "wallchart"]
    assert tasks_queued() == 2
    worker_run()

    def refuse(*args, **kwargs):
        raise AssertionError("drawn in the request")

    monkeypatch.setattr(pdf_render, "pdf_render", refuse)
    client = client_for(vic)
    for name in ("report_pdf", "wallchart_pdf"):
        response = client.get(url(workshop, name))
        assert response.status_code == 200, name
        assert response.content.startswith(b"%PDF")


def test_a_close_refused_queues_nothing_and_nothing_was_created(workshop, alice):
    workshop.reassess_on = None
    workshop.save(update_fields=["reassess_on"])

    with pytest.raises(ValidationError):
        workshop_close(workshop=workshop, actor=workshop_actor_for(workshop=workshop, user=alice))

    assert not PdfRender.objects.exists()
    assert tasks_queued() == 0


def test_a_change_to_a_closed_workshop_queues_its_pdfs_at_the_new_revision(
    northshire, alice, team, bob
):
    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    action = closed.actions.filter(responsible=bob).first()

    action_status_set(
        action=action,
        status="done",
        note="Finished",
        actor=actor_for(organisation=northshire, user=bob),
    )

    closed.refresh_from_db()
    assert sorted(
        PdfRender.objects.filter(workshop=closed, revision=closed.revision).values_list(
            "kind", flat=True
        )
    ) == ["report", "wallchart"]


def test_an_open_workshops_changes_queue_nothing(workshop, northshire, bob):
    action = workshop.actions.filter(responsible=bob).first()
    action_status_set(
        action=action, status="done", note="", actor=actor_for(organisation=northshire, user=bob)
    )
    assert not PdfRender.objects.exists()


def test_a_read_only_cache_folder_is_logged_and_the_drawn_pdf_is_served_all_the_same(
    client_for, workshop, vic, settings, tmp_path, monkeypatch, caplog
):
    # Tests run as root, for whom no folder is read-only: a file where the folder should be
    # refuses every write the same way.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("in the way")
    settings.PDF_CACHE_DIR = blocked
    drawn = []
    real = pdf_render.pdf_render
    monkeypatch.setattr(
        pdf_render, "pdf_render", lambda w, k, **kw: drawn.append(k) or real(w, k, **kw)
    )
    client = client_for(vic)

    with caplog.at_level(logging.WARNING, logger="assessments.pdf.cache"):
        first = pdf_get(client, url(workshop, "report_pdf"))
        second = client.get(url(workshop, "report_pdf"))

    assert first.content.startswith(b"%PDF")
    assert second.status_code == 200 and second.content == first.content
    assert drawn == ["report"]  # drawn once, not again on every retry
    assert any("Could not keep the PDF" in r.getMessage() for r in caplog.records)


def test_a_full_disk_leaves_no_temporary_file_behind_and_the_pdf_is_served(
    client_for, workshop, vic, settings, monkeypatch, caplog
):
    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pdf_cache.os, "replace", disk_full)
    client = client_for(vic)

    with caplog.at_level(logging.WARNING, logger="assessments.pdf.cache"):
        response = pdf_get(client, url(workshop, "wallchart_pdf"))

    assert response.content.startswith(b"%PDF")
    folder = pdf_cache.cache_path(workshop=workshop, kind="wallchart").parent
    assert folder.is_dir()
    assert list(folder.iterdir()) == []  # no .tmp left, no half file
    assert any("Could not keep the PDF" in r.getMessage() for r in caplog.records)


def test_a_pdf_drawn_once_is_copied_into_a_new_servers_cache_folder(
    client_for, workshop, vic, settings, tmp_path
):
    """App servers with disks of their own: the worker's folder is not theirs. The database
    has the bytes; the first download on a server keeps a copy in its folder."""
    client = client_for(vic)
    pdf_get(client, url(workshop, "wallchart_pdf"))
    settings.PDF_CACHE_DIR = tmp_path / "another-server"

    response = client.get(url(workshop, "wallchart_pdf"))

    assert response.status_code == 200
    assert pdf_cache.cache_path(workshop=workshop, kind="wallchart").read_bytes() == (
        response.content
    )


def test_a_render_that_failed_is_tried_again_on_the_next_ask_then_given_up(
    client_for, workshop, vic, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr(pdf_render, "pdf_render", broken)
    client = client_for(vic)
    for attempt in range(1, queue.MAX_ATTEMPTS + 1):
        assert client.get(url(workshop, "report_pdf")).status_code == 202
        [result] = worker_run()
        assert result.status == "FAILED"
        render = PdfRender.objects.get()
        assert (render.status, render.attempts) == ("failed", attempt)
        assert "WeasyPrint fell over" in render.error

    response = client.get(url(workshop, "report_pdf"))
    assert response.status_code == 500
    assert "could not be prepared" in response.content.decode()
    assert tasks_queued() == 0
    assert client.get(url(workshop, "report_pdf_status")).json()["state"] == "failed"


def test_a_render_whose_worker_was_lost_is_queued_again_and_drawn_once(client_for, workshop, vic):
    client = client_for(vic)
    client.get(url(workshop, "report_pdf"))
    DBTaskResult.objects.all().delete()  # its worker took the task, then was killed
    long_ago = timezone.now() - queue.RENDER_LOST_AFTER - datetime.timedelta(seconds=1)
    PdfRender.objects.update(status=PdfRenderStatus.RENDERING, started_at=long_ago)

    assert client.get(url(workshop, "report_pdf_status")).json()["state"] == "queued"
    assert client.get(url(workshop, "report_pdf_status")).json()["state"] == "queued"
    assert tasks_queued() == 1
    [result] = worker_run()

    assert result.return_value == "ready"
    assert client.get(url(workshop, "report_pdf")).status_code == 200


def test_a_render_queued_twice_is_drawn_once(workshop, monkeypatch):
    render = queue.pdf_request(workshop=workshop, kind="wallchart")
    pdf_tasks.pdf_prepare.enqueue(render.pk)  # a second task for the same row
    drawn = []
    real = pdf_render.pdf_render
    monkeypatch.setattr(
        pdf_render, "pdf_render", lambda w, k, **kw: drawn.append(k) or real(w, k, **kw)
    )

    results = worker_run()

    assert sorted(r.return_value for r in results) == ["ready", "taken"]
    assert drawn == ["wallchart"]


def test_a_workshop_changed_while_its_pdf_waited_is_drawn_at_its_new_revision(
    client_for, workshop, vic
):
    client = client_for(vic)
    client.get(url(workshop, "wallchart_pdf"))
    workshop.revision += 1
    workshop.save(update_fields=["revision"])

    [result] = worker_run()

    assert result.return_value == "superseded"
    assert not PdfRender.objects.exists()
    # The preparing page's next poll asks for the workshop as it is now.
    assert client.get(url(workshop, "wallchart_pdf_status")).json()["state"] == "queued"
    worker_run()
    assert client.get(url(workshop, "wallchart_pdf")).status_code == 200
    assert PdfRender.objects.get().revision == workshop.revision


def test_a_report_drawn_without_its_chart_is_served_then_drawn_again_later(
    client_for, workshop, vic, monkeypatch
):
    from assessments.pdf import charts as pdf_charts

    monkeypatch.setattr(pdf_context, "figure_svg", lambda *a, **k: None)
    client = client_for(vic)
    served = pdf_get(client, url(workshop, "report_pdf")).content
    render = PdfRender.objects.get()
    assert not render.charts_complete
    assert not pdf_cache.cache_path(workshop=workshop, kind="report").exists()
    again = DBTaskResult.objects.get(status="READY")  # queued, not ready before its time
    assert again.task_path == "assessments.pdf.tasks.pdf_charts_again"
    assert again.run_after > timezone.now() + datetime.timedelta(minutes=4)
    assert worker_run() == []

    monkeypatch.setattr(pdf_context, "figure_svg", pdf_charts.figure_svg)
    DBTaskResult.objects.update(run_after=timezone.now())
    [result] = worker_run()

    assert result.return_value == "ready"
    render.refresh_from_db()
    assert render.charts_complete
    newer = client.get(url(workshop, "report_pdf")).content
    assert newer != served and newer.startswith(b"%PDF")
    assert pdf_cache.cache_path(workshop=workshop, kind="report").exists()


def test_the_worker_command_draws_what_is_queued_and_clears_what_dead_workers_left(
    transactional_db, northshire, alice, team, settings, tmp_path
):
    """``manage.py worker --batch``: the real command, on a database the test commits to."""
    import socket

    from django.core.management import call_command

    from assessments.models import WorkerHeartbeat

    settings.CHART_EXPORT_DIR = tmp_path / "chart-export"
    # The command runs in the test's own process: lowering its priority would leave the rest
    # of the suite niced (test_report_charts.py tests the priority, in child processes).
    settings.WORKER_NICE = 0
    left_behind = settings.CHART_EXPORT_DIR / f"{socket.gethostname()}-{_not_running()}"
    (left_behind / "browser-1").mkdir(parents=True)
    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    queue.pdfs_queue(workshop=closed)

    call_command("worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    assert set(PdfRender.objects.values_list("status", flat=True)) == {"ready"}
    assert not left_behind.exists()
    assert not WorkerHeartbeat.objects.exists()  # a worker stopping says so


def _not_running() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        pid -= 1
