#!/usr/bin/env python3
"""Compare `dwconv bench` with TensorFlow 2.21 and PyTorch 2.15 on the suite.

For every suite case and operation, and for 1 thread and all threads, this
times three implementations interleaved in one run:

* ours:  `dwconv bench --json --cases <case> --op <op> --threads <t>` (the
         library's public Tensor API; one process per measurement);
* TF:    `tf.raw_ops.DepthwiseConv2dNative{,BackpropInput,BackpropFilter}`
         with TF's default (oneDNN) configuration, in a long-lived worker
         process per thread count (TF's thread pools are fixed at its first
         op). Each case runs both eagerly and under
         `tf.function(jit_compile=False)`; the faster of the two is timed.
* torch: `F.conv2d(groups=C)`, `torch.nn.grad.conv2d_input` and
         `torch.nn.grad.conv2d_weight` under `torch.inference_mode()`, in a
         worker per thread count. Each NHWC case runs with contiguous (NCHW)
         and channels_last tensors and the faster of the two is timed; the
         NCHW case runs on NCHW memory only.

Every implementation is timed the same way: warm-up calls (at least 2 and
30 ms), then as many timed calls as fill about 0.2 s (at least 10); the
per-measurement figure is the median call. Each measurement is repeated in
`--rounds` rounds whose order rotates (ours/TF/torch, TF/torch/ours, ...);
each round runs the whole suite, so one case's rounds are minutes apart and
a slow spell of the host lands in one of them; the reported figure is the
median over the rounds.

Writes `BENCHMARKS.md` and `speedup.svg` next to this file (or to
`--out-dir`). See README.md in this folder.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import select
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
OPS = ["backprop-input", "forward", "backprop-filter"]
PEERS = ["tf", "torch"]
IMPLS = ["ours", "tf", "torch"]

# The timing policy, shared with `dwconv bench` (BenchRunner in
# Sources/dwconv/BenchSuite.swift).
TARGET_SECONDS = 0.2
MIN_REPS = 10
MAX_REPS = 1_000_000
WARMUP_CALLS = 2
WARMUP_SECONDS = 0.03
# Mode selection (eager vs tf.function, NCHW vs channels_last): a short
# timing of each mode after its warm-up.
PROBE_SECONDS = 0.05
PROBE_MIN_REPS = 5
# Pause between measurements, so a previous implementation's spinning
# worker threads (OpenMP, Eigen) have gone to sleep.
GAP_SECONDS = 0.05
# A peer measurement that takes longer than this is abandoned (n/a).
REQUEST_TIMEOUT = 300


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------

def padding_amounts(size: int, kernel: int, stride: int, padding: str) -> tuple[int, int, int]:
    """TF's output size and (before, after) padding for one spatial axis."""
    if padding == "VALID":
        out = (size - kernel + stride) // stride
        return out, 0, 0
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2, total - total // 2


def time_calls(fn, reps: int | None = None) -> dict:
    """Warm-up, then timed calls; returns median and min in ms."""
    warm = []
    while len(warm) < WARMUP_CALLS or sum(warm) < WARMUP_SECONDS:
        start = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - start)
    if reps is None:
        per_call = statistics.median(warm)
        reps = MAX_REPS if per_call <= 0 else int(min(max(math.ceil(TARGET_SECONDS / per_call), MIN_REPS), MAX_REPS))
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return {"median_ms": statistics.median(samples) * 1e3, "min_ms": min(samples) * 1e3, "reps": reps}


def probe(fn) -> float:
    """A short timing (median seconds) used only to choose a mode."""
    warm = []
    while len(warm) < WARMUP_CALLS or sum(warm) < WARMUP_SECONDS / 2:
        start = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - start)
    per_call = statistics.median(warm)
    reps = max(PROBE_MIN_REPS, min(1000, math.ceil(PROBE_SECONDS / max(per_call, 1e-9))))
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def short_error(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    # TF errors carry a long "Stack trace" / node description; keep the head.
    for marker in (" [Op:", " Stack trace", "\tStack trace"):
        if marker in text:
            text = text.split(marker)[0]
    text = f"{type(exc).__name__}: {text}"
    return text if len(text) <= 240 else text[:237] + "..."


# --------------------------------------------------------------------------
# Peer workers (run as `compare.py --worker tf|torch --threads N`)
# --------------------------------------------------------------------------

class PeerBase:
    """Builds a case's operands once per (case, op) and times one op."""

    modes: list[str] = []

    def __init__(self, threads: int):
        self.threads = threads
        self.key = None
        self.calls = None  # mode -> callable
        self.chosen: dict[tuple, str] = {}

    def run(self, case: dict, op: str) -> dict:
        key = (case["name"], op)
        if key != self.key:
            self.key, self.calls = None, None
            self.calls = self.build(case, op)
            self.key = key
        if key not in self.chosen:
            best, best_time, errors = None, math.inf, []
            for mode, fn in self.calls.items():
                try:
                    t = probe(fn)
                except Exception as exc:  # a mode that fails on this case
                    errors.append(f"{mode}: {short_error(exc)}")
                    continue
                if t < best_time:
                    best, best_time = mode, t
            if best is None:
                raise RuntimeError("; ".join(errors))
            self.chosen[key] = best
        mode = self.chosen[key]
        result = time_calls(self.calls[mode])
        result["mode"] = mode
        return result

    @staticmethod
    def operand(shape, dtype, seed):
        import numpy as np

        rng = np.random.default_rng(seed)
        return rng.standard_normal(shape).astype(dtype)


class TFPeer(PeerBase):
    def __init__(self, threads: int):
        super().__init__(threads)
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        self.tf = tf

    def build(self, case: dict, op: str) -> dict:
        import numpy as np

        tf = self.tf
        dtype = np.float32 if case["dtype"] == "float32" else np.float64
        fmt = case["data_format"]
        s = case["stride"]
        strides = [1, s, s, 1] if fmt == "NHWC" else [1, 1, s, s]
        padding = case["padding"]
        x = tf.constant(self.operand(case["input_shape"], dtype, 1))
        w = tf.constant(self.operand(case["filter_shape"], dtype, 2))
        dy = tf.constant(self.operand(case["output_shape"], dtype, 3))
        raw = tf.raw_ops
        if op == "backprop-input":
            sizes = tf.constant(case["input_shape"], dtype=tf.int32)

            def eager():
                return raw.DepthwiseConv2dNativeBackpropInput(
                    input_sizes=sizes, filter=w, out_backprop=dy, strides=strides, padding=padding,
                    data_format=fmt)
        elif op == "forward":
            def eager():
                return raw.DepthwiseConv2dNative(
                    input=x, filter=w, strides=strides, padding=padding, data_format=fmt)
        else:
            sizes = tf.constant(case["filter_shape"], dtype=tf.int32)

            def eager():
                return raw.DepthwiseConv2dNativeBackpropFilter(
                    input=x, filter_sizes=sizes, out_backprop=dy, strides=strides, padding=padding,
                    data_format=fmt)
        return {"eager": eager, "function": tf.function(eager, jit_compile=False)}


class TorchPeer(PeerBase):
    def __init__(self, threads: int):
        super().__init__(threads)
        import torch

        torch.set_num_threads(threads)
        self.torch = torch

    def build(self, case: dict, op: str) -> dict:
        import numpy as np

        torch = self.torch
        dtype = np.float32 if case["dtype"] == "float32" else np.float64
        c, m, k, s = case["channels"], case["multiplier"], case["kernel"], case["stride"]
        # Operands in TF's layouts, then as torch's logical NCHW.
        x = self.operand(case["input_shape"], dtype, 1)
        w = self.operand(case["filter_shape"], dtype, 2)
        dy = self.operand(case["output_shape"], dtype, 3)
        if case["data_format"] == "NHWC":
            x = x.transpose(0, 3, 1, 2)
            dy = dy.transpose(0, 3, 1, 2)
        # [KH, KW, C, M] -> [C, M, KH, KW] -> [C*M, 1, KH, KW]
        w = np.ascontiguousarray(w.transpose(2, 3, 0, 1).reshape(c * m, 1, k, k))
        x_t = torch.from_numpy(np.ascontiguousarray(x))
        dy_t = torch.from_numpy(np.ascontiguousarray(dy))
        w_t = torch.from_numpy(w)
        # TF's SAME padding may be uneven (one more after); torch's padding
        # is even, so use ceil(total / 2) on both sides: the same output
        # shape and the same work (border values differ; only time matters).
        pad = []
        spatial = (1, 2) if case["data_format"] == "NHWC" else (2, 3)
        for size, axis in zip((case["height"], case["width"]), spatial):
            _, before, after = padding_amounts(size, k, s, case["padding"])
            pad.append(max(before, after))
            if (size + 2 * pad[-1] - k) // s + 1 != case["output_shape"][axis]:
                raise RuntimeError(f"no even torch padding gives TF's output size {case['output_shape'][axis]}")
        pad = tuple(pad)
        # NHWC cases may use either memory format (whichever is faster);
        # the NCHW case keeps its data in NCHW memory, as its callers have it.
        formats = [("nchw", torch.contiguous_format)]
        if case["data_format"] == "NHWC":
            formats.append(("channels_last", torch.channels_last))
        calls = {}
        for mode, memory_format in formats:
            xm = x_t.contiguous(memory_format=memory_format)
            dym = dy_t.contiguous(memory_format=memory_format)
            wm = w_t.contiguous(memory_format=memory_format)
            calls[mode] = self.make_call(op, xm, wm, dym, s, pad, c)
        return calls

    def make_call(self, op, x, w, dy, stride, pad, groups):
        torch = self.torch
        F = torch.nn.functional
        grad = torch.nn.grad
        if op == "backprop-input":
            size = x.shape

            def call():
                with torch.inference_mode():
                    return grad.conv2d_input(size, w, dy, stride=stride, padding=pad, groups=groups)
        elif op == "forward":
            def call():
                with torch.inference_mode():
                    return F.conv2d(x, w, stride=stride, padding=pad, groups=groups)
        else:
            size = w.shape

            def call():
                with torch.inference_mode():
                    return grad.conv2d_weight(x, size, dy, stride=stride, padding=pad, groups=groups)
        return call


def worker_main(kind: str, threads: int) -> int:
    # The protocol uses the original stdout; anything a library prints goes
    # to stderr instead.
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)

    def reply(obj):
        protocol.write(json.dumps(obj) + "\n")
        protocol.flush()

    try:
        peer = TFPeer(threads) if kind == "tf" else TorchPeer(threads)
        version = peer.tf.__version__ if kind == "tf" else peer.torch.__version__
        reply({"ready": True, "version": version})
    except Exception as exc:
        reply({"ready": False, "error": short_error(exc)})
        return 1
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply({"ok": True, **peer.run(request["case"], request["op"])})
        except Exception as exc:
            reply({"ok": False, "error": short_error(exc)})
    return 0


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

class Worker:
    """A peer worker subprocess speaking JSON lines."""

    def __init__(self, kind: str, threads: int, log_dir: Path):
        self.kind, self.threads, self.log_dir = kind, threads, log_dir
        self.proc = None
        self.version = None
        self.error = None
        self.buffer = b""
        self.start()

    def start(self):
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env["OMP_NUM_THREADS"] = str(self.threads)
        env["MKL_NUM_THREADS"] = str(self.threads)
        log = open(self.log_dir / f"worker-{self.kind}-{self.threads}.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", self.kind, "--threads", str(self.threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env)
        self.buffer = b""
        hello = self.read(timeout=300)
        if hello is None or not hello.get("ready"):
            self.error = (hello or {}).get("error", "worker did not start")
            self.stop()
        else:
            self.version = hello["version"]

    def read(self, timeout: float):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def measure(self, case: dict, op: str) -> dict:
        if self.proc is None:
            return {"ok": False, "error": f"{self.kind} unavailable: {self.error}"}
        try:
            self.proc.stdin.write((json.dumps({"case": case, "op": op}) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        answer = self.read(timeout=REQUEST_TIMEOUT)
        if answer is None:
            code = self.proc.poll()
            reason = f"worker exited with status {code}" if code is not None else "timed out"
            self.stop()
            self.start()  # fresh worker for the next measurement
            return {"ok": False, "error": reason}
        return answer

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    self.proc.stdin.close()
                    self.proc.wait(timeout=10)
                except Exception:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None


def run_ours(dwconv: str, case: str, op: str, threads: int) -> dict:
    proc = subprocess.run(
        [dwconv, "bench", "--json", "--cases", case, "--op", op, "--threads", str(threads)],
        capture_output=True, text=True, timeout=REQUEST_TIMEOUT)
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
        return {"ok": False, "error": (lines or [f"exit status {proc.returncode}"])[-1]}
    report = json.loads(proc.stdout)
    record = report["results"][0]
    return {
        "ok": True, "median_ms": record["median_ms"], "min_ms": record["min_ms"], "reps": record["repetitions"],
        "bandwidth_gbps": report["bandwidth_gbps"], "isa": report["isa"], "peak_rss_bytes": report["peak_rss_bytes"],
    }


def build_dwconv(scratch: str | None) -> str:
    base = ["swift", "build", "-c", "release"] + (["--scratch-path", scratch] if scratch else [])
    cmd = base + ["--product", "dwconv"]
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=PACKAGE, check=True)
    bin_dir = subprocess.run(base + ["--show-bin-path"], cwd=PACKAGE, check=True,
                             capture_output=True, text=True).stdout.strip()
    return str(Path(bin_dir) / "dwconv")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception:
        return "unknown"


def fmt_ms(ms: float) -> str:
    if ms >= 100:
        return f"{ms:.1f}"
    if ms >= 10:
        return f"{ms:.2f}"
    return f"{ms:.3f}"


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


MODE_TAGS = {"eager": "e", "function": "f", "nchw": "n", "channels_last": "cl"}


def summarize(results, cases, ops, thread_counts, bandwidth_gbps):
    """rows[(op, threads)] = list of per-case dicts."""
    rows = {}
    for op in ops:
        for t in thread_counts:
            out = []
            for case in cases:
                cell = {"case": case["name"]}
                for impl in IMPLS:
                    runs = results.get((case["name"], op, t, impl), [])
                    ok = [r for r in runs if r.get("ok")]
                    if ok and len(ok) == len(runs):
                        cell[impl] = statistics.median(r["median_ms"] for r in ok)
                        modes = sorted({r.get("mode") for r in ok if r.get("mode")})
                        cell[impl + "_mode"] = "/".join(MODE_TAGS.get(m, m) for m in modes)
                    else:
                        errors = [r["error"] for r in runs if not r.get("ok")]
                        cell[impl] = None
                        cell[impl + "_error"] = errors[0] if errors else "not run"
                peers = [cell[p] for p in PEERS if cell.get(p)]
                cell["best_peer"] = min(peers) if peers else None
                cell["speedup"] = cell["best_peer"] / cell["ours"] if peers and cell.get("ours") else None
                if cell.get("ours") and bandwidth_gbps:
                    bound_ms = case["bytes"] / (bandwidth_gbps * 1e9) * 1e3
                    cell["percent_of_bound"] = bound_ms / cell["ours"] * 100
                else:
                    cell["percent_of_bound"] = None
                out.append(cell)
            rows[(op, t)] = out
    return rows


def write_markdown(path: Path, rows, meta, ops, thread_counts):
    lines = []
    add = lines.append
    add("# Depthwise convolution benchmarks")
    add("")
    add(f"Generated by `Benchmarks/compare.py` on {meta['date']} "
        f"({meta['rounds']} interleaved rounds, {meta['elapsed_min']:.1f} min). "
        "Times are milliseconds per call, the median over the rounds of each run's median call; "
        "lower is better. **speedup** = best peer / ours (> 1: we are faster).")
    add("")
    add("## Machine and versions")
    add("")
    add(f"- dwconv built from commit `{meta.get('commit', 'unknown')}`")
    add(f"- CPU: {meta['cpu']} ({meta['cores']} logical cores); dwconv kernels: `{meta['isa']}` "
        "(`InstructionSet.selected`)")
    add(f"- Copy bandwidth: {meta['bandwidth_gbps']:.1f} GB/s (scale-copy `b[i] = a[i] * 1.5` of 2 x 64 MB on "
        f"{meta['cores']} threads, read + write; median over the {meta['bandwidth_runs']} `dwconv bench` runs)")
    add(f"- {meta['swift']}; Python {meta['python']}; TensorFlow {meta['versions'].get('tf', 'n/a')}; "
        f"PyTorch {meta['versions'].get('torch', 'n/a')}; NumPy {meta['numpy']}")
    add(f"- dwconv peak RSS (largest over its runs, timed cases only): {meta['peak_rss_mib']:.1f} MiB")
    add("")
    add("## Summary: geometric-mean speedup vs the best peer")
    add("")
    add("| op | " + " | ".join(f"{t} thread{'s' if t > 1 else ''}" for t in thread_counts) + " |")
    add("|---|" + "---:|" * len(thread_counts))
    for op in ops:
        cells = []
        for t in thread_counts:
            g = geomean([r["speedup"] for r in rows[(op, t)]])
            cells.append(f"{g:.2f}x" if g else "n/a")
        add(f"| {op} | " + " | ".join(cells) + " |")
    add("")
    add("## How it was measured")
    add("")
    add("- **ours**: `dwconv bench --json --cases <case> --op <op> --threads <t>`, timing the library's public "
        "`Tensor` API (operands built once; result allocated by each call).")
    add("- **TF**: `tf.raw_ops.DepthwiseConv2dNative*` on prebuilt `tf.constant`s, TF's default oneDNN "
        "configuration; threads via `tf.config.threading.set_{intra,inter}_op_parallelism_threads` in a separate "
        "process per thread count. Each case is run eagerly (`e`) and under `tf.function(jit_compile=False)` "
        "(`f`); the faster was timed.")
    add("- **torch**: `torch.nn.grad.conv2d_input`, `F.conv2d(groups=C)`, `torch.nn.grad.conv2d_weight` "
        "(weight `[C*M, 1, KH, KW]`) under `torch.inference_mode()`, `torch.set_num_threads(t)`. Each case is run "
        "with contiguous NCHW (`n`) and channels_last (`cl`) tensors; the faster was timed (the NCHW case: NCHW "
        "memory only, as its callers hold it). Where TF's SAME "
        "padding is uneven, torch pads ceil(total/2) on both sides (same output shape and work).")
    add("- All three: warm-up (>= 2 calls and 30 ms), then calls for ~0.2 s (>= 10); median call. The order of "
        "the three rotates each round, and each round runs the whole suite (a case's rounds are minutes apart); "
        "50 ms pause between measurements.")
    add("- **% of bound**: (bytes of the two operands + result) / copy bandwidth, divided by our median. The "
        "bandwidth is DRAM's; cases whose tensors fit in the 32 MB L3 (all but the largest) can beat it, so "
        "values over 100 % mean cache-resident, not an error.")
    add("")
    notes = []
    for op in ops:
        add(f"## {op}")
        add("")
        for t in thread_counts:
            add(f"### {t} thread{'s' if t > 1 else ''}")
            add("")
            add("| case | ours ms | TF ms | torch ms | speedup (best peer / ours) | % of memory bound |")
            add("|---|---:|---:|---:|---:|---:|")
            for cell in rows[(op, t)]:
                parts = []
                for impl in IMPLS:
                    if cell.get(impl) is not None:
                        tag = cell.get(impl + "_mode")
                        parts.append(fmt_ms(cell[impl]) + (f" {tag}" if tag else ""))
                    else:
                        reason = cell.get(impl + "_error", "n/a")
                        if reason not in notes:
                            notes.append(reason)
                        parts.append(f"n/a [{notes.index(reason) + 1}]")
                sp = f"**{cell['speedup']:.2f}x**" if cell["speedup"] else "n/a"
                pb = f"{cell['percent_of_bound']:.0f} %" if cell["percent_of_bound"] is not None else "n/a"
                add(f"| {cell['case']} | " + " | ".join(parts) + f" | {sp} | {pb} |")
            g = geomean([r["speedup"] for r in rows[(op, t)]])
            add("")
            add(f"Geometric-mean speedup vs best peer: **{g:.2f}x**" if g else "Geometric-mean speedup: n/a")
            add("")
    if notes:
        add("## n/a reasons")
        add("")
        for i, note in enumerate(notes, 1):
            add(f"{i}. {note.replace('|', '/')}")
        add("")
    add("![speedup vs best peer, all threads](speedup.svg)")
    add("")
    path.write_text("\n".join(lines))


def write_svg(path: Path, rows, cases, ops, threads: int):
    colors = {"backprop-input": "#1f77b4", "forward": "#2ca02c", "backprop-filter": "#ff7f0e"}
    values = [c["speedup"] for op in ops for c in rows[(op, threads)] if c["speedup"]]
    lo = min([0.5] + values) / 1.2
    hi = max([2.0] + values) * 1.2
    lo_log, hi_log = math.log10(lo), math.log10(hi)
    label_w, plot_w, right = 220, 560, 60
    bar_h, gap = 9, 10
    group_h = bar_h * len(ops) + gap
    top = 70
    height = top + group_h * len(cases) + 50
    width = label_w + plot_w + right

    def x_of(v):
        return label_w + (math.log10(v) - lo_log) / (hi_log - lo_log) * plot_w

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">'
           f'Speedup vs best of TF 2.21 / PyTorch 2.15, {threads} threads (log scale; &gt; 1 = dwconv faster)</text>']
    # Legend
    lx = label_w
    for op in ops:
        out.append(f'<rect x="{lx}" y="34" width="12" height="12" fill="{colors[op]}"/>')
        out.append(f'<text x="{lx + 16}" y="44">{op}</text>')
        lx += 130
    # Grid
    tick = [2.0 ** e for e in range(-8, 9)]
    for t in tick:
        if lo <= t <= hi:
            x = x_of(t)
            out.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{height - 40}" '
                       f'stroke="{"#000" if t == 1 else "#ddd"}" stroke-width="{1.5 if t == 1 else 1}"/>')
            out.append(f'<text x="{x:.1f}" y="{height - 26}" text-anchor="middle">{t:g}x</text>')
    x1 = x_of(1)
    for i, case in enumerate(cases):
        y0 = top + i * group_h
        out.append(f'<text x="{label_w - 8}" y="{y0 + bar_h * len(ops) / 2 + 4:.1f}" text-anchor="end">'
                   f'{case["name"]}</text>')
        for j, op in enumerate(ops):
            cell = next(c for c in rows[(op, threads)] if c["case"] == case["name"])
            y = y0 + j * bar_h
            if not cell["speedup"]:
                out.append(f'<text x="{x1 + 4:.1f}" y="{y + bar_h - 1}" font-size="9" fill="#888">n/a</text>')
                continue
            xv = x_of(cell["speedup"])
            xa, xb = min(x1, xv), max(x1, xv)
            out.append(f'<rect x="{xa:.1f}" y="{y}" width="{max(xb - xa, 0.5):.1f}" height="{bar_h - 1}" '
                       f'fill="{colors[op]}"><title>{case["name"]} {op}: {cell["speedup"]:.2f}x</title></rect>')
            tx, anchor = (xb + 3, "start") if cell["speedup"] >= 1 else (xa - 3, "end")
            out.append(f'<text x="{tx:.1f}" y="{y + bar_h - 1}" font-size="9" text-anchor="{anchor}">'
                       f'{cell["speedup"]:.2f}</text>')
    out.append(f'<text x="{label_w + plot_w / 2}" y="{height - 8}" text-anchor="middle">'
               'best peer ms / dwconv ms</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dwconv", help="the dwconv executable (default: build it with swift build -c release)")
    parser.add_argument("--scratch-path", help="swift build --scratch-path, when building")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cases", help="comma-separated case names (default: the whole suite)")
    parser.add_argument("--ops", default=",".join(OPS), help="comma-separated operations (default: all three)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="the all-threads column's thread count (default: os.cpu_count())")
    parser.add_argument("--out-dir", default=str(HERE), help="where to write BENCHMARKS.md and speedup.svg")
    parser.add_argument("--raw-json", help="also write every measurement to this JSON file")
    parser.add_argument("--from-raw", metavar="FILE",
                        help="only rewrite the reports from a --raw-json file of an earlier run")
    parser.add_argument("--worker", choices=PEERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker_main(args.worker, args.threads)
    if args.from_raw:
        return render_from_raw(args.from_raw, Path(args.out_dir))

    started = time.monotonic()
    dwconv = args.dwconv or build_dwconv(args.scratch_path)
    list_cmd = [dwconv, "bench", "--list", "--json"] + (["--cases", args.cases] if args.cases else [])
    cases = json.loads(subprocess.run(list_cmd, check=True, capture_output=True, text=True).stdout)
    ops = [op.strip() for op in args.ops.split(",")]
    for op in ops:
        if op not in OPS:
            parser.error(f"unknown op {op!r}; expected {', '.join(OPS)}")
    thread_counts = sorted({1, max(1, args.threads)})

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    log_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"dwconv-compare-{os.getpid()}"
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"peer worker logs: {log_dir}", file=sys.stderr)
    workers = {(kind, t): Worker(kind, t, log_dir) for kind in PEERS for t in thread_counts}
    versions = {}
    for (kind, _), w in workers.items():
        if w.version:
            versions[kind] = w.version
        else:
            print(f"warning: {kind} worker unavailable: {w.error}", file=sys.stderr)

    results: dict[tuple, list] = {}
    total = len(cases) * len(ops) * args.rounds
    step = 0
    try:
        # Rounds outermost: a slow spell of a shared host (a minute or so)
        # then touches one round of a case, not all of them.
        for r in range(args.rounds):
            for case in cases:
                for op in ops:
                    step += 1
                    order = IMPLS[r % 3:] + IMPLS[:r % 3]
                    eta = ""
                    if step > 1:
                        per = (time.monotonic() - started) / (step - 1)
                        eta = f", ~{per * (total - step + 1) / 60:.1f} min left"
                    print(f"[{step}/{total}] {op} {case['name']} round {r + 1}{eta}", file=sys.stderr, flush=True)
                    for t in thread_counts:
                        for impl in order:
                            if impl == "ours":
                                try:
                                    res = run_ours(dwconv, case["name"], op, t)
                                except Exception as exc:
                                    res = {"ok": False, "error": short_error(exc)}
                            else:
                                res = workers[(impl, t)].measure(case, op)
                            results.setdefault((case["name"], op, t, impl), []).append(res)
                            time.sleep(GAP_SECONDS)
    finally:
        for w in workers.values():
            w.stop()

    ours_runs = [r for (_, _, _, impl), runs in results.items() if impl == "ours" for r in runs if r.get("ok")]
    bandwidths = [r["bandwidth_gbps"] for r in ours_runs]
    bandwidth = statistics.median(bandwidths) if bandwidths else None
    import numpy

    meta = {
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "rounds": args.rounds,
        "elapsed_min": (time.monotonic() - started) / 60,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "isa": ours_runs[0]["isa"] if ours_runs else "unknown",
        "bandwidth_gbps": bandwidth or 0.0,
        "bandwidth_runs": len(bandwidths),
        "peak_rss_mib": max((r["peak_rss_bytes"] for r in ours_runs), default=0) / 2**20,
        "swift": tool_version(["swift", "--version"]),
        "commit": tool_version(["git", "-C", str(PACKAGE), "describe", "--always", "--dirty"]),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "versions": versions,
    }
    meta["ops"] = ops
    meta["thread_counts"] = thread_counts
    if args.raw_json:
        Path(args.raw_json).write_text(json.dumps(
            {"meta": meta, "cases": cases,
             "results": [{"case": k[0], "op": k[1], "threads": k[2], "impl": k[3], "runs": v}
                         for k, v in results.items()]}, indent=1))
    write_reports(out_dir, results, cases, meta)
    print(f"wrote {out_dir / 'BENCHMARKS.md'} and {out_dir / 'speedup.svg'} "
          f"in {(time.monotonic() - started) / 60:.1f} min", file=sys.stderr)
    return 0


def write_reports(out_dir: Path, results: dict, cases: list, meta: dict):
    ops, thread_counts = meta["ops"], meta["thread_counts"]
    rows = summarize(results, cases, ops, thread_counts, meta["bandwidth_gbps"])
    write_markdown(out_dir / "BENCHMARKS.md", rows, meta, ops, thread_counts)
    write_svg(out_dir / "speedup.svg", rows, cases, ops, max(thread_counts))


def render_from_raw(raw_path: str, out_dir: Path) -> int:
    """Rewrites the reports from a `--raw-json` file, without measuring."""
    raw = json.loads(Path(raw_path).read_text())
    results = {(r["case"], r["op"], r["threads"], r["impl"]): r["runs"] for r in raw["results"]}
    out_dir.mkdir(parents=True, exist_ok=True)
    write_reports(out_dir, results, raw["cases"], raw["meta"])
    print(f"wrote {out_dir / 'BENCHMARKS.md'} and {out_dir / 'speedup.svg'} from {raw_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
