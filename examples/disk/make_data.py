"""Write ``disk.npz``: 800 points uniform on the unit disk (``x``) and noisy rotation-invariant
labels ``y = |x|^2 + noise`` (seeded; run ``python make_data.py`` to recreate the file)."""

from pathlib import Path

import numpy as np

rng = np.random.default_rng(2024)
n = 800
r = np.sqrt(rng.uniform(0.0, 1.0, n))
a = rng.uniform(0.0, 2 * np.pi, n)
x = np.stack([r * np.cos(a), r * np.sin(a)], axis=1)
y = np.sum(x * x, axis=1) + 0.01 * rng.standard_normal(n)
np.savez(Path(__file__).with_name("disk.npz"), x=x, y=y)
