"""Every orbit kernel against a slow, obvious NumPy / pure-Python / mpmath reference."""

import math

import mpmath
import numpy as np
import pytest
from numba import njit

from symbound.groups import O, SO, Cyclic, Symmetric, Translations
from symbound.groups.lie import quaternion_to_matrix
from symbound.groups.partial import so3_partial_angles
from symbound.numeric import kernels as K
from symbound.numeric.group_samples import group_spec

from .models import njit_misbehaves

MASK = (1 << 64) - 1
G = 0x9E3779B97F4A7C15


def py_splitmix(z):
    z &= MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def py_uniform(key, i, k, j):
    base = py_splitmix(key + (i + 1) * G)
    z = py_splitmix(py_splitmix(base + (k + 1) * G) + (j + 1) * G)
    return (z >> 11) / 2.0**53


@njit(cache=True)
def njit_model_two(x):
    return np.array([x.sum(), (x * x).sum()])


def test_splitmix_and_counter_uniform_match_python():
    for z in [0, 1, 12345, MASK, 0xDEADBEEF]:
        assert int(K.splitmix64(np.uint64(z))) == py_splitmix(z)
    key = 987654321
    for i, k, j in [(0, 0, 0), (5, 3, 1), (100000, 63, 2)]:
        base = np.uint64(K.point_base(np.uint64(key), i))
        assert K.counter_uniform(base, k, j) == py_uniform(key, i, k, j)


def test_w_minus_sin_matches_mpmath():
    for w in [1e-8, 1e-4, 5e-3, 9.99e-3, 1e-2, 0.3, 2.0, math.pi]:
        ref = float(mpmath.mpf(w) - mpmath.sin(mpmath.mpf(w)))
        assert K.w_minus_sin(w) == pytest.approx(ref, rel=1e-13)


@pytest.mark.parametrize("theta", [1e-3, 0.3, 1.5, math.pi])
def test_so3_ball_angle_matches_reference_inverse_cdf(theta):
    u = np.linspace(0.0, 1.0, 41)
    ref = so3_partial_angles(u, theta)
    got = np.array([K.so3_ball_angle(t, theta) for t in u])
    assert np.allclose(got, ref, atol=1e-12 * max(theta, 1.0), rtol=1e-9)


def _fill(spec, base, k, Kk):
    n = int(spec.iparams[0])
    out = np.empty(spec.esize)
    u = np.empty(K.element_dim(spec.ecode, n))
    K.fill_element(spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table, base, k, Kk,
                   spec.alpha, u, np.empty(n * n), out)
    return out, u


def test_plane_rotation_and_so3_elements_match_numpy():
    base = np.uint64(K.point_base(np.uint64(42), 7))
    spec = group_spec(SO(2, dim=3, plane=(0, 2)), "iid")
    out, u = _fill(spec, base, 3, 10)
    a = 2 * np.pi * u[0]
    ref = np.eye(3)
    ref[0, 0], ref[0, 2], ref[2, 0], ref[2, 2] = np.cos(a), -np.sin(a), np.sin(a), np.cos(a)
    assert np.allclose(out.reshape(3, 3), ref, atol=1e-15)

    spec = group_spec(SO(3), "stratified")  # Shoemake's map of the lattice uniforms
    out, u = _fill(spec, base, 3, 10)
    q = np.array([np.sqrt(u[0]) * np.cos(2 * np.pi * u[2]), np.sqrt(1 - u[0]) * np.sin(2 * np.pi * u[1]),
                  np.sqrt(1 - u[0]) * np.cos(2 * np.pi * u[1]), np.sqrt(u[0]) * np.sin(2 * np.pi * u[2])])
    assert np.allclose(out.reshape(3, 3), quaternion_to_matrix(q[None])[0], atol=1e-14)


def test_so3_iid_is_marsaglia_of_the_counter_stream():
    key, i, k = 77, 4, 9
    spec = group_spec(SO(3), "iid")
    out, _ = _fill(spec, np.uint64(K.point_base(np.uint64(key), i)), k, 16)
    base = py_splitmix(key + (i + 1) * G)
    zk = py_splitmix(base + (k + 1) * G)
    uni = lambda j: (py_splitmix(zk + (j + 1) * G) >> 11) / 2.0**53
    j = 0
    while True:  # reference: Marsaglia (1972) by rejection, uniforms read in order
        x1, y1 = 2 * uni(j) - 1, 2 * uni(j + 1) - 1
        j += 2
        if x1 * x1 + y1 * y1 < 1:
            break
    while True:
        x2, y2 = 2 * uni(j) - 1, 2 * uni(j + 1) - 1
        j += 2
        if 0 < x2 * x2 + y2 * y2 < 1:
            break
    r = math.sqrt((1 - x1 * x1 - y1 * y1) / (x2 * x2 + y2 * y2))
    q = np.array([[x1, y1, x2 * r, y2 * r]])
    assert abs(np.linalg.norm(q) - 1) < 1e-14
    assert np.allclose(out.reshape(3, 3), quaternion_to_matrix(q)[0], atol=1e-14)


def test_sincos_turn_matches_numpy():
    """The polynomial sin/cos of 2 pi u against numpy's libm at random and special turns."""
    rng = np.random.default_rng(4)
    us = np.concatenate([rng.random(20000), np.arange(33) / 32, [np.nextafter(1.0, 0.0), 2.0**-60,
                                                                 0.125 - 2.0**-55, 0.875 + 2.0**-54]])
    us = us[us < 1.0]
    got = np.array([K.sincos_turn(u) for u in us])
    ang = 2 * np.pi * us  # rounded: up to 4.4e-16 off 2 pi u, which numpy's sin then inherits
    assert np.max(np.abs(got[:, 0] - np.sin(ang))) < 8e-16
    assert np.max(np.abs(got[:, 1] - np.cos(ang))) < 8e-16
    # against mpmath at 30 digits with the exact angle 2 pi u: a few ulp
    for u in np.concatenate([us[:300], us[-40:]]):
        with mpmath.workdps(30):
            t = 2 * mpmath.pi * mpmath.mpf(float(u))
            s_ref, c_ref = float(mpmath.sin(t)), float(mpmath.cos(t))
        s_, c_ = K.sincos_turn(u)
        assert abs(s_ - s_ref) < 3e-16 and abs(c_ - c_ref) < 3e-16


@pytest.mark.parametrize("method", ["iid", "stratified"])
def test_so3_fast_transform_path_equals_the_generic_elements(method):
    """The batched transform's SO(3) path (scalar writes, lattice shifts per point) gives the very
    numbers of fill_element + apply_element (which sample_elements and the fused path use)."""
    spec = group_spec(SO(3), method, 12)
    X = np.random.default_rng(5).normal(size=(6, 5 * 3))
    Kk, key = spec.K, np.uint64(31)
    E = np.empty((6 * Kk, 9))
    XT = np.empty((6 * Kk, 15))
    K.transform_block(*spec.kernel_args(), key, 10, Kk, X, E, XT)
    for ii in range(6):
        rows = np.empty((Kk, 9))
        K.sample_elements(spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table,
                          spec.alpha, key, 10 + ii, Kk, rows)
        assert np.array_equal(rows, E[ii * Kk:(ii + 1) * Kk])
        for k in range(Kk):
            out = np.empty(15)
            K.apply_element(K.ACTION_LINEAR, 3, 1, 1.0, _NO_TABLE, rows[k], X[ii], out)
            assert np.allclose(out, XT[ii * Kk + k], rtol=0, atol=1e-14)


def test_indexed_action_and_index_elements():
    """ACTION_INDEXED gathers each block by the map of the element's index; E_INDEX enumerates
    (exact) or draws (iid) indices."""
    rng = np.random.default_rng(6)
    maps = np.array([rng.permutation(6) for _ in range(3)])
    x = rng.normal(size=(4, 6))  # 4 blocks (channels) of 6 pixels
    out = np.empty(24)
    K.apply_element(K.ACTION_INDEXED, 6, 1, 1.0, maps.astype(float), np.array([2.0]), x.ravel(), out)
    assert np.array_equal(out.reshape(4, 6), x[:, maps[2]])
    ip = np.array([6, 0, 1, 0, 1], dtype=np.int64)
    fp = np.zeros(4)
    rows = np.empty((3, 1))
    K.sample_elements(K.E_INDEX, K.M_EXACT, ip, fp, maps.astype(float), np.zeros(1),
                      np.uint64(1), 0, 3, rows)
    assert np.array_equal(rows[:, 0], [0, 1, 2])
    rows = np.empty((3000, 1))
    K.sample_elements(K.E_INDEX, K.M_IID, ip, fp, maps.astype(float), np.zeros(1),
                      np.uint64(1), 0, 3000, rows)
    counts = np.bincount(rows[:, 0].astype(int), minlength=3)
    assert set(np.unique(rows[:, 0])) == {0.0, 1.0, 2.0}
    assert np.sum((counts - 1000.0) ** 2 / 1000.0) < 18.4  # chi2(2) at 1e-4


def test_qr_element_matches_numpy_qr_with_sign_fix():
    spec = group_spec(SO(4), "iid")
    base = np.uint64(K.point_base(np.uint64(3), 11))
    out, u = _fill(spec, base, 0, 1)
    # Box-Muller Gaussians from the same uniforms, then numpy's QR with Mezzadri's sign fix
    z = np.empty(16)
    for t in range(0, 16, 2):
        r = np.sqrt(-2 * np.log(1 - u[t]))
        z[t], z[t + 1] = r * np.cos(2 * np.pi * u[t + 1]), r * np.sin(2 * np.pi * u[t + 1])
    q, rr = np.linalg.qr(z.reshape(4, 4))
    q = q * np.sign(np.diag(rr))[None, :]
    if np.linalg.det(q) < 0:
        q[:, 0] *= -1
    assert np.allclose(out.reshape(4, 4), q, atol=1e-12)


def test_shuffle_is_a_permutation_and_translation_in_range():
    spec = group_spec(Symmetric(12), "iid")
    base = np.uint64(K.point_base(np.uint64(5), 0))
    for k in range(20):
        out, _ = _fill(spec, base, k, 20)
        assert sorted(out.astype(int).tolist()) == list(range(12))
    spec = group_spec(Translations(3, period=2.5), "iid")
    out, u = _fill(spec, base, 1, 2)
    assert np.allclose(out, 2.5 * u)


_NO_TABLE = np.zeros((1, 1))


def test_apply_element_matches_numpy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3))
    e = rng.normal(size=(3, 3))
    out = np.empty(15)
    K.apply_element(K.ACTION_LINEAR, 3, 1, 1.0, _NO_TABLE, e.ravel(), x.ravel(), out)
    assert np.allclose(out.reshape(5, 3), x @ e.T)
    t = rng.uniform(0, 2, size=3)
    xx = rng.uniform(-3, 3, size=(5, 3))
    K.apply_element(K.ACTION_TRANSLATION, 3, 1, 2.0, _NO_TABLE, t, xx.ravel(), out)
    assert np.allclose(out.reshape(5, 3), np.mod(xx + t, 2.0), atol=1e-12)
    perm = np.array([2, 0, 3, 1])
    xp = rng.normal(size=(2, 4, 3))
    out = np.empty(24)
    K.apply_element(K.ACTION_PERMUTATION, 4, 3, 1.0, _NO_TABLE, perm.astype(float), xp.ravel(), out)
    assert np.allclose(out.reshape(2, 4, 3), np.take(xp, perm, axis=1))


@pytest.mark.parametrize("group", [SO(3), Cyclic(6, dim=3), Symmetric(4), Translations(3)])
def test_transform_block_matches_reference_apply_and_is_chunking_invariant(group):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 4, 3))
    spec = group_spec(group, "iid", 5).with_m(3)
    Kk = spec.K
    key = np.uint64(99)
    Xf = X.reshape(7, 12)
    E = np.empty((7 * Kk, spec.esize))
    XT = np.empty((7 * Kk, 12))
    K.transform_block(spec.action, spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table,
                      spec.alpha, key, 0, Kk, Xf, E, XT)
    elems = spec.to_group_repr(E)
    for i in range(7):
        ref = group.apply(elems[i * Kk:(i + 1) * Kk], X[i])
        assert np.allclose(XT[i * Kk:(i + 1) * Kk].reshape(ref.shape), ref, atol=1e-12)
    # the same rows when the block is split differently (counter-based generator)
    E2 = np.empty_like(E)
    XT2 = np.empty_like(XT)
    for a, b in [(0, 3), (3, 4), (4, 7)]:
        K.transform_block(spec.action, spec.ecode, spec.method, spec.iparams, spec.fparams,
                          spec.table, spec.alpha, key, a, Kk, Xf[a:b], E2[a * Kk:b * Kk],
                          XT2[a * Kk:b * Kk])
    assert np.array_equal(E, E2) and np.array_equal(XT, XT2)


def test_orbit_errors_and_average_match_numpy():
    rng = np.random.default_rng(2)
    b, Kk, q = 5, 4, 3
    F0 = rng.normal(size=(b, q))
    FG = rng.normal(size=(b * Kk, q))
    R = rng.normal(size=(b * Kk, q, q))
    T = rng.normal(size=(b * Kk, q))
    for mode in (0, 1, 2):
        for p in (1.0, 2.0, 3.5):
            e2 = np.empty(b * Kk)
            m, mx, arg = np.empty(b), np.empty(b), np.empty(b, dtype=np.int64)
            K.orbit_errors(F0, FG, R, T, mode, p, e2, m, mx, arg)
            target = (np.repeat(F0, Kk, 0), np.einsum("rij,rj->ri", R, np.repeat(F0, Kk, 0)),
                      T)[mode]
            e = np.linalg.norm(FG - target, axis=1).reshape(b, Kk)
            assert np.allclose(e2, e.ravel() ** 2)
            assert np.allclose(m, (e ** p).mean(1))
            assert np.allclose(mx, e.max(1)) and np.array_equal(arg, e.argmax(1))
    Rinv = rng.normal(size=(Kk, q, q))
    out = np.empty((b, q))
    K.orbit_average(FG, Rinv, 1, out)
    ref = np.einsum("kij,bkj->bki", Rinv, FG.reshape(b, Kk, q)).mean(1)
    assert np.allclose(out, ref)
    K.orbit_average(FG, Rinv, 0, out)
    assert np.allclose(out, FG.reshape(b, Kk, q).mean(1))


def test_eval_rows_matches_loop():
    X = np.random.default_rng(3).normal(size=(9, 4, 3))
    out = np.empty((9, 2))
    status = np.full((9, 2), -7, dtype=np.int64)
    K.eval_rows(njit_model_two, X, out, status)
    assert np.allclose(out, np.array([[x.sum(), (x * x).sum()] for x in X]))
    assert np.array_equal(status, np.tile([K.MODEL_OK, 2], (9, 1)))


@pytest.mark.parametrize("serial", [False, True])
def test_eval_rows_reports_raising_and_wrong_size_rows(serial):
    """Failures on the last rows, which a parallel loop hands to a worker thread: an exception
    raised there used to be lost (the kernel returned garbage)."""
    n = 4001
    X = np.random.default_rng(4).normal(size=(n, 3))
    X[[3, n - 1], 0] = 1e6    # raises
    X[[5, n - 2], 1] = 1e6    # returns 3 values instead of 1
    out = np.zeros((n, 1))
    status = np.zeros((n, 2), dtype=np.int64)
    (K.eval_rows_serial if serial else K.eval_rows)(njit_misbehaves, X, out, status)
    assert np.flatnonzero(status[:, 0] == K.MODEL_RAISED).tolist() == [3, n - 1]
    bad = np.flatnonzero(status[:, 0] == K.MODEL_BAD_SIZE)
    assert bad.tolist() == [5, n - 2] and np.all(status[bad, 1] == 3)
    good = status[:, 0] == K.MODEL_OK
    assert good.sum() == n - 4 and np.array_equal(out[good, 0], X[good, 0])


def py_shift_uniform(base, j):
    z = py_splitmix(py_splitmix(base ^ 0xD1B54A32D192ED03) + (j + 1) * G)
    return (z >> 11) / 2.0**53


@pytest.mark.parametrize("Kk", [6, 7])
def test_o2_stratified_elements_follow_the_shared_grid(Kk):
    """Sample k of O(2) stratified: angle 2 pi frac((k // 2)/J + s), J = ceil(K/2), reflected when
    (k + b) is odd, with s = shift 0 and b = [shift 1 < 1/2] of the point's stream (reference in
    pure Python from the splitmix64 stream)."""
    spec = group_spec(O(2), "stratified", Kk)
    key, i = 31, 5
    base = py_splitmix(key + (i + 1) * G)
    s, b = py_shift_uniform(base, 0), int(py_shift_uniform(base, 1) < 0.5)
    J = (Kk + 1) // 2
    for k in range(Kk):
        out, _ = _fill(spec, np.uint64(base), k, Kk)
        a = 2 * math.pi * (((k // 2) / J + s) % 1.0)
        ref = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        if (k + b) % 2 == 1:
            ref = ref @ np.diag([1.0, -1.0])
        assert np.allclose(out.reshape(2, 2), ref, atol=1e-14), k


def test_stratified_uniforms_are_shifted_lattice():
    base = np.uint64(K.point_base(np.uint64(8), 2))
    u = np.empty(1)
    vals = []
    for k in range(10):
        K.fill_uniforms(base, k, 10, K.M_STRATIFIED, np.zeros(1), u)
        vals.append(u[0])
    vals = np.array(vals)
    assert np.all(np.floor(vals * 10) == np.arange(10))  # one point per stratum
    assert np.allclose(np.diff(vals), 0.1)


def test_bootstrap_moments_match_python_and_thread_count():
    """Resample r draws index floor(N u_j) from the counter stream of point_base(key, r); the kernel
    returns the resample means of a, a^2, b, b^2, a b."""
    import numba

    rng = np.random.default_rng(3)
    a, b = rng.normal(size=7), rng.random(7) + 0.5
    key, n_boot = 4242, 6
    out = np.empty((n_boot, 5))
    K.bootstrap_moments(a, b, True, np.uint64(key), out)
    for r in range(n_boot):
        base = py_splitmix(key + (r + 1) * G)
        idx = [min(int((py_splitmix(base + (j + 1) * G) >> 11) / 2.0**53 * 7), 6) for j in range(7)]
        ref = [a[idx].mean(), (a[idx] ** 2).mean(), b[idx].mean(), (b[idx] ** 2).mean(),
               (a[idx] * b[idx]).mean()]
        assert out[r] == pytest.approx(ref, rel=1e-13, abs=1e-15)
    many, one = np.empty((n_boot, 2)), np.empty((n_boot, 2))
    K.bootstrap_moments(a, a, False, np.uint64(key), many)
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        K.bootstrap_moments(a, a, False, np.uint64(key), one)
    finally:
        numba.set_num_threads(old)
    assert np.array_equal(one, many)
    assert np.allclose(one, out[:, :2], rtol=1e-13, atol=1e-15)


def test_bootstrap_tail_moments_match_python():
    """Resample r: v_j (j < n) of point_base(key, r) picks a tail draw when v_j < p, else
    body[floor(n_body (v_j - p) / (1 - p))]; the T tail draws are threshold + GPD excesses at
    w_k = v_{n + k} by the inverse CDF."""
    rng = np.random.default_rng(5)
    body = np.sort(rng.random(9))
    key, n_boot, n = 77, 5, 12
    for xi in (0.4, 0.0, -0.3):
        out = np.empty((n_boot, 2))
        K.bootstrap_tail_moments(body, n, 1.0, np.full(n_boot, xi), np.full(n_boot, 0.7), 0.25,
                                 np.full(n_boot, 0.3), np.uint64(key), out)
        for r in range(n_boot):
            base = py_splitmix(key + (r + 1) * G)
            u = [(py_splitmix(base + (j + 1) * G) >> 11) / 2.0**53 for j in range(2 * n)]
            vals = [body[min(int((v - 0.25) / 0.75 * 9), 8)] for v in u[:n] if v >= 0.25]
            for w in u[n:n + sum(v < 0.25 for v in u[:n])]:
                vals.append(1.0 + (0.7 * ((1 - w) ** -xi - 1) / xi if xi != 0 else -0.7 * math.log1p(-w)))
            d = np.array(vals) - 0.3
            assert out[r] == pytest.approx([d.sum() / n, (d * d).sum() / n], rel=1e-12, abs=1e-14)


def test_row_norms_of_subnormal_huge_and_mixed_rows():
    """The scaled norm against mpmath: rows whose largest entry is subnormal (fastmath's reciprocal
    of it overflowed to inf), huge, zero, or mixed."""
    F = np.array([[0.0, 6.6e-309], [3e-310, 4e-310], [3e300, 4e300], [0.0, 0.0], [1e-200, 1.0],
                  [5e-324, 0.0]])
    out = np.empty(F.shape[0])
    K.row_norms(F, out)
    for i, row in enumerate(F):
        ref = mpmath.sqrt(sum(mpmath.mpf(float(v)) ** 2 for v in row))
        assert out[i] == pytest.approx(float(ref), rel=1e-15, abs=0)
