"""Minimal action and observation spaces with the attributes of ``gymnasium.spaces``.

arq does not depend on Gymnasium; these classes give the same ``shape``, ``dtype``, ``n`` or
``low``/``high``, ``sample()``, ``seed()`` and ``contains()`` so code written against Gymnasium's
spaces works unchanged.
"""

import numpy as np


class Space:
    def __init__(self, shape, dtype, seed=None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self._np_random = np.random.default_rng(seed)

    @property
    def np_random(self):
        return self._np_random

    def seed(self, seed=None):
        """Reseeds sample(); returns the seed as a one-element list, as Gymnasium does."""
        self._np_random = np.random.default_rng(seed)
        return [seed]

    def __contains__(self, x):
        return self.contains(x)


class Discrete(Space):
    """Integers start, ..., start + n - 1."""

    def __init__(self, n, start=0, seed=None):
        super().__init__((), np.int64, seed)
        self.n = np.int64(n)
        self.start = np.int64(start)

    def sample(self):
        return np.int64(self.start + self._np_random.integers(self.n))

    def contains(self, x):
        if isinstance(x, (bool, np.bool_)):
            return False
        if isinstance(x, (int, np.integer)):
            return bool(self.start <= x < self.start + self.n)
        if isinstance(x, np.ndarray) and x.shape == () and x.dtype.kind in "iu":
            return bool(self.start <= int(x) < self.start + self.n)
        return False

    def __repr__(self):
        return f"Discrete({self.n})" if self.start == 0 else f"Discrete({self.n}, start={self.start})"

    def __eq__(self, other):
        return isinstance(other, Discrete) and self.n == other.n and self.start == other.start


class MultiDiscrete(Space):
    """One Discrete(n_i) per element: the action space of a vector of discrete environments."""

    def __init__(self, nvec, seed=None):
        nvec = np.asarray(nvec, dtype=np.int64)
        super().__init__(nvec.shape, np.int64, seed)
        self.nvec = nvec

    def sample(self):
        return self._np_random.integers(self.nvec).astype(self.dtype)

    def contains(self, x):
        x = np.asarray(x)
        return bool(x.shape == self.shape and x.dtype.kind in "iu" and np.all(x >= 0)
                    and np.all(x < self.nvec))

    def __repr__(self):
        return f"MultiDiscrete({self.nvec})"


class Box(Space):
    """Arrays of the given shape and dtype with low <= x <= high elementwise."""

    def __init__(self, low, high, shape, dtype, seed=None):
        super().__init__(shape, dtype, seed)
        self.low = np.full(self.shape, low, dtype=self.dtype)
        self.high = np.full(self.shape, high, dtype=self.dtype)

    def sample(self):
        if self.dtype == np.bool_:
            return self._np_random.integers(0, 2, size=self.shape).astype(np.bool_)
        low = np.where(np.isfinite(self.low), self.low, -1e308)
        high = np.where(np.isfinite(self.high), self.high, 1e308)
        bounded = np.isfinite(self.low) & np.isfinite(self.high)
        draws = np.where(bounded, self._np_random.uniform(np.where(bounded, low, 0.0),
                                                          np.where(bounded, high, 1.0),
                                                          size=self.shape),
                         self._np_random.normal(size=self.shape))
        return draws.astype(self.dtype)

    def contains(self, x):
        x = np.asarray(x)
        return bool(x.shape == self.shape and np.can_cast(x.dtype, self.dtype)
                    and np.all(x >= self.low) and np.all(x <= self.high))

    def __repr__(self):
        low = self.low.flat[0] if self.low.size else None
        high = self.high.flat[0] if self.high.size else None
        return f"Box({low}, {high}, {self.shape}, {self.dtype})"
