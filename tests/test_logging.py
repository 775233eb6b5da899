"""Warnings are one readable line each, through logging; nothing falls back silently."""

from __future__ import annotations

import logging

import pytest


def test_missing_ranker_weights_are_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from dramatis.attribution.ranker import model

    def missing(_package: str):
        raise ModuleNotFoundError(_package)

    monkeypatch.setattr(model.resources, "files", missing)
    caplog.set_level(logging.WARNING, logger="dramatis")
    assert model.load_weights.__wrapped__() is None
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and "ranker" in record.getMessage()


def test_the_command_prints_warnings_as_one_line_and_v_adds_detail(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import click

    from dramatis import cli as cli_module
    from dramatis.cli.options import verbose_option

    @click.command("speak-up")
    @verbose_option
    def speak_up() -> None:
        log = logging.getLogger("dramatis.test")
        log.warning("the cover %s is a GIF", "c.gif")
        log.info("detail only with -v")

    monkeypatch.setattr(cli_module, "cli", click.Group(commands=[speak_up]))
    assert cli_module.main(["speak-up"]) == 0
    assert capsys.readouterr().err == "dramatis: warning: the cover c.gif is a GIF\n"
    assert cli_module.main(["speak-up", "-v"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "dramatis: warning: the cover c.gif is a GIF",
        "dramatis: info: detail only with -v",
    ]
    logging.getLogger("dramatis.test").warning("after the command")
    assert capsys.readouterr().err == ""  # the command's handler is gone again
