"""The kit's notebooks as files: kept without what running them adds.

A notebook in ``notebooks/`` is kept with no outputs, no execution counts, its code
folded and the kernel's ``language_info`` as committed. Two things hold it there: the
lab's save hook (`strip_on_save`, configured in ``labconfig/jupyter_server_config.json``),
so that saving after Run All leaves the file as it was, and git's clean filter
(``tools/strip_notebook.py``, installed by `make lab`), for notebooks saved any other way.
This module uses only the standard library: git runs the filter with any Python 3.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["KIT_NOTEBOOKS", "LANGUAGE_INFO", "strip", "strip_notebook", "strip_on_save"]

#: What JupyterLab writes once a kernel has started (Python 3.11.7 here). Any other value
#: marks a notebook as changed as soon as it is opened, before anything is run.
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": "3.11.7",
}
#: The kit's notebooks folder in a source checkout (beside the package).
KIT_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# Cell metadata that records a session (folded outputs, scrolling, timings), not the page.
_SESSION_KEYS = ("collapsed", "scrolled", "execution", "ExecuteTime", "trusted")


def strip_notebook(nb: dict) -> dict:
    """Take out of ``nb``, in place, what running it added; return it.

    Parameters
    ----------
    nb : dict
        A notebook (nbformat 4) as loaded from JSON.

    Returns
    -------
    dict
        ``nb``: no outputs or execution counts, every code cell folded
        (``jupyter.source_hidden``), ``language_info`` set to `LANGUAGE_INFO`, and no
        widget state or per-cell timings.
    """
    metadata = nb.setdefault("metadata", {})
    metadata.pop("widgets", None)
    metadata["language_info"] = dict(LANGUAGE_INFO)
    for cell in nb["cells"]:
        meta = cell.setdefault("metadata", {})
        for key in _SESSION_KEYS:
            meta.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            meta["jupyter"] = {"source_hidden": True}
    return nb


def strip(text: str) -> str:
    """``text``, a notebook's JSON, as the repository keeps it (`strip_notebook`).

    Parameters
    ----------
    text : str
        The notebook file as JupyterLab or nbformat wrote it.

    Returns
    -------
    str
        Written as nbformat writes it (sorted keys, one-space indent, a final newline);
        ``text`` itself when it is not a notebook (a file in the middle of a merge, say).
    """
    try:
        nb = json.loads(text)
    except ValueError:
        return text
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        return text
    return json.dumps(strip_notebook(nb), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def strip_on_save(model: dict, path: str, contents_manager: object, **kwargs: object) -> None:
    """Jupyter's pre-save hook: a notebook of the kit's folder is saved as committed.

    JupyterLab marks a notebook changed after Run All (its outputs); saving it then
    leaves the file byte for byte as it was, so git sees nothing to commit. Other files,
    and notebooks outside the kit's ``notebooks/`` folder, are saved as they are.

    Parameters
    ----------
    model : dict
        The contents model to be saved; its ``content`` is changed in place.
    path : str
        Its API path, relative to the server's root folder.
    contents_manager : ContentsManager
        The server's; its ``root_dir`` places ``path``.
    **kwargs
        Whatever else the server passes.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    root = Path(getattr(contents_manager, "root_dir", "."))
    if (root / path).resolve().parent == KIT_NOTEBOOKS:
        strip_notebook(model["content"])
