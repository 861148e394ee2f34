"""Progress bars (rich) on stderr for the long commands: training stages, the training
table, the fairness audit's vacancies, a round plan's stages. Fed by the packages'
``step(stage, done, total)`` hooks; stdout stays free for documents (``--json``). When
stderr is not a terminal rich draws no live bar, only the final state of each stage.
"""

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class StageBar:
    """A rich progress bar on stderr fed by ``step(stage, done, total)`` (``plan_round``'s
    ``progress``, ``train``'s and ``run_audit``'s ``step``): one line per stage, the
    previous one completed when the next begins."""

    def __init__(self, console: Console):
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=False,
                                 redirect_stdout=False)       # stdout carries documents, never progress
        self.tasks: dict[str, int] = {}
        self.current: str | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.current:
            self._finish()
            self.tasks[stage] = self.progress.add_task(stage, total=max(total, 1))
            self.current = stage
        self.progress.update(self.tasks[stage], completed=done, total=max(total, 1))

    def _finish(self) -> None:
        if self.current is not None:
            task = self.tasks[self.current]
            self.progress.update(task, completed=self.progress.tasks[task].total)

    @contextlib.contextmanager
    def running(self) -> Iterator["StageBar"]:
        with self.progress:
            yield self
            self._finish()
