#!/usr/bin/env python3
"""What lesson 6's measures add to a snapshot, on one training thread, as the live run takes it.

For a 2-D run (toy_ring8) and a digits run: a whole snapshot, the measures alone (Fréchet distance with
precision and recall; for digits the 1000 generated digits, the Fréchet distance on the judge's logits and
the nearest training digits) and one training step beside them. Each number is the median of `--repeat`
timings after one warm-up, with the fastest beside it (on a shared machine the fastest is the one least
disturbed).

  PYTHONPATH=app python3 scripts/measure_bench.py --repeat 60
Prints one JSON object (milliseconds and ratios).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import torch

from gan_course.core import judge
from gan_course.core.config import preset
from gan_course.core.threads import use_training_threads
from gan_course.core.trainer import Trainer


def timed(call: Callable[[], Any], repeat: int) -> dict[str, float]:
    call()
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        out.append((time.perf_counter() - began) * 1000)
    return {"median_ms": round(statistics.median(out), 2), "fastest_ms": round(min(out), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60)
    repeat = parser.parse_args().repeat
    use_training_threads()
    result: dict[str, Any] = {"torch": torch.__version__, "threads": torch.get_num_threads()}

    ring = Trainer(preset("toy_ring8"))
    ring.advance(400)
    engine = ring.engine
    with_measures = timed(ring.snapshot, repeat)
    measures = timed(engine.quality_numbers, repeat)  # type: ignore[attr-defined]
    step = timed(lambda: ring.advance(1), repeat)
    result["toy_ring8"] = {
        "snapshot": with_measures,
        "frechet_precision_recall": measures,
        "training_step": step,
        "share_of_snapshot": round(measures["median_ms"] / with_measures["median_ms"], 2),
    }

    digits = Trainer(preset("digits"))
    digits.advance(60)
    shown = digits.engine.samples()
    z = digits.engine.measured_z.cpu().numpy()  # type: ignore[attr-defined]
    generate = timed(lambda: digits.generate(z), max(5, repeat // 3))
    images = digits.generate(z)
    result["digits"] = {
        "snapshot": timed(digits.snapshot, max(5, repeat // 3)),
        "generate_1000_digits": generate,
        "frechet_on_judge_logits": timed(lambda: judge.feature_frechet(images), repeat),
        "nearest_training_digit_64": timed(lambda: judge.nearest_training_distance(shown), repeat),
        "training_step": timed(lambda: digits.advance(1), repeat),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
