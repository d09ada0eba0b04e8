r"""Models written in PyTorch (or returning JAX arrays) on the batched path of the orbit engine.

The engine works on float64 NumPy buffers (numba kernels draw the group samples and write the
transformed inputs).  A model from another framework is called once per batch of ``batch_size``
transformed inputs; this module converts at that boundary, once per batch each way:

* a ``torch.nn.Module`` (or a :class:`TorchModel` wrapping any callable on tensors): the batch
  becomes a tensor with ``torch.from_numpy`` (no copy), then ``.to(device, dtype)`` of the model
  (a copy only when the dtype or the device differs); the model runs under ``torch.no_grad()``; the
  output is detached and copied back with ``.cpu().numpy()``.  The device and the dtype are read
  from the module's first floating-point parameter (or buffer); a module without either uses the
  CPU and ``torch.get_default_dtype()``.  Batches are sized for the framework: a call costs a
  fixed overhead (about 0.25 ms for a small e3nn tensor product) and large batches amortise it, so
  the default is ``2^21 / (input size)`` inputs per call (16 MiB of float64), at least 2048 and at
  most 65536, instead of NumPy's 2048 (measured, ``benchmarks/bench_torch.py``).  The producer
  thread of the NumPy path is not used: it competes with torch's own threads for the cores.
* any other callable is called on the NumPy batch; if it returns a torch tensor (possibly one that
  requires grad), the tensor is detached and converted; anything else is converted with
  ``numpy.asarray`` (JAX arrays, lists).  When torch has been imported, the call runs under
  ``torch.no_grad()``.

**GPU.**  ``TorchModel(model, device="cuda")`` (or a module whose parameters live on a GPU) moves
each batch to the device with one ``.to(device, dtype)`` call and the outputs back with one
``.cpu()``: host-to-device traffic is ``batch_size x input size`` values per call, so raise
``batch_size`` to the largest batch that fits the device memory.  The group samples and the
transformed inputs are still produced on the host by the numba kernels (only the CPU path is
tested here).

**JAX.**  A function of NumPy arrays returning JAX arrays (``jax.jit(f)``) works as any other
callable: JAX converts the input on each call and ``numpy.asarray`` copies the output back.  JAX
computes in float32 unless ``jax_enable_x64`` is set (JAX's default): the equivariance error of a
float32 model includes its rounding (``assert_equivariant`` picks the float32 tolerances from the
output dtype).  A jitted function is compiled once per batch shape (the probe on ``X[:1]``, the
full batches, the last one).  No JAX-specific code is needed, so none is here; JAX is not a
dependency (``tests/numeric/test_jax.py`` runs where it is installed).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import warnings
from typing import Any

import numpy as np

from .._validation import brief
from ..errors import InvalidTypeError, InvalidValueError
from .._types import Model
from ._checks import as_float_array

__all__ = ["TorchModel", "adapt_model", "torch_batch_size"]

#: default batch of the NumPy path (measured fastest for a numpy model on 2 cores)
NUMPY_BATCH_SIZE = 2048
#: bytes of float64 inputs per call targeted by the torch path, and its bounds in inputs
_TORCH_BATCH_BYTES = 2 ** 24
_TORCH_BATCH_MIN = 2048
_TORCH_BATCH_MAX = 65536


def _loaded_torch():
    """The torch module if the process has imported it (a model can only be a tensor model then)."""
    return sys.modules.get("torch")


def _require_torch():
    try:
        return importlib.import_module("torch")
    except ImportError as exc:  # pragma: no cover - torch is installed where TorchModel is tested
        raise InvalidTypeError("TorchModel needs PyTorch (pip install torch)") from exc


def torch_batch_size(input_size: int) -> int:
    """Default inputs per call for a torch model with inputs of ``input_size`` values: 16 MiB of
    float64, clipped to [2048, 65536]."""
    per = _TORCH_BATCH_BYTES // (8 * max(1, int(input_size)))
    return int(min(_TORCH_BATCH_MAX, max(_TORCH_BATCH_MIN, per)))


def _module_device_dtype(module, torch):
    """Device and dtype of the first floating-point parameter or buffer of a module."""
    for t in list(module.parameters()) + list(module.buffers()):
        if t.is_floating_point():
            return t.device, t.dtype
    return torch.device("cpu"), torch.get_default_dtype()


def _tensor_to_numpy(out, torch) -> np.ndarray:
    """A tensor (possibly requiring grad, on any device, any float dtype) as a NumPy array."""
    out = out.detach()
    if out.device.type != "cpu":
        out = out.cpu()
    if out.dtype in (torch.bfloat16, torch.float16):  # no NumPy bfloat16; float16 summed in float32
        out = out.to(torch.float32)
    return out.numpy()


def _training_layers(module, torch) -> list[str]:
    """Names of the dropout and batch-norm layers of a module that are in training mode."""
    kinds = (torch.nn.modules.dropout._DropoutNd, torch.nn.modules.batchnorm._BatchNorm)
    return [name or type(m).__name__ for name, m in module.named_modules()
            if m.training and isinstance(m, kinds)]


class TorchModel:
    r"""A PyTorch model for the numeric layer: each batch of transformed inputs is converted once
    to a tensor on ``device`` with ``dtype``, evaluated under ``torch.no_grad()``, and the outputs
    converted back once (module docstring).

    A ``torch.nn.Module`` passed directly to :func:`~symbound.equivariance_error` (and the other
    estimators) is wrapped automatically, with the device and dtype of its parameters; wrap
    yourself to evaluate a plain function of tensors, or to choose the device or dtype.

    Parameters
    ----------
    model : a ``torch.nn.Module`` or any callable mapping a tensor ``(batch, *input_shape)`` to a
        tensor ``(batch, ...)``.
    device : a ``torch.device`` or string (``"cpu"``, ``"cuda"``, ``"cuda:1"``); default: the
        module's, else the CPU.  On a GPU, raise ``batch_size`` of the estimator to the largest
        batch that fits the device (module docstring, "GPU").
    dtype : a floating ``torch.dtype``; default: the module's, else ``torch.get_default_dtype()``.

    Examples
    --------
    >>> import numpy as np, torch
    >>> import symbound as sb
    >>> X = np.random.default_rng(0).normal(size=(50, 3))
    >>> f = sb.TorchModel(lambda t: t.norm(dim=1), dtype=torch.float64)   # a function of tensors
    >>> est = sb.equivariance_error(f, sb.groups.SO(3), X, seed=0)
    >>> est.value < 1e-12
    True
    >>> sb.TorchModel(torch.nn.Linear(3, 2).double()).dtype               # a module's own dtype
    torch.float64
    """

    framework = "torch"

    def __init__(self, model: Model, *, device: Any = None, dtype: Any = None):
        torch = _require_torch()
        if isinstance(model, TorchModel):
            model = model.model
        if not callable(model):
            raise InvalidTypeError(f"model must be callable, got {type(model).__name__}")
        self.model = model
        if isinstance(model, torch.nn.Module):
            m_device, m_dtype = _module_device_dtype(model, torch)
            layers = _training_layers(model, torch)
            if layers:
                warnings.warn(
                    f"the torch model is in training mode with {', '.join(layers[:4])}"
                    f"{' ...' if len(layers) > 4 else ''}: dropout makes its outputs random and "
                    "batch norm makes them depend on the batch (and updates its statistics); switch "
                    "it to evaluation mode (its method eval) to measure the deterministic model", UserWarning, stacklevel=3)
        else:
            m_device, m_dtype = torch.device("cpu"), torch.get_default_dtype()
        try:
            self.device = torch.device(device) if device is not None else m_device
        except (TypeError, RuntimeError, ValueError, OverflowError) as exc:
            raise InvalidValueError(f"device must be a torch device or its name, got {brief(device)}") from exc
        if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
            raise InvalidTypeError(f"dtype must be a floating torch.dtype, got {brief(dtype)}")
        self.dtype = m_dtype if dtype is None else dtype
        self._torch = torch

    def __repr__(self) -> str:
        name = type(self.model).__name__
        return f"TorchModel({name}, device={self.device}, dtype={self.dtype})"

    def __call__(self, xs: np.ndarray) -> np.ndarray:
        """Outputs of the model on a float NumPy batch, as a NumPy array (one conversion each way)."""
        torch = self._torch
        # a float array: strings, objects, ragged lists, NaN refused here, not inside torch
        xs = as_float_array("xs", xs, min_ndim=2, dtype=xs.dtype if isinstance(xs, np.ndarray)
                            and xs.dtype.kind == "f" else np.float64)
        t = torch.from_numpy(np.ascontiguousarray(xs))
        if t.dtype != self.dtype or t.device != self.device:
            t = t.to(device=self.device, dtype=self.dtype)
        with torch.no_grad():
            out = self.model(t)
        if not isinstance(out, torch.Tensor):
            raise InvalidTypeError(f"the torch model must return a tensor, got {type(out).__name__}")
        return _tensor_to_numpy(out, torch)

    def batch_size(self, input_size: int) -> int:
        """Default inputs per call (:func:`torch_batch_size`)."""
        return torch_batch_size(input_size)


class _ArrayModel:
    """Any other callable: NumPy batches in; NumPy, torch or JAX outputs converted once per batch."""

    framework = "numpy"

    def __init__(self, model):
        self.model = model

    def __call__(self, xs: np.ndarray) -> np.ndarray:
        torch = _loaded_torch()
        ctx = torch.no_grad() if torch is not None else contextlib.nullcontext()
        with ctx:
            out = self.model(xs)
        if isinstance(out, np.ndarray):
            return out
        if torch is not None and isinstance(out, torch.Tensor):
            return _tensor_to_numpy(out, torch)
        try:
            return np.asarray(out)
        except Exception as exc:
            raise InvalidTypeError(
                f"model must return an array-like, got {type(out).__name__}") from exc

    def batch_size(self, input_size: int) -> int:
        return NUMPY_BATCH_SIZE


def adapt_model(model):
    """The callable the engine evaluates: ``model`` itself when it is a :class:`TorchModel`, a
    :class:`TorchModel` around a ``torch.nn.Module``, otherwise a NumPy-in adapter that converts
    torch or JAX outputs (module docstring)."""
    if isinstance(model, TorchModel):
        return model
    torch = _loaded_torch()
    if torch is not None and isinstance(model, torch.nn.Module):
        return TorchModel(model)
    return _ArrayModel(model)
