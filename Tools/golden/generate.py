#!/usr/bin/env python3
"""Generate the golden fixtures for the depthwise convolution ops.

For every configuration this script draws deterministic data (x, w, dy) and
computes the three ops of TensorFlow 2.21 from that same data:

    forward          y  = DepthwiseConv2dNative(x, w)
    backprop_input   dx = d(sum(y * dy)) / dx
    backprop_filter  dw = d(sum(y * dy)) / dw

TensorFlow runs in worker subprocesses (its oneDNN switch is read once per
process): one with TF_ENABLE_ONEDNN_OPTS=0 (Eigen kernels), one with
TF_ENABLE_ONEDNN_OPTS=1 (oneDNN kernels where oneDNN has them: float32 and
bfloat16), and one PyTorch (float64) worker.  A worker that aborts is
restarted after the task that killed it.  Every expected output is then
checked against an independent float64 NumPy reference (direct sums over
the definition) before anything is written.

Output: Tests/DepthwiseConvTests/Fixtures/golden/manifest.json and
golden/<config name>/{input,filter,out_backprop,forward,backprop_input,
backprop_filter}.npy.  See README.md in this folder.

Usage: python generate.py [--out DIR] [--keep-tmp]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

sys.dont_write_bytecode = True

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_OUT = REPO / "Tests" / "DepthwiseConvTests" / "Fixtures" / "golden"

TF_VERSION = "2.21.0"
TORCH_VERSION = "2.15.0"
OPS = ("forward", "backprop_input", "backprop_filter")
STORAGE = {"float32": "<f4", "float64": "<f8", "float16": "<f2", "bfloat16": "<f4"}
# Explicit mantissa bits, for ulp computations.
MANT_BITS = {"float32": 23, "float64": 52, "float16": 10, "bfloat16": 7}


# --------------------------------------------------------------------------
# Configurations
# --------------------------------------------------------------------------

def cfg(name, dtype="float32", fmt="NHWC", n=1, h=5, w=5, c=3, kh=3, kw=3, m=1,
        s=(1, 1), d=(1, 1), padding="SAME", pads=(0, 0, 0, 0), note=""):
    """One configuration, spatial parameters given as (rows, cols).

    pads is (top, bottom, left, right) and only used for EXPLICIT."""
    return dict(name=name, dtype=dtype, fmt=fmt, N=n, H=h, W=w, C=c, KH=kh,
                KW=kw, M=m, s=tuple(s), d=tuple(d), padding=padding,
                pads=tuple(pads) if padding == "EXPLICIT" else (0, 0, 0, 0),
                note=note)


CONFIGS = [
    # ---------------- float32, NHWC, undilated, equal strides ------------
    cfg("nhwc_same_s1_k3_m1_f32"),
    cfg("nhwc_valid_s1_k3_m2_f32", n=2, h=6, w=7, c=5, m=2, padding="VALID"),
    cfg("nhwc_same_s2_k3_m1_f32", h=7, w=8, c=7, s=(2, 2)),
    cfg("nhwc_valid_s2_k5_m3_f32", h=11, w=9, c=3, kh=5, kw=5, m=3, s=(2, 2),
        padding="VALID"),
    cfg("nhwc_same_s3_k3_m2_f32", h=10, w=8, c=13, m=2, s=(3, 3)),
    cfg("nhwc_valid_s3_k3_m1_f32", n=2, h=10, w=11, c=5, s=(3, 3), padding="VALID"),
    cfg("nhwc_same_s4_k5_m1_f32", h=13, w=11, c=17, kh=5, kw=5, s=(4, 4)),
    cfg("nhwc_valid_s4_k2x5_m2_f32", h=9, w=13, c=3, kh=2, kw=5, m=2, s=(4, 4),
        padding="VALID"),
    cfg("nhwc_same_s1_k1_m4_f32", h=4, w=5, c=7, kh=1, kw=1, m=4),
    cfg("nhwc_valid_s2_k1_m1_f32", h=7, w=6, c=5, kh=1, kw=1, s=(2, 2),
        padding="VALID"),
    cfg("nhwc_same_s1_k3x1_m2_f32", h=6, w=5, c=5, kh=3, kw=1, m=2),
    cfg("nhwc_valid_s1_k7x2_m1_f32", h=9, w=6, c=7, kh=7, kw=2, padding="VALID"),
    cfg("nhwc_same_s1_k2x5_m3_f32", h=5, w=7, c=3, kh=2, kw=5, m=3,
        note="even kernel height: SAME padding is asymmetric (more after)"),
    cfg("nhwc_same_s1_k5_m1_c33_f32", h=6, w=6, c=33, kh=5, kw=5),
    cfg("nhwc_same_s2_k3_m2_n3_c17_f32", n=3, h=7, w=6, c=17, m=2, s=(2, 2)),
    cfg("nhwc_valid_s1_k3_m1_n4_c7_f32", n=4, h=5, w=6, c=7, padding="VALID"),
    cfg("nhwc_same_s2_k3_m1_in1x1_f32", h=1, w=1, c=5, s=(2, 2),
        note="1x1 input, SAME"),
    # ---------------- EXPLICIT --------------------------------------------
    cfg("nhwc_explicit_s1_k3_m1_asym_f32", h=5, w=6, c=3, padding="EXPLICIT",
        pads=(1, 2, 0, 3), note="explicit_paddings [0,0,1,2,0,3,0,0]"),
    cfg("nhwc_explicit_s2_k3x2_m2_f32", h=7, w=7, c=5, kh=3, kw=2, m=2,
        s=(2, 2), padding="EXPLICIT", pads=(2, 0, 1, 1)),
    cfg("nhwc_explicit_s2_k3_m1_bigpad_f32", h=4, w=5, c=3, s=(2, 2),
        padding="EXPLICIT", pads=(4, 1, 0, 5),
        note="paddings larger than the kernel: some outputs see only padding"),
    cfg("nhwc_explicit_s3_k5_m4_f32", h=8, w=9, c=7, kh=5, kw=5, m=4, s=(3, 3),
        padding="EXPLICIT", pads=(0, 2, 3, 0)),
    # ---------------- unequal strides (Eigen rejects them; oneDNN) -------
    cfg("nhwc_same_s1x2_k3_m1_f32", h=6, w=7, c=5, s=(1, 2)),
    cfg("nhwc_valid_s3x2_k3_m2_f32", h=10, w=9, c=3, m=2, s=(3, 2),
        padding="VALID"),
    cfg("nhwc_explicit_s2x3_k3x2_m1_f32", h=7, w=10, c=7, kh=3, kw=2,
        s=(2, 3), padding="EXPLICIT", pads=(1, 0, 2, 1)),
    # ---------------- dilations -------------------------------------------
    cfg("nhwc_same_s1_d2_k3_m1_f32", h=7, w=7, c=5, d=(2, 2)),
    cfg("nhwc_valid_s1_d2x3_k3_m2_f32", h=9, w=10, c=3, m=2, d=(2, 3),
        padding="VALID", note="dilations [1,2,3,1]"),
    cfg("nhwc_explicit_s1_d2_k3_m1_f32", h=6, w=6, c=5, d=(2, 2),
        padding="EXPLICIT", pads=(1, 2, 0, 3),
        note="TF source: input zero-padded with tf.pad, then VALID"),
    cfg("nhwc_same_s1_d3x2_k2x3_m2_f32", h=6, w=8, c=3, kh=2, kw=3, m=2,
        d=(3, 2)),
    cfg("nhwc_same_s2_d2_k3_m1_f32", h=9, w=8, c=5, s=(2, 2), d=(2, 2),
        note="dilation with stride > 1: TF cannot compute it, PyTorch float64"),
    cfg("nhwc_valid_s2x1_d2x3_k3_m2_f32", h=11, w=10, c=3, m=2, s=(2, 1),
        d=(2, 3), padding="VALID",
        note="dilation with stride > 1: PyTorch float64"),
    cfg("nhwc_explicit_s3_d2_k3_m1_f32", h=10, w=9, c=7, s=(3, 3), d=(2, 2),
        padding="EXPLICIT", pads=(0, 2, 1, 0),
        note="dilation with stride > 1: PyTorch float64"),
    # ---------------- empty outputs / degenerate sizes -------------------
    cfg("nhwc_valid_s3_k7_m1_in2_out0_f32", h=2, w=2, c=3, kh=7, kw=7,
        s=(3, 3), padding="VALID",
        note="filter larger than input: (2-7+3)/3 truncates to 0, output is empty"),
    cfg("nhwc_valid_s1_k5_m2_out0_f32", h=4, w=6, c=3, kh=5, kw=5, m=2,
        padding="VALID", note="output rows = 0"),
    cfg("nhwc_same_s1_k3_m2_n0_f32", n=0, h=5, w=4, c=3, m=2, note="batch N = 0"),
    cfg("nhwc_same_s1_k3_m0_f32", h=5, w=5, c=3, m=0,
        note="depth multiplier M = 0: output depth is 0"),
    # ---------------- NCHW -----------------------------------------------
    cfg("nchw_same_s1_k3_m1_f32", fmt="NCHW", h=5, w=6, c=5),
    cfg("nchw_valid_s2_k3_m2_f32", fmt="NCHW", n=2, h=7, w=8, c=3, m=2,
        s=(2, 2), padding="VALID"),
    cfg("nchw_explicit_s1_k3_m1_asym_f32", fmt="NCHW", h=5, w=6, c=3,
        padding="EXPLICIT", pads=(1, 2, 0, 3),
        note="explicit_paddings [0,0,0,0,1,2,0,3] (NCHW order)"),
    cfg("nchw_same_s1x2_k2x5_m3_f32", fmt="NCHW", h=6, w=9, c=7, kh=2, kw=5,
        m=3, s=(1, 2), note="unequal strides [1,1,1,2]"),
    cfg("nchw_same_s1_d2_k3_m1_f32", fmt="NCHW", h=7, w=6, c=13, d=(2, 2)),
    cfg("nchw_valid_s2_d2_k3_m2_f32", fmt="NCHW", h=9, w=9, c=3, m=2,
        s=(2, 2), d=(2, 2), padding="VALID",
        note="dilation with stride > 1: PyTorch float64"),
    cfg("nchw_same_s1_k3_m2_n0_f32", fmt="NCHW", n=0, h=4, w=4, c=3, m=2,
        note="batch N = 0"),
    cfg("nchw_valid_s1_k3_m1_out0_f32", fmt="NCHW", h=2, w=5, c=5,
        padding="VALID", note="output rows = 0"),
    # ---------------- float64 --------------------------------------------
    cfg("nhwc_same_s1_k3_m2_f64", dtype="float64", h=6, w=5, c=5, m=2),
    cfg("nhwc_valid_s2_k5_m1_c17_f64", dtype="float64", h=9, w=10, c=17,
        kh=5, kw=5, s=(2, 2), padding="VALID"),
    cfg("nhwc_explicit_s1_k3x2_m3_f64", dtype="float64", h=5, w=6, c=3,
        kh=3, kw=2, m=3, padding="EXPLICIT", pads=(0, 1, 2, 0)),
    cfg("nchw_same_s2_k3_m3_f64", dtype="float64", fmt="NCHW", n=2, h=7,
        w=6, c=5, m=3, s=(2, 2)),
    cfg("nhwc_same_s1_d2_k3_m1_f64", dtype="float64", h=7, w=8, c=3,
        d=(2, 2)),
    cfg("nhwc_same_s2_d2_k3_m2_f64", dtype="float64", h=9, w=9, c=3, m=2,
        s=(2, 2), d=(2, 2), note="dilation with stride > 1: PyTorch float64"),
    cfg("nhwc_same_s1_k3_m0_f64", dtype="float64", h=4, w=4, c=5, m=0,
        note="depth multiplier M = 0"),
    # ---------------- float16 --------------------------------------------
    cfg("nhwc_same_s1_k3_m1_f16", dtype="float16", h=5, w=5, c=5),
    cfg("nhwc_valid_s2_k3_m2_c13_f16", dtype="float16", h=9, w=8, c=13,
        m=2, s=(2, 2), padding="VALID"),
    cfg("nhwc_explicit_s1_k2x5_m1_f16", dtype="float16", h=6, w=7, c=3,
        kh=2, kw=5, padding="EXPLICIT", pads=(1, 0, 3, 2)),
    cfg("nchw_same_s1_k3_m2_f16", dtype="float16", fmt="NCHW", h=6, w=5,
        c=3, m=2),
    cfg("nhwc_same_s1_k5_m1_n2_c7_f16", dtype="float16", n=2, h=12, w=12,
        c=7, kh=5, kw=5, note="long sums: backprop_filter adds 288 terms"),
    cfg("nhwc_same_s1_d2_k3_m1_f16", dtype="float16", h=7, w=7, c=3,
        d=(2, 2)),
    cfg("nhwc_same_s2_d2_k3_m1_f16", dtype="float16", h=8, w=9, c=3,
        s=(2, 2), d=(2, 2), note="dilation with stride > 1: PyTorch float64, rounded"),
    # ---------------- bfloat16 -------------------------------------------
    cfg("nhwc_same_s1_k3_m1_bf16", dtype="bfloat16", h=5, w=5, c=5),
    cfg("nhwc_valid_s2_k5_m2_bf16", dtype="bfloat16", h=9, w=9, c=3, kh=5,
        kw=5, m=2, s=(2, 2), padding="VALID"),
    cfg("nhwc_explicit_s1_k3_m1_asym_bf16", dtype="bfloat16", h=5, w=6, c=7,
        padding="EXPLICIT", pads=(1, 2, 0, 3)),
    cfg("nchw_same_s1_k3_m2_bf16", dtype="bfloat16", fmt="NCHW", h=6, w=6,
        c=3, m=2),
    cfg("nhwc_same_s1x2_k3_m1_bf16", dtype="bfloat16", h=6, w=8, c=5,
        s=(1, 2)),
    cfg("nhwc_same_s1_k5_m1_n2_c7_bf16", dtype="bfloat16", n=2, h=12, w=12,
        c=7, kh=5, kw=5, note="long sums: backprop_filter adds 288 terms"),
    cfg("nhwc_same_s1_d2_k3_m1_bf16", dtype="bfloat16", h=7, w=7, c=3,
        d=(2, 2)),
]


# --------------------------------------------------------------------------
# Geometry (TF 2.21 semantics)
# --------------------------------------------------------------------------

def trunc_div(a, b):
    """C++ integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def out_dim(inp, k, s, d, padding, before=0, after=0):
    """Return (out, pad_before) for one spatial dimension."""
    eff = (k - 1) * d + 1
    if padding == "SAME":
        out = -(-inp // s)
        total = max((out - 1) * s + eff - inp, 0)
        return out, total // 2
    if padding == "VALID":
        return trunc_div(inp - eff + s, s), 0
    return trunc_div(inp + before + after - eff + s, s), before


def geometry(c):
    oh, pt = out_dim(c["H"], c["KH"], c["s"][0], c["d"][0], c["padding"],
                     c["pads"][0], c["pads"][1])
    ow, pl = out_dim(c["W"], c["KW"], c["s"][1], c["d"][1], c["padding"],
                     c["pads"][2], c["pads"][3])
    assert oh >= 0 and ow >= 0, c["name"]
    return oh, ow, pt, pl


def to_fmt(shape_nhwc, fmt):
    n, h, w, c = shape_nhwc
    return [n, h, w, c] if fmt == "NHWC" else [n, c, h, w]


def nhwc_to(a, fmt):
    return a if fmt == "NHWC" else np.ascontiguousarray(a.transpose(0, 3, 1, 2))


def to_nhwc(a, fmt):
    return a if fmt == "NHWC" else np.ascontiguousarray(a.transpose(0, 2, 3, 1))


# --------------------------------------------------------------------------
# Rounding helpers
# --------------------------------------------------------------------------

def _bf16():
    import ml_dtypes
    return ml_dtypes.bfloat16


def round_f64_to_bf16(a):
    """Correctly rounded (nearest, ties to even) float64 -> bfloat16, as float32."""
    a = np.asarray(a, dtype=np.float64)
    c = a.astype(np.float32).astype(_bf16()).astype(np.float32)  # may double-round
    bits = c.view(np.uint32).astype(np.int64) >> 16
    best = c.astype(np.float64)
    for delta in (-1, 1):
        nb = ((bits + delta) & 0xFFFF).astype(np.uint32) << 16
        cand = nb.view(np.float32).astype(np.float64)
        ok = np.isfinite(cand)
        dc = np.abs(cand - a)
        db = np.abs(best - a)
        better = ok & ((dc < db) | ((dc == db) & (((bits + delta) & 1) == 0)))
        best = np.where(better, cand, best)
    return best.astype(np.float32)


def round_to_dtype(a, dtype):
    """float64 array -> storage array holding values of `dtype`."""
    a = np.asarray(a, dtype=np.float64)
    if dtype == "bfloat16":
        return round_f64_to_bf16(a)
    return a.astype(STORAGE[dtype])


def draw(rng, shape, dtype):
    if dtype in ("float32", "float64"):
        v = rng.standard_normal(shape)
    else:
        v = rng.uniform(-2.0, 2.0, shape)
    return round_to_dtype(v, dtype)


# --------------------------------------------------------------------------
# Independent float64 reference
# --------------------------------------------------------------------------

def reference(x, w, dy, s, d, pt, pl, oh_n, ow_n):
    """Direct sums over the definition, all NHWC, float64.

    Returns {op: (value, sum_of_abs_terms, number_of_terms)}."""
    x = x.astype(np.float64)
    w = w.astype(np.float64)
    dy = dy.astype(np.float64)
    N, H, W, C = x.shape
    KH, KW, _, M = w.shape
    dy5 = dy.reshape(N, oh_n, ow_n, C, M)
    y = np.zeros((N, oh_n, ow_n, C, M))
    ya = np.zeros_like(y)
    yn = np.zeros((oh_n, ow_n), dtype=np.int64)
    dx = np.zeros((N, H, W, C))
    dxa = np.zeros_like(dx)
    dxn = np.zeros((H, W), dtype=np.int64)
    dw = np.zeros((KH, KW, C, M))
    dwa = np.zeros_like(dw)
    dwn = np.zeros((KH, KW), dtype=np.int64)
    oh = np.arange(oh_n)
    ow = np.arange(ow_n)
    for kh in range(KH):
        ih = oh * s[0] - pt + kh * d[0]
        vh = (ih >= 0) & (ih < H)
        ohs, ihs = oh[vh], ih[vh]
        for kw in range(KW):
            iw = ow * s[1] - pl + kw * d[1]
            vw = (iw >= 0) & (iw < W)
            ows, iws = ow[vw], iw[vw]
            if len(ohs) == 0 or len(ows) == 0:
                continue
            # Within one filter tap the maps out -> in are injective, so
            # plain fancy-index += does not lose repeated indices.
            oi = (slice(None), ohs[:, None], ows[None, :])
            ii = (slice(None), ihs[:, None], iws[None, :])
            xs = x[ii]                      # N,h',w',C
            g = dy5[oi]                     # N,h',w',C,M
            t = xs[..., None] * w[kh, kw]   # N,h',w',C,M
            y[oi] += t
            ya[oi] += np.abs(t)
            yn[ohs[:, None], ows[None, :]] += 1
            u = g * w[kh, kw]
            dx[ii] += u.sum(-1)
            dxa[ii] += np.abs(u).sum(-1)
            dxn[ihs[:, None], iws[None, :]] += M
            v = xs[..., None] * g
            dw[kh, kw] += v.sum((0, 1, 2))
            dwa[kh, kw] += np.abs(v).sum((0, 1, 2))
            dwn[kh, kw] += N * len(ohs) * len(ows)
    return {
        "forward": (y.reshape(N, oh_n, ow_n, C * M),
                    ya.reshape(N, oh_n, ow_n, C * M),
                    np.broadcast_to(yn[None, :, :, None], (N, oh_n, ow_n, C * M))),
        "backprop_input": (dx, dxa, np.broadcast_to(dxn[None, :, :, None], dx.shape)),
        "backprop_filter": (dw, dwa, np.broadcast_to(dwn[:, :, None, None], dw.shape)),
    }


def short_tf_message(msg):
    """Drop the '{{function_node ...}} ' prefix and ' [Op:...] name: ' suffix."""
    import re
    msg = re.sub(r"^\w+Error: ", "", msg.strip())
    msg = re.sub(r"^\{\{function_node [^}]*\}\}\s*", "", msg)
    msg = re.sub(r"\s*\[Op:[^\]]*\]( name:.*)?$", "", msg, flags=re.S)
    return msg.strip()


def tolerance(dtype, sumabs, nterms):
    if dtype == "float64":
        return 1e-10 * sumabs
    if dtype == "float32":
        return 1e-5 * sumabs
    # 16-bit: a few ulps of the sum of |terms|, times the number of terms.
    ulp = 2.0 ** (np.floor(np.log2(np.maximum(sumabs, 1e-300))) - MANT_BITS[dtype])
    return 4.0 * ulp * np.maximum(nterms, 1)


def compare(dtype, got, ref, sumabs, nterms):
    """Return (ok, stats) of got (NHWC-like, float) vs the reference."""
    got = np.asarray(got, dtype=np.float64)
    if got.shape != ref.shape:
        return False, {"error": f"shape {got.shape} != reference {ref.shape}"}
    if got.size == 0:
        return True, {"max_abs_err": 0.0, "max_err_over_tol": 0.0, "max_err_ulps_of_result": 0.0}
    if not np.all(np.isfinite(got)):
        return False, {"error": "non-finite values"}
    err = np.abs(got - ref)
    tol = tolerance(dtype, sumabs, nterms)
    ratio = np.where(tol > 0, err / np.where(tol > 0, tol, 1), np.where(err > 0, np.inf, 0))
    # error in ulps of the exact result (in the op's dtype)
    mag = np.maximum(np.abs(ref), 2.0 ** -126)
    ulp_res = 2.0 ** (np.floor(np.log2(mag)) - MANT_BITS[dtype])
    stats = {"max_abs_err": float(err.max()),
             "max_err_over_tol": float(ratio.max()),
             "max_err_ulps_of_result": float((err / ulp_res).max())}
    return bool(np.all(err <= tol)), stats


# --------------------------------------------------------------------------
# Workers (run in subprocesses)
# --------------------------------------------------------------------------

def worker_main(kind, jobfile):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    job = json.loads(Path(jobfile).read_text())
    tmp = Path(job["tmp"])
    tasks = job["tasks"]
    if kind == "torch":
        import torch
        torch.set_num_threads(1)
        torch.use_deterministic_algorithms(True)
        run = lambda t: torch_task(torch, tmp, t)  # noqa: E731
    else:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        run = lambda t: tf_task(tf, tmp, t)  # noqa: E731
    import ctypes
    libc = ctypes.CDLL(None)
    for t in tasks:
        key = t["key"]
        (tmp / "started").write_text(key)
        # Capture fd 1 per task: with ONEDNN_VERBOSE=1 oneDNN prints one
        # line per executed primitive, which tells whether oneDNN really ran.
        sys.stdout.flush()
        libc.fflush(None)
        saved = os.dup(1)
        logfd = os.open(tmp / "res" / f"{key}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(logfd, 1)
        try:
            outs = run(t)
            for op, arr in outs.items():
                np.save(tmp / "res" / f"{key}.{op}.npy", arr)
            (tmp / "res" / f"{key}.done").write_text("ok")
        except Exception as e:  # recorded, not fatal
            msg = f"{type(e).__name__}: {e}"
            (tmp / "res" / f"{key}.err").write_text(msg)
        finally:
            sys.stdout.flush()
            libc.fflush(None)
            os.dup2(saved, 1)
            os.close(saved)
            os.close(logfd)
        (tmp / "started").write_text("")


def load_inputs(tmp, t):
    d = tmp / "data" / t["config"]
    return (np.load(d / f"x_{t['layout']}.npy"), np.load(d / "w.npy"),
            np.load(d / f"dy_{t['layout']}.npy"))


def tf_task(tf, tmp, t):
    c = t["cfg"]
    dtype = {"float32": tf.float32, "float64": tf.float64,
             "float16": tf.float16, "bfloat16": tf.bfloat16}[c["dtype"]]
    x, w, dy = load_inputs(tmp, t)
    layout = t["layout"]
    X = tf.cast(tf.constant(x), dtype)
    Wt = tf.cast(tf.constant(w), dtype)
    DY = tf.cast(tf.constant(dy), dtype)
    sh, sw = c["s"]
    dh, dw = c["d"]
    pt, pb, pl, pr = c["pads"]
    out = lambda v: np.asarray(tf.cast(v, tf.float32) if c["dtype"] == "bfloat16" else v)  # noqa: E731
    if t["method"] == "raw":
        if layout == "NHWC":
            strides, dil = [1, sh, sw, 1], [1, dh, dw, 1]
            ep = [0, 0, pt, pb, pl, pr, 0, 0]
            isz = [c["N"], c["H"], c["W"], c["C"]]
        else:
            strides, dil = [1, 1, sh, sw], [1, 1, dh, dw]
            ep = [0, 0, 0, 0, pt, pb, pl, pr]
            isz = [c["N"], c["C"], c["H"], c["W"]]
        kw_ = dict(strides=strides, padding=c["padding"], data_format=layout,
                   dilations=dil,
                   explicit_paddings=ep if c["padding"] == "EXPLICIT" else [])
        op = t["op"]
        if op == "forward":
            r = tf.raw_ops.DepthwiseConv2dNative(input=X, filter=Wt, **kw_)
        elif op == "backprop_input":
            r = tf.raw_ops.DepthwiseConv2dNativeBackpropInput(
                input_sizes=tf.constant(isz, tf.int32), filter=Wt,
                out_backprop=DY, **kw_)
        else:
            r = tf.raw_ops.DepthwiseConv2dNativeBackpropFilter(
                input=X, filter_sizes=tf.constant(list(w.shape), tf.int32),
                out_backprop=DY, **kw_)
        return {op: out(r)}
    # method == "tape": tf.nn.depthwise_conv2d (dilations via space-to-batch)
    assert layout == "NHWC"
    with tf.GradientTape() as tape:
        tape.watch([X, Wt])
        if c["padding"] == "EXPLICIT":
            xin = tf.pad(X, [[0, 0], [pt, pb], [pl, pr], [0, 0]])
            pad = "VALID"
        else:
            xin, pad = X, c["padding"]
        y = tf.nn.depthwise_conv2d(xin, Wt, strides=[1, sh, sw, 1], padding=pad,
                                   data_format="NHWC", dilations=[dh, dw])
    gx, gw = tape.gradient(y, [X, Wt], output_gradients=DY)
    return {"forward": out(y), "backprop_input": out(gx), "backprop_filter": out(gw)}


def torch_task(torch, tmp, t):
    """float64 PyTorch, NCHW, groups=C, autograd for the gradients."""
    import torch.nn.functional as F
    c = t["cfg"]
    x, w, dy = load_inputs(tmp, t)  # NHWC
    C, M = c["C"], c["M"]
    X = torch.tensor(x.astype(np.float64)).permute(0, 3, 1, 2).contiguous().requires_grad_(True)
    wt = w.astype(np.float64).transpose(2, 3, 0, 1).reshape(C * M, 1, c["KH"], c["KW"])
    Wt = torch.tensor(np.ascontiguousarray(wt)).requires_grad_(True)
    DY = torch.tensor(dy.astype(np.float64)).permute(0, 3, 1, 2).contiguous()
    pt, pl = t["pt"], t["pl"]
    # right/bottom pads: whatever the geometry needs (may be negative = crop)
    eh = (c["KH"] - 1) * c["d"][0] + 1
    ew = (c["KW"] - 1) * c["d"][1] + 1
    need_h = (t["oh"] - 1) * c["s"][0] + eh if t["oh"] > 0 else 0
    need_w = (t["ow"] - 1) * c["s"][1] + ew if t["ow"] > 0 else 0
    pb = need_h - c["H"] - pt
    pr = need_w - c["W"] - pl
    pb, pr = max(pb, 0), max(pr, 0)
    Xp = F.pad(X, (pl, pr, pt, pb))
    y = F.conv2d(Xp, Wt, stride=tuple(c["s"]), dilation=tuple(c["d"]), groups=C)
    y = y[:, :, :t["oh"], :t["ow"]]
    y.backward(DY)
    yo = y.detach().permute(0, 2, 3, 1).numpy()
    dx = X.grad.permute(0, 2, 3, 1).numpy()
    dw = Wt.grad.numpy().reshape(C, M, c["KH"], c["KW"]).transpose(2, 3, 0, 1)
    return {"forward": np.ascontiguousarray(yo), "backprop_input": np.ascontiguousarray(dx),
            "backprop_filter": np.ascontiguousarray(dw)}


# --------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------

WORKER_ENV = {
    "eigen": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "onednn": {"TF_ENABLE_ONEDNN_OPTS": "1", "ONEDNN_VERBOSE": "1"},
    "torch": {},
}


def run_worker(kind, tasks, tmp):
    """Run tasks in subprocesses; a crash loses only the task that crashed."""
    wdir = tmp / f"w_{kind}"
    (wdir / "res").mkdir(parents=True, exist_ok=True)
    for sub in ("data",):
        if not (wdir / sub).exists():
            (wdir / sub).symlink_to(tmp / sub)
    env = dict(os.environ)
    env.update(WORKER_ENV[kind])
    env.update({"OMP_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
                "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"})
    remaining = list(tasks)
    crashes = {}
    while remaining:
        jobfile = wdir / "job.json"
        jobfile.write_text(json.dumps({"tmp": str(wdir), "tasks": remaining}))
        (wdir / "started").write_text("")
        p = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker",
                            kind, str(jobfile)], env=env, cwd=str(tmp),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        started = (wdir / "started").read_text().strip()
        if p.returncode == 0:
            break
        if not started:
            raise RuntimeError(f"{kind} worker failed outside a task:\n{p.stdout[-3000:]}")
        tail = [ln for ln in p.stdout.splitlines() if ln.strip()][-3:]
        crashes[started] = f"process died (rc={p.returncode}): " + " | ".join(tail)[-400:]
        idx = [t["key"] for t in remaining].index(started)
        remaining = remaining[idx + 1:]
    results = {}
    for t in tasks:
        key = t["key"]
        if key in crashes:
            results[key] = {"error": crashes[key]}
        elif (wdir / "res" / f"{key}.err").exists():
            results[key] = {"error": (wdir / "res" / f"{key}.err").read_text()}
        else:
            results[key] = {op: np.load(wdir / "res" / f"{key}.{op}.npy")
                            for op in OPS if (wdir / "res" / f"{key}.{op}.npy").exists()}
            log = wdir / "res" / f"{key}.log"
            results[key]["onednn_used"] = (
                log.exists() and ",exec,cpu,convolution," in log.read_text(errors="replace"))
    return results


def main(argv):
    out_dir = DEFAULT_OUT
    keep_tmp = False
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--out":
            out_dir = Path(args.pop(0)).resolve()
        elif a == "--keep-tmp":
            keep_tmp = True
        else:
            raise SystemExit(f"unknown argument {a}")

    names = [c["name"] for c in CONFIGS]
    assert len(set(names)) == len(names), "duplicate config names"
    tmp = Path(tempfile.mkdtemp(prefix="dwconv_golden_"))
    print(f"work dir: {tmp}")
    (tmp / "data").mkdir()

    # 1. data + geometry + task lists
    data = {}
    tasks = {"eigen": [], "onednn": [], "torch": []}
    for c in CONFIGS:
        name, dt, fmt = c["name"], c["dtype"], c["fmt"]
        oh, ow, pt, pl = geometry(c)
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        x = draw(rng, (c["N"], c["H"], c["W"], c["C"]), dt)
        w = draw(rng, (c["KH"], c["KW"], c["C"], c["M"]), dt)
        dy = draw(rng, (c["N"], oh, ow, c["C"] * c["M"]), dt)
        data[name] = dict(x=x, w=w, dy=dy, oh=oh, ow=ow, pt=pt, pl=pl)
        dd = tmp / "data" / name
        dd.mkdir()
        np.save(dd / "x_NHWC.npy", x)
        np.save(dd / "x_NCHW.npy", nhwc_to(x, "NCHW"))
        np.save(dd / "w.npy", w)
        np.save(dd / "dy_NHWC.npy", dy)
        np.save(dd / "dy_NCHW.npy", nhwc_to(dy, "NCHW"))
        jc = {k: c[k] for k in ("dtype", "N", "H", "W", "C", "KH", "KW", "M",
                                "s", "d", "padding", "pads")}
        dilated = c["d"] != (1, 1)
        base = dict(config=name, cfg=jc, oh=oh, ow=ow, pt=pt, pl=pl)
        if not dilated:
            for kind in ("eigen", "onednn"):
                layouts = ["NHWC"] + (["NCHW"] if fmt == "NCHW" else [])
                for lay in layouts:
                    for op in OPS:
                        tasks[kind].append(dict(base, key=f"{name}.raw.{lay}.{op}",
                                                method="raw", layout=lay, op=op))
        elif c["s"] == (1, 1):
            for kind in ("eigen", "onednn"):
                tasks[kind].append(dict(base, key=f"{name}.tape.NHWC", method="tape",
                                        layout="NHWC"))
        tasks["torch"].append(dict(base, key=f"{name}.torch", method="torch",
                                   layout="NHWC"))

    # 2. run the workers
    res = {}
    for kind in ("eigen", "onednn", "torch"):
        print(f"running {kind} worker on {len(tasks[kind])} tasks ...", flush=True)
        r = run_worker(kind, tasks[kind], tmp)
        for k, v in r.items():
            res[(kind, k)] = v

    def get(kind, key, op):
        v = res.get((kind, key))
        if v is None:
            return None, "not run", False
        if "error" in v:
            return None, v["error"], False
        if op not in v:
            return None, "missing", False
        return v[op], None, bool(v.get("onednn_used"))

    # 3. choose, verify, write
    failures = []
    warnings = []
    manifest_configs = []
    outputs = {}
    source_counts = {}
    for c in CONFIGS:
        name, dt, fmt = c["name"], c["dtype"], c["fmt"]
        D = data[name]
        oh, ow, pt, pl = D["oh"], D["ow"], D["pt"], D["pl"]
        ref = reference(D["x"], D["w"], D["dy"], c["s"], c["d"], pt, pl, oh, ow)
        dilated = c["d"] != (1, 1)
        equal_strides = c["s"][0] == c["s"][1]
        dy_empty = D["dy"].size == 0
        notes = [c["note"]] if c["note"] else []
        sources = {}
        chosen = {}
        for op in OPS:
            candidates = []  # (source label, worker kind, task key)
            sfx = "_nhwc_transposed" if fmt == "NCHW" else ""
            if not dilated:
                if equal_strides:  # the Eigen kernels reject unequal strides
                    candidates.append(("tf_raw_op_eigen" + sfx, "eigen", f"{name}.raw.NHWC.{op}"))
                candidates.append(("tf_raw_op_onednn" + sfx, "onednn", f"{name}.raw.NHWC.{op}"))
                if fmt == "NCHW":
                    candidates.append(("tf_raw_op_onednn_nchw", "onednn", f"{name}.raw.NCHW.{op}"))
            elif c["s"] == (1, 1):
                tsfx = "_explicit_prepad" if c["padding"] == "EXPLICIT" else ""
                candidates.append(("tf_nn_depthwise_conv2d_gradient_tape_eigen" + tsfx + sfx,
                                   "eigen", f"{name}.tape.NHWC"))
                candidates.append(("tf_nn_depthwise_conv2d_gradient_tape_onednn" + tsfx + sfx,
                                   "onednn", f"{name}.tape.NHWC"))
            candidates.append(("torch_f64_autograd" + ("" if dt == "float64" else "_rounded"),
                               "torch", f"{name}.torch"))
            rv, ra, rn = ref[op]
            evals = []
            for label, kind, key in candidates:
                v, err, used = get(kind, key, op)
                if kind == "onednn" and not used:
                    # TF_ENABLE_ONEDNN_OPTS=1 but no oneDNN convolution ran:
                    # float64/float16 and the backprops with EXPLICIT padding
                    # fall back to the Eigen kernels; empty outputs run none.
                    label = label.replace("onednn", "onednn_on_no_onednn_primitive")
                if v is None:
                    evals.append((label, None, err, None))
                    continue
                with np.errstate(invalid="ignore"):  # garbage may hold signaling NaNs
                    v = np.asarray(v, dtype=np.float64)
                if (kind != "torch" and key.split(".")[2:3] == ["NCHW"]
                        and op != "backprop_filter"):
                    v = to_nhwc(v, fmt)
                if kind == "torch":
                    v = round_to_dtype(v, dt).astype(np.float64)
                ok, st = compare(dt, v, rv, ra, rn)
                evals.append((label, v, ok, st))
            # bfloat16: prefer TF's default (oneDNN) path, which accumulates
            # in float32; Eigen accumulates in bfloat16.  Otherwise: order above.
            if dt == "bfloat16":
                evals.sort(key=lambda e: 0 if ("onednn" in e[0] and "no_onednn" not in e[0]) else 1)
            # which TF results are known to be garbage?
            override = None
            if rv.size > 0 and op == "backprop_filter" and dy_empty:
                override = ("out_backprop is empty: expected backprop_filter is all zeros "
                            "(TF's CPU kernel returns uninitialized memory)")
            if rv.size > 0 and op == "backprop_input" and c["M"] == 0:
                override = ("depth multiplier 0: expected backprop_input is all zeros "
                            "(TF's CPU kernel returns uninitialized memory)")
            if override:
                chosen[op] = round_to_dtype(rv, dt)
                sources[op] = "reference"
                notes.append(override)
                for label, v, ok, st in evals:
                    if v is not None:
                        print(f"  [{name}] {op}: {label} (ignored) matches reference zeros: {ok}")
                continue
            primary = next((e for e in evals if e[1] is not None), None)
            for label, v, ok, st in evals:
                if v is None:
                    print(f"  [{name}] {op}: {label} unavailable: {str(ok)[:160]}")
            if primary is None:
                failures.append(f"{name}/{op}: no source produced a value")
                continue
            label, v, ok, st = primary
            if not ok:
                failures.append(f"{name}/{op}: {label} disagrees with reference: {st}")
            for e2 in evals:
                l2, v2, ok2, st2 = e2
                if e2 is primary:
                    continue
                if v2 is None:
                    # A TF path that raised where another path computed the
                    # value is worth knowing (not the expected Eigen NCHW refusal).
                    msg = short_tf_message(str(ok2))
                    if l2.startswith("tf_") and "only supported for NHWC" not in msg:
                        notes.append(f"{op}: {l2} raises: {msg}")
                    continue
                if not ok2:
                    warnings.append(f"{name}/{op}: cross-check {l2} disagrees with reference: {st2}")
                    if l2.startswith("tf_"):
                        notes.append(f"{op}: {l2} gives a wrong result: "
                                     f"{st2.get('error', st2)} (shapes in NHWC order)")
                    continue
                same = np.array_equal(v2, v)
                maxd = float(np.abs(v2 - v).max()) if v.size else 0.0
                print(f"  [{name}] {op}: {label} vs {l2}: "
                      f"{'identical' if same else f'max diff {maxd:.3g}'}; "
                      f"{l2} vs ref {st2.get('max_err_over_tol', st2)}")
            print(f"  [{name}] {op}: using {label}; vs reference {st}")
            chosen[op] = round_to_dtype(v, dt)  # exact: already in dtype
            assert np.array_equal(chosen[op].astype(np.float64), v), (name, op)
            sources[op] = label
        for op in OPS:
            source_counts[sources.get(op, "?")] = source_counts.get(sources.get(op, "?"), 0) + 1

        s, d, pads = c["s"], c["d"], c["pads"]
        if fmt == "NHWC":
            strides, dil = [1, s[0], s[1], 1], [1, d[0], d[1], 1]
            ep = [0, 0, pads[0], pads[1], pads[2], pads[3], 0, 0]
        else:
            strides, dil = [1, 1, s[0], s[1]], [1, 1, d[0], d[1]]
            ep = [0, 0, 0, 0, pads[0], pads[1], pads[2], pads[3]]
        manifest_configs.append({
            "name": name, "dtype": dt, "data_format": fmt, "strides": strides,
            "padding": c["padding"],
            "explicit_paddings": ep if c["padding"] == "EXPLICIT" else [],
            "dilations": dil,
            "input_sizes": to_fmt((c["N"], c["H"], c["W"], c["C"]), fmt),
            "filter_sizes": [c["KH"], c["KW"], c["C"], c["M"]],
            "output_sizes": to_fmt((c["N"], oh, ow, c["C"] * c["M"]), fmt),
            "sources": {op: sources.get(op, "?") for op in OPS},
            "note": "; ".join(dict.fromkeys(notes)),
        })
        outputs[name] = {
            "input": nhwc_to(D["x"], fmt), "filter": D["w"],
            "out_backprop": nhwc_to(D["dy"], fmt),
            **{op: nhwc_to(chosen[op], fmt) if op != "backprop_filter" else chosen[op]
               for op in OPS if op in chosen},
        }

    print()
    for wmsg in warnings:
        print("WARNING:", wmsg)
    if failures:
        print("\nFAILURES (nothing written):")
        for f in failures:
            print("  ", f)
        if not keep_tmp:
            shutil.rmtree(tmp)
        return 1

    # 4. write
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for name, files in outputs.items():
        dt = next(c["dtype"] for c in CONFIGS if c["name"] == name)
        cd = out_dir / name
        cd.mkdir()
        for fname, arr in files.items():
            arr = np.ascontiguousarray(np.asarray(arr).astype(STORAGE[dt]))
            np.save(cd / f"{fname}.npy", arr)
    manifest = {"generator": "Tools/golden/generate.py", "tensorflow": TF_VERSION,
                "torch": TORCH_VERSION, "configs": manifest_configs}
    # one config per line: readable and diff-friendly
    head = json.dumps({k: v for k, v in manifest.items() if k != "configs"})[:-1]
    body = ",\n".join("  " + json.dumps(c) for c in manifest_configs)
    text = head + ',\n "configs": [\n' + body + "\n ]}\n"
    assert json.loads(text) == manifest
    (out_dir / "manifest.json").write_text(text)
    total = sum(f.stat().st_size for f in out_dir.rglob("*") if f.is_file())
    print(f"wrote {len(manifest_configs)} configs to {out_dir} ({total} bytes)")
    for k in sorted(source_counts):
        print(f"  source {k}: {source_counts[k]} outputs")
    if not keep_tmp:
        shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2], sys.argv[3])
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
