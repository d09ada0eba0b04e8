r"""Symmetries of the pixel grid: rotations by quarter turns and flips of the last two axes of an
array (``Cyclic(k, action="image")``, ``Dihedral(k, action="image")`` for k in 1, 2, 4).

Convention.  An image is an array ``(..., H, W)`` (channels first, as in PyTorch): axis -2 the rows
(top to bottom), axis -1 the columns (left to right).  Pixel ``(i, j)`` sits at the point
``p = (j - (W - 1)/2, (H - 1)/2 - i)`` of the plane (x to the right, y up, origin at the centre).
An element is a 2 x 2 orthogonal integer matrix M (a symmetry of the square) and acts on images
as the map of the plane it stands for:

.. math:: (M \cdot u)(p) = u(M^{-1} p),

so the rotation by +90 degrees (``[[0, -1], [1, 0]]``) is ``numpy.rot90(u, 1, axes=(-2, -1))``
(counter-clockwise as displayed) and ``diag(1, -1)`` is ``numpy.flipud`` on the last two axes
(rows reversed).  ``M1 M2`` acts as M2 first (composition of maps), so the elements compose as
matrices, exactly as the matrices of the linear ``Cyclic(4)`` and ``Dihedral(4)`` on R^2.  Every
element permutes the pixels: the action is linear, an isometry of the Frobenius norm, and is
computed by an index map (a gather), never by a dense ``(H W) x (H W)`` matrix.  A quarter turn
needs square images (``H == W``); rotation by 180 degrees and the flips act on any ``H x W``.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidValueError

__all__ = ["image_index_maps", "check_image_shape", "IMAGE_ORDERS"]

#: the k of Cyclic(k, action="image") and Dihedral(k, action="image"): quarter turns only
IMAGE_ORDERS = (1, 2, 4)


def _has_quarter_turn(mats: np.ndarray) -> bool:
    """Whether some element swaps the axes (a quarter turn or a diagonal reflection)."""
    return bool(np.any(np.abs(np.asarray(mats)[:, 0, 0]) < 0.5))


def check_image_shape(name: str, shape: tuple, mats: np.ndarray, group_name: str) -> None:
    """Raise unless ``shape`` (of one input, or of a batch) ends in an image ``(H, W)`` on which
    every element of ``mats`` acts (``H == W`` when an element swaps the axes)."""
    shape = tuple(shape)
    if len(shape) < 2:
        raise InvalidValueError(
            f"{name} must end in two image axes (..., H, W) for {group_name} acting on images, got "
            f"shape {shape}")
    H, W = shape[-2], shape[-1]
    if H < 1 or W < 1:
        raise InvalidValueError(f"{name} must have non-empty image axes, got shape {shape}")
    if H != W and _has_quarter_turn(mats):
        raise InvalidValueError(
            f"{name} must have square images (H == W) for {group_name}, whose quarter turns swap "
            f"the axes; got shape {shape} (H = {H}, W = {W})")


def image_index_maps(mats, H: int, W: int) -> np.ndarray:
    """Index maps of the elements on ``H x W`` images: ``maps[k]`` (length H W, int64) with
    ``(M_k . u).ravel() = u.ravel()[maps[k]]`` (module docstring).  Computed in doubled integer
    coordinates (the pixel centres are half-integers for even sizes), so exactly.

    Examples
    --------
    >>> import numpy as np
    >>> u = np.arange(6).reshape(2, 3)
    >>> m = image_index_maps(np.array([[[1, 0], [0, -1]]]), 2, 3)[0]    # diag(1, -1): flip rows
    >>> bool(np.array_equal(u.ravel()[m].reshape(2, 3), np.flipud(u)))
    True
    """
    mats = np.rint(np.asarray(mats, dtype=np.float64)).astype(np.int64)
    ii, jj = np.meshgrid(np.arange(H, dtype=np.int64), np.arange(W, dtype=np.int64), indexing="ij")
    x2 = (2 * jj - (W - 1)).ravel()   # 2 p_x of the output pixels
    y2 = ((H - 1) - 2 * ii).ravel()   # 2 p_y
    out = np.empty((mats.shape[0], H * W), dtype=np.int64)
    for k, M in enumerate(mats):
        # source point M^{-1} p = M^T p (M orthogonal)
        sx = M[0, 0] * x2 + M[1, 0] * y2
        sy = M[0, 1] * x2 + M[1, 1] * y2
        j = (sx + (W - 1)) // 2
        i = ((H - 1) - sy) // 2
        if np.any((i < 0) | (i >= H) | (j < 0) | (j >= W)):
            raise InvalidValueError(
                f"the element {M.tolist()} does not map the {H} x {W} pixel grid onto itself "
                "(a quarter turn needs H == W)")
        out[k] = i * W + j
    return out


def apply_maps(maps: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``out[k] = x`` with its last two axes gathered by ``maps[k]``: shape ``(K, *x.shape)``."""
    H, W = x.shape[-2], x.shape[-1]
    flat = x.reshape(x.shape[:-2] + (H * W,))
    return np.moveaxis(flat[..., maps], -2, 0).reshape((maps.shape[0],) + x.shape)


def apply_maps_each(maps: np.ndarray, index: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``out[i] = x[i]`` with its last two axes gathered by ``maps[index[i]]`` (one element per
    sample)."""
    n = x.shape[0]
    H, W = x.shape[-2], x.shape[-1]
    flat = x.reshape(n, -1, H * W)
    idx = maps[np.asarray(index, dtype=np.int64)][:, None, :]
    return np.take_along_axis(flat, np.broadcast_to(idx, flat.shape), axis=2).reshape(x.shape)
