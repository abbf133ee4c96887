"""Shared pytest setup: one torch thread, and CUDA tests skipped (with the reason) where CUDA is absent."""

from __future__ import annotations

import os
import sys

import pytest

# The course's tensors are tiny: a second intra-op thread only adds hand-offs, and on a busy 2-core
# machine spinning OpenMP threads made the 2-D models three times slower. Set before torch is imported.
os.environ.setdefault("OMP_NUM_THREADS", "1")
if "torch" in sys.modules:  # imported early by a plugin: the variable no longer counts
    sys.modules["torch"].set_num_threads(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    cuda_items = [item for item in items if "cuda" in item.keywords]
    if not cuda_items:
        return
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device: torch.cuda.is_available() is False")
    for item in cuda_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def haproxy() -> str:
    """Debian's haproxy, which `python -m gan_course serve` puts in front of the app processes.

    Skipped with the reason where it is missing; in CI (CI=true) that is a failure, so a CI image without it
    cannot pass silently.
    """
    from gan_course.serve import ServeError, find_haproxy

    try:
        return find_haproxy("haproxy")
    except ServeError as err:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(err))
        pytest.skip(str(err))
