"""notebooks/explore_events.ipynb runs top to bottom, on the bundled sample and on a run full of events."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from tests.analysis.analysis_runs import write_synthetic_run

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "explore_events.ipynb"
FIGURES = ("events_by_type", "timeline", "top_organisations", "figures_by_metric")
KERNEL = "python3"


def execute(monkeypatch, figures_dir: Path, run_dir: Path | None = None) -> nbformat.NotebookNode:
    """Execute the notebook in a fresh kernel; figures go to ``figures_dir`` instead of docs/."""
    assert KERNEL in KernelSpecManager().find_kernel_specs(), f"no {KERNEL!r} kernel: pip install ipykernel"
    monkeypatch.setenv("PIPELINE_FIGURES_DIR", str(figures_dir))
    if run_dir is None:
        monkeypatch.delenv("PIPELINE_RUN_DIR", raising=False)
    else:
        monkeypatch.setenv("PIPELINE_RUN_DIR", str(run_dir))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, kernel_name=KERNEL, timeout=600, resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    return notebook


def printed(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []) if output.output_type == "stream"
    )


def assert_figures_saved(directory: Path) -> None:
    for name in FIGURES:
        path = directory / f"{name}.png"
        assert path.is_file(), f"{path} not written"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_committed_notebook_is_small_and_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    assert NOTEBOOK.stat().st_size < 50_000


def test_notebook_runs_on_the_bundled_sample_and_saves_its_plots(monkeypatch, tmp_path):
    execute(monkeypatch, tmp_path)
    assert_figures_saved(tmp_path)


def test_notebook_plots_and_traces_a_run_with_events(monkeypatch, tmp_path):
    run_dir = write_synthetic_run(tmp_path / "run")
    notebook = execute(monkeypatch, tmp_path / "figures", run_dir)
    assert_figures_saved(tmp_path / "figures")
    output = printed(notebook)
    assert "raw slice        : '733萬戶'" in output
    assert "t2s(raw) == text : True" in output


@pytest.fixture(autouse=True)
def _no_stray_figures():
    """The tests must not rewrite the committed figures under docs/."""
    committed = NOTEBOOK.parents[1] / "docs" / "figures"
    before = {path: path.stat().st_mtime_ns for path in committed.glob("*.png")}
    yield
    assert {path: path.stat().st_mtime_ns for path in committed.glob("*.png")} == before
