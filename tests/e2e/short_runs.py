"""Settings (link query values) per lesson page that make a real run short enough for the browser tests.

A run redraws at most 25 times, and every redraw costs the server and the browser ~0.5 s on 2 cores.
"""

SHORT_RUNS = {
    "01_generative_discriminative": {"epochs": 2},
    "02_minimax": {"epochs": 3},  # the minimax default preset always makes 25 redraws
    "03_slanted_island": {"epochs": 2},  # 2 face epochs are 10 steps, so 10 redraws
    "04_gan_failures": {"epochs": 10},  # 80 steps of the collapsing ring of eight: 26 redraws, ~1 s
    "05_dcgan_digits": {"epochs": 1},  # 29 steps of the digits DCGAN: 25 redraws, a few seconds of training
    "06_making_gans_converge": {"epochs": 50},  # 50 steps of the Dirac-GAN: milliseconds of training
}

# Lesson 6's ring of eight with every remedy on (links.REMEDY_KEYS but the Dirac-GAN's `method`): 8 steps,
# enough for the EMA generator's points and the quality curves to be drawn.
RING_REMEDIES = {
    "preset": "toy_ring8",
    "epochs": 1,
    "r1": 1.0,
    "instance_noise": 0.1,
    "spectral_norm": 1,
    "ema": 0.9,
    "label_smoothing": 0.9,
    "minibatch_std": 1,
}
