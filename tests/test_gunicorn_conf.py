"""gunicorn.conf.py's hooks: each request worker on a core of its own (bench/README.md)."""

import os
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def conf(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    pinned = []
    monkeypatch.setattr(
        os, "sched_setaffinity", lambda pid, cores: pinned.append(cores), raising=False
    )
    hooks = runpy.run_path(str(CONF))
    hooks["pinned"] = pinned
    return hooks


def _arbiter(workers: int):
    return SimpleNamespace(WORKERS={}, num_workers=workers)


def _spawn(conf, arbiter) -> SimpleNamespace:
    """As gunicorn's arbiter spawns a worker: pre_fork in the arbiter, post_fork in the child."""
    worker = SimpleNamespace()
    conf["pre_fork"](arbiter, worker)
    conf["post_fork"](arbiter, worker)
    arbiter.WORKERS[id(worker)] = worker
    return worker


def test_two_workers_on_two_cores_each_have_a_core_of_their_own(conf):
    arbiter = _arbiter(2)
    _spawn(conf, arbiter)
    _spawn(conf, arbiter)
    assert conf["pinned"] == [{0}, {1}]


def test_a_worker_replacing_one_that_died_takes_the_core_it_left(conf):
    arbiter = _arbiter(2)
    _spawn(conf, arbiter)
    second = _spawn(conf, arbiter)
    del arbiter.WORKERS[id(second)]  # killed (a timeout, max_requests)

    replacement = _spawn(conf, arbiter)

    assert replacement.core == 1
    assert conf["pinned"] == [{0}, {1}, {1}]


@pytest.mark.parametrize("workers", [1, 3])
def test_workers_not_one_per_core_are_left_to_the_kernel(conf, workers):
    """Three on two cores would queue behind each other; one alone on a two-core share of a
    bigger host would sit on the core every such container's first worker takes."""
    arbiter = _arbiter(workers)
    for _ in range(workers):
        _spawn(conf, arbiter)
    assert conf["pinned"] == []


def test_an_operator_can_leave_the_workers_unpinned(conf, monkeypatch):
    monkeypatch.setenv("GUNICORN_PIN_WORKERS", "false")
    hooks = runpy.run_path(str(CONF))
    arbiter = _arbiter(2)
    for _ in range(2):
        worker = SimpleNamespace()
        hooks["pre_fork"](arbiter, worker)
        hooks["post_fork"](arbiter, worker)
    assert conf["pinned"] == []
