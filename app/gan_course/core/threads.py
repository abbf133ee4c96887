"""The intra-op thread count the course trains with, and the one call that sets it in a training thread.

torch keeps its intra-op thread count per OS thread (OpenMP's nthreads-var): `torch.set_num_threads(1)` in
one thread leaves a thread started later at the default of one thread per core, while
`torch.get_num_threads()` there still answers 1, so asking hides it. A run trained on such a thread splits
its matrix products over the cores, adds in another order and ends elsewhere than the same run in the CLI
(lesson 4's collapse run: 2 islands instead of 4 on an Intel Xeon). So every thread that trains calls
`use_training_threads()` itself: the executor's, each Streamlit script run's, the CLI's and the bench's.
"""

from __future__ import annotations

import torch

# The course's tensors are tiny: a second intra-op thread only adds hand-offs, and on a busy server spinning
# OpenMP threads cost several times the CPU (a collapse run forced to two threads next to a busy core:
# 24.8 CPU-s instead of 4.2). One thread also makes a run's numbers the same in the app, CLI and tests.
TRAINING_THREADS = 1


def use_training_threads() -> None:
    """Train on TRAINING_THREADS intra-op threads in the calling OS thread (call it in every such thread)."""
    torch.set_num_threads(TRAINING_THREADS)
