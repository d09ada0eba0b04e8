"""PyTorch models on the orbit engine (issue #11, "Real models"): closed-form equivariance errors,
the device/dtype/no_grad contract, one conversion per batch."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import symbound as sb  # noqa: E402
from symbound.errors import InvalidTypeError, InvalidValueError  # noqa: E402
from symbound.groups import SO, Cyclic, Dihedral  # noqa: E402
from symbound.numeric.frameworks import TorchModel, torch_batch_size  # noqa: E402


class Probe(torch.nn.Module):
    """A linear map that records what it was called with."""

    def __init__(self, W, dtype=torch.float64):
        super().__init__()
        self.lin = torch.nn.Linear(W.shape[1], W.shape[0], bias=False).to(dtype)
        with torch.no_grad():
            self.lin.weight.copy_(torch.as_tensor(W))
        self.calls = []

    def forward(self, x):
        self.calls.append((tuple(x.shape), x.dtype, torch.is_grad_enabled()))
        return self.lin(x)


def test_linear_module_under_c4_has_its_closed_form_error():
    """f(x) = W x on R^2 under C_4 (invariance): |W(g - I) x|^2 averaged over the 4 rotations is
    x^T M x with M = mean_g (g - I)^T W^T W (g - I); for W = I, 2 |x|^2 (|R_t x - x|^2 =
    2 (1 - cos t) |x|^2)."""
    X = np.random.default_rng(0).normal(size=(500, 2))
    est = sb.equivariance_error(Probe(np.eye(2)), Cyclic(4), X, seed=0)
    assert est.value == pytest.approx(math.sqrt(2 * np.mean((X ** 2).sum(1))), rel=1e-12)
    W = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]])
    G = Cyclic(4).elements()
    M = np.mean([(g - np.eye(2)).T @ W.T @ W @ (g - np.eye(2)) for g in G], axis=0)
    est = sb.equivariance_error(Probe(W), Cyclic(4), X, seed=0)
    assert est.value == pytest.approx(math.sqrt(np.mean(np.einsum("ni,ij,nj->n", X, M, X))),
                                      rel=1e-12)
    # equivariant with rho = "same": W = a rotation-commuting map a I + b J
    J = np.array([[0.0, -1.0], [1.0, 0.0]])
    est = sb.equivariance_error(Probe(2 * np.eye(2) + 3 * J), SO(2), X, rho="same", seed=0)
    assert est.value < 1e-13


def test_dtype_device_no_grad_and_one_call_per_batch():
    X = np.random.default_rng(1).normal(size=(2000, 3))
    m = Probe(np.ones((1, 3)), dtype=torch.float32)
    est = sb.equivariance_error(m, SO(3), X, seed=0, n_group_samples=64)
    shapes = [c[0] for c in m.calls]
    assert all(c[1] == torch.float32 and not c[2] for c in m.calls)  # the module's dtype, no grad
    # the probe call on X[:1], then batches of the torch default size (65536 inputs of R^3): the
    # 2000 points and their 128000 rotated copies in 2 calls
    per = torch_batch_size(3) // 64
    assert shapes == [(1, 3)] + [((per + 64 * per), 3), ((2000 - per) * 65, 3)]
    assert est.output_dtype == np.float32 and est.value > 0.1
    # float32 rounding only: the error of sum(x) under rotations, computed in float64
    ref = sb.equivariance_error(lambda xs: xs.sum(axis=1), SO(3), X, seed=0)
    assert est.value == pytest.approx(ref.value, rel=1e-5)
    # an explicit batch size is respected, the estimate does not depend on it
    m.calls.clear()
    est2 = sb.equivariance_error(m, SO(3), X, seed=0, batch_size=6400)
    assert max(c[0][0] for c in m.calls) == 100 * 65 and est2.value == pytest.approx(est.value,
                                                                                     rel=1e-6)


def test_callables_returning_tensors_with_grad_are_converted():
    w = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    X = np.random.default_rng(2).normal(size=(300, 2))

    def numpy_in_tensor_out(xs):  # NumPy in, a tensor that requires grad out (no no_grad inside)
        return torch.from_numpy(xs) @ w

    est = sb.equivariance_error(numpy_in_tensor_out, Cyclic(4), X, seed=0)
    ref = sb.equivariance_error(lambda xs: xs @ np.array([1.0, -2.0]), Cyclic(4), X, seed=0)
    assert est.value == pytest.approx(ref.value, rel=1e-14)
    # a function of tensors, wrapped: TorchModel converts the inputs
    f = TorchModel(lambda t: (t * t).sum(dim=1) + t[:, 0], dtype=torch.float64)
    est = sb.equivariance_error(f, Cyclic(4), X, seed=0)
    ref = sb.equivariance_error(lambda xs: (xs ** 2).sum(1) + xs[:, 0], Cyclic(4), X, seed=0)
    assert est.value == pytest.approx(ref.value, rel=1e-14)
    assert repr(f).startswith("TorchModel(function, device=cpu, dtype=torch.float64")


def test_conv_net_on_images_with_rho_same():
    """A 3 x 3 convolution with zero padding is exactly D_4-equivariant when its kernel is
    D_4-symmetric; a generic kernel is not, and its error is the brute-force one (numpy.rot90)."""
    X = np.random.default_rng(3).normal(size=(20, 1, 6, 6))
    sym = torch.tensor([[1.0, 2.0, 1.0], [2.0, -3.0, 2.0], [1.0, 2.0, 1.0]], dtype=torch.float64)

    def conv(kernel):
        c = torch.nn.Conv2d(1, 1, 3, padding=1, bias=False).double()
        with torch.no_grad():
            c.weight.copy_(kernel[None, None])
        return c.eval()

    G = Dihedral(4, action="image")
    est = sb.equivariance_error(conv(sym), G, X, rho="same", seed=0)
    assert est.value < 1e-13
    gen = torch.arange(9, dtype=torch.float64).reshape(3, 3) / 4
    net = conv(gen)
    est = sb.equivariance_error(net, G, X, rho="same", seed=0)

    def d4(x, j):
        y = np.flip(x, axis=-2) if j >= 4 else x
        return np.ascontiguousarray(np.rot90(y, j % 4, axes=(-2, -1)))

    with torch.no_grad():
        f = lambda x: net(torch.from_numpy(x)).numpy()
        ref = np.sqrt(np.mean([np.sum((f(d4(X, j)) - d4(f(X), j)) ** 2, axis=(1, 2, 3))
                               for j in range(8)]))
    assert est.value == pytest.approx(ref, rel=1e-12)
    # the Reynolds average of the generic convolution is equivariant
    Q = sb.symmetrize(net, G, rho="same")
    assert sb.equivariance_error(Q, G, X, rho="same", seed=0).value < 1e-13


def test_training_mode_warns_and_bad_input():
    net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Dropout(0.5), torch.nn.Linear(4, 1))
    net = net.double()
    X = np.random.default_rng(4).normal(size=(10, 2))
    with pytest.warns(UserWarning, match="training mode"):
        sb.equivariance_error(net, Cyclic(4), X, seed=0)
    net.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sb.equivariance_error(net, Cyclic(4), X, seed=0)
    with pytest.raises(InvalidTypeError, match="dtype"):
        TorchModel(net, dtype=np.float64)
    with pytest.raises(InvalidValueError, match="device"):
        TorchModel(net, device="no-such-device")
    with pytest.raises(InvalidTypeError, match="callable"):
        TorchModel(3)
    with pytest.raises(InvalidTypeError, match="tensor"):
        sb.equivariance_error(TorchModel(lambda t: t.numpy()[:, 0]), Cyclic(4), X)
    # a function of tensors passed unwrapped gets NumPy arrays: torch's error, with the fix
    with pytest.raises(InvalidTypeError, match="TorchModel"):
        sb.equivariance_error(lambda t: torch.nn.functional.relu(t), Cyclic(4), X)


def test_torch_batch_size_rule():
    assert torch_batch_size(3) == 65536
    assert torch_batch_size(784) == 2 ** 21 // 784 == 2674
    assert torch_batch_size(10 ** 6) == 2048
