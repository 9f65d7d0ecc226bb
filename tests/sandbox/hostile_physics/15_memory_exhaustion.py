# expect: oom
# Allocates far more than the sandbox allows.
import numpy as np

blocks = [np.ones(50_000_000) for _ in range(100)]
