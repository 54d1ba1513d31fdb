#!/usr/bin/env python3
"""Record TensorFlow 2.21's exact error messages for invalid depthwise calls.

Every case runs the raw ops (DepthwiseConv2dNative, ...BackpropInput,
...BackpropFilter) eagerly in a subprocess with TF_ENABLE_ONEDNN_OPTS=0
(the Eigen kernels, whose messages are the reference).  A second pass with
TF_ENABLE_ONEDNN_OPTS=1 (TF's default on x86) records what the oneDNN path
does with the same call, as extra fields.  A call that kills the process
(abort) is recorded as outcome "crash"; the runner restarts after it.

Output: Tests/DepthwiseConvTests/Fixtures/tf_errors.json, a list of
  {"op", "case", "description", <arguments>, "outcome", "error_type",
   "tf_message", "tf_raw", "onednn_outcome", "onednn_error_type",
   "onednn_message"}
where <arguments> are "input_sizes" (BackpropInput) or "input_shape"
(the others), "filter_shape" or "filter_sizes" (BackpropFilter),
"out_backprop_shape" (backprops), "strides", "padding",
"explicit_paddings", "data_format", "dilations".
"tf_message" is the message without the "{{function_node ...}}" prefix and
the " [Op:...] name:" suffix; "tf_raw" is str(exception) unchanged.

Usage: python errors.py [--out FILE]
"""

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_OUT = REPO / "Tests" / "DepthwiseConvTests" / "Fixtures" / "tf_errors.json"

FWD = "DepthwiseConv2dNative"
BIN = "DepthwiseConv2dNativeBackpropInput"
BFL = "DepthwiseConv2dNativeBackpropFilter"
ALL = (FWD, BIN, BFL)

BASE = dict(input=[1, 5, 5, 3], filter=[3, 3, 3, 2], out_backprop=[1, 5, 5, 6],
            strides=[1, 1, 1, 1], padding="SAME", explicit_paddings=[],
            data_format="NHWC", dilations=[1, 1, 1, 1])


def case(cid, desc, ops=ALL, **over):
    return dict(case=cid, description=desc, ops=ops, args=dict(BASE, **over))


CASES = [
    case("strides_count_3", "strides has 3 entries instead of 4", strides=[1, 1, 1]),
    case("strides_count_5", "strides has 5 entries instead of 4", strides=[1, 1, 1, 1, 1]),
    case("stride_batch", "stride in the batch dimension != 1", strides=[2, 1, 1, 1]),
    case("stride_depth", "stride in the depth dimension != 1", strides=[1, 1, 1, 2]),
    case("strides_unequal", "row stride != col stride (Eigen path)",
         strides=[1, 1, 2, 1], out_backprop=[1, 5, 3, 6]),
    case("stride_zero", "spatial strides 0", strides=[1, 0, 0, 1]),
    case("stride_negative", "spatial strides -1", strides=[1, -1, -1, 1]),
    case("explicit_paddings_count_6", "EXPLICIT with 6 explicit_paddings values",
         padding="EXPLICIT", explicit_paddings=[0, 0, 1, 1, 1, 1]),
    case("explicit_paddings_count_0", "EXPLICIT with empty explicit_paddings",
         padding="EXPLICIT", explicit_paddings=[]),
    case("explicit_paddings_negative", "EXPLICIT with a negative padding (top = -1)",
         padding="EXPLICIT", explicit_paddings=[0, 0, -1, 1, 1, 1, 0, 0],
         out_backprop=[1, 5, 5, 6]),
    case("explicit_paddings_batch", "EXPLICIT with nonzero padding in the batch dimension",
         padding="EXPLICIT", explicit_paddings=[1, 0, 1, 1, 1, 1, 0, 0]),
    case("explicit_paddings_depth", "EXPLICIT with nonzero padding in the depth dimension",
         padding="EXPLICIT", explicit_paddings=[0, 0, 1, 1, 1, 1, 0, 1]),
    case("explicit_paddings_with_same", "padding SAME but explicit_paddings non-empty",
         padding="SAME", explicit_paddings=[0, 0, 1, 1, 1, 1, 0, 0]),
    case("explicit_paddings_with_valid", "padding VALID but explicit_paddings non-empty",
         padding="VALID", explicit_paddings=[0, 0, 1, 1, 1, 1, 0, 0],
         out_backprop=[1, 3, 3, 6]),
    case("padding_invalid", "padding attribute not SAME/VALID/EXPLICIT", padding="FULL"),
    case("input_sizes_negative", "input_sizes has a negative entry (rows = -5)",
         ops=(BIN,), input=[1, -5, 5, 3]),
    case("filter_sizes_negative", "filter_sizes has a negative entry (rows = -3)",
         ops=(BFL,), filter=[3, -3, 3, 2]),
    case("input_sizes_rank3", "input_sizes has 3 entries [5,5,3] (oneDNN on aborts)",
         ops=(BIN,), input=[5, 5, 3]),
    case("filter_sizes_rank3", "filter_sizes has 3 entries [3,3,6]",
         ops=(BFL,), filter=[3, 3, 6]),
    case("input_not_4d", "input tensor is 3-D [5,5,3]", ops=(FWD, BFL), input=[5, 5, 3]),
    case("filter_not_4d", "filter tensor is 3-D [3,3,6]", ops=(FWD, BIN), filter=[3, 3, 6]),
    case("out_backprop_not_4d", "out_backprop tensor is 3-D [5,5,6]", ops=(BIN, BFL),
         out_backprop=[5, 5, 6]),
    case("batch_mismatch", "out_backprop batch 2 != input batch 1", ops=(BIN, BFL),
         out_backprop=[2, 5, 5, 6]),
    case("in_depth_mismatch", "filter in_depth 4 != input depth 3 (out_backprop depth 8 = 4*2)",
         filter=[3, 3, 4, 2], out_backprop=[1, 5, 5, 8]),
    case("out_depth_mismatch", "out_backprop depth 5 != in_depth*depth_multiplier 6",
         ops=(BIN, BFL), out_backprop=[1, 5, 5, 5]),
    case("output_negative_valid", "VALID, in=5, k=7, s=1: computed output size -1",
         padding="VALID", filter=[7, 7, 3, 2], out_backprop=[1, 1, 1, 6]),
    case("output_negative_explicit", "EXPLICIT pads (1,0)/(0,1), in=5, k=9: output -2",
         padding="EXPLICIT", explicit_paddings=[0, 0, 1, 0, 0, 1, 0, 0],
         filter=[9, 9, 3, 2], out_backprop=[1, 1, 1, 6]),
    case("out_backprop_rows_mismatch", "out_backprop rows 4 != computed 5", ops=(BIN, BFL),
         out_backprop=[1, 4, 5, 6]),
    case("out_backprop_cols_mismatch", "out_backprop cols 4 != computed 5", ops=(BIN, BFL),
         out_backprop=[1, 5, 4, 6]),
    case("out_backprop_rows_mismatch_strided", "VALID s=2 in=7 k=3: out_backprop rows 4 != 3",
         ops=(BIN, BFL), input=[1, 7, 7, 3], strides=[1, 2, 2, 1], padding="VALID",
         out_backprop=[1, 4, 3, 6]),
    case("dilations_count_3", "dilations has 3 entries", dilations=[1, 1, 1]),
    case("dilations_batch", "dilation in the batch dimension != 1", dilations=[2, 1, 1, 1]),
    case("dilations_depth", "dilation in the depth dimension != 1", dilations=[1, 1, 1, 2]),
    case("dilation_zero", "spatial dilations 0", dilations=[1, 0, 0, 1]),
    case("dilation_negative", "spatial dilations -1", dilations=[1, -1, -1, 1]),
    case("dilations_2", "spatial dilations 2 on the raw op (forward rejects any"
         " dilation != 1; the backprops ignore dilations on CPU)", dilations=[1, 2, 2, 1]),
    case("nchw_on_cpu", "data_format NCHW on CPU (Eigen path)", data_format="NCHW",
         input=[1, 3, 5, 5], out_backprop=[1, 6, 5, 5]),
    case("data_format_invalid", "data_format attribute not NHWC/NCHW", data_format="NDHWC"),
]


def short_message(raw):
    msg = raw.strip()
    msg = re.sub(r"^\{\{function_node [^}]*\}\}\s*", "", msg)
    msg = re.sub(r"\s*\[Op:[^\]]*\]( name:.*)?$", "", msg, flags=re.S)
    # attribute validation appends the NodeDef and the whole OpDef
    msg = re.sub(r"\s*; NodeDef: .*$", "", msg, flags=re.S)
    return msg.strip()


def crash_message(output):
    """The glog fatal line ('F0000 ... file.h:123] Check failed: ...')."""
    for ln in output.splitlines():
        m = re.match(r"^F\d{4} [^\]]*\] (.*)$", ln)
        if m:
            return m.group(1).strip()
    return None


# --------------------------------------------------------------------------
# worker
# --------------------------------------------------------------------------

def worker_main(jobfile, outdir):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tasks = json.loads(Path(jobfile).read_text())
    out = Path(outdir)
    for t in tasks:
        (out / "started").write_text(t["key"])
        a = t["args"]
        common = dict(strides=a["strides"], padding=a["padding"],
                      explicit_paddings=a["explicit_paddings"],
                      data_format=a["data_format"], dilations=a["dilations"])
        res = {}
        try:
            if t["op"] == FWD:
                r = tf.raw_ops.DepthwiseConv2dNative(
                    input=tf.ones(a["input"], tf.float32),
                    filter=tf.ones(a["filter"], tf.float32), **common)
            elif t["op"] == BIN:
                r = tf.raw_ops.DepthwiseConv2dNativeBackpropInput(
                    input_sizes=tf.constant(a["input"], tf.int32),
                    filter=tf.ones(a["filter"], tf.float32),
                    out_backprop=tf.ones(a["out_backprop"], tf.float32), **common)
            else:
                r = tf.raw_ops.DepthwiseConv2dNativeBackpropFilter(
                    input=tf.ones(a["input"], tf.float32),
                    filter_sizes=tf.constant(a["filter"], tf.int32),
                    out_backprop=tf.ones(a["out_backprop"], tf.float32), **common)
            res = {"outcome": "ok", "output_shape": list(np.asarray(r).shape)}
        except Exception as e:
            res = {"outcome": "error", "error_type": type(e).__name__, "raw": str(e)}
        (out / f"{t['key']}.json").write_text(json.dumps(res))
        (out / "started").write_text("")


def no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_all(tasks, onednn, tmp):
    wdir = tmp / ("onednn" if onednn else "eigen")
    wdir.mkdir()
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1" if onednn else "0",
               TF_CPP_MIN_LOG_LEVEL="2", OMP_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1")
    remaining = list(tasks)
    crashes = {}
    while remaining:
        jf = wdir / "job.json"
        jf.write_text(json.dumps(remaining))
        (wdir / "started").write_text("")
        p = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker",
                            str(jf), str(wdir)], env=env, cwd=str(tmp),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           preexec_fn=no_core)
        started = (wdir / "started").read_text().strip()
        if p.returncode == 0:
            break
        if not started:
            raise RuntimeError(f"worker failed outside a task:\n{p.stdout[-3000:]}")
        lines = [ln for ln in p.stdout.splitlines() if ln.strip()]
        fatal = crash_message(p.stdout)
        crashes[started] = {"outcome": "crash", "returncode": p.returncode,
                            "raw": fatal or "\n".join(lines[-4:])}
        idx = [t["key"] for t in remaining].index(started)
        remaining = remaining[idx + 1:]
    out = {}
    for t in tasks:
        k = t["key"]
        out[k] = crashes.get(k) or json.loads((wdir / f"{k}.json").read_text())
    return out


def main(argv):
    out_file = DEFAULT_OUT
    if argv[:1] == ["--out"]:
        out_file = Path(argv[1]).resolve()
    tasks = []
    for c in CASES:
        for op in c["ops"]:
            tasks.append(dict(key=f"{c['case']}.{op}", op=op, args=c["args"]))
    with tempfile.TemporaryDirectory(prefix="dwconv_errors_") as td:
        tmp = Path(td)
        eig = run_all(tasks, False, tmp)
        dnn = run_all(tasks, True, tmp)
    records = []
    for c in CASES:
        a = c["args"]
        for op in c["ops"]:
            k = f"{c['case']}.{op}"
            r, d = eig[k], dnn[k]
            rec = {"op": op, "case": c["case"], "description": c["description"]}
            if op == BIN:
                rec["input_sizes"] = a["input"]
            else:
                rec["input_shape"] = a["input"]
            if op == BFL:
                rec["filter_sizes"] = a["filter"]
            else:
                rec["filter_shape"] = a["filter"]
            if op != FWD:
                rec["out_backprop_shape"] = a["out_backprop"]
            for f in ("strides", "padding", "explicit_paddings", "data_format", "dilations"):
                rec[f] = a[f]
            rec["outcome"] = r["outcome"]
            rec["error_type"] = r.get("error_type")
            rec["tf_message"] = short_message(r["raw"]) if r["outcome"] == "error" else None
            rec["tf_raw"] = r.get("raw")
            if r["outcome"] == "ok":
                rec["output_shape"] = r["output_shape"]
            rec["onednn_outcome"] = d["outcome"]
            rec["onednn_error_type"] = d.get("error_type")
            rec["onednn_message"] = (short_message(d["raw"]) if d["outcome"] == "error"
                                     else d.get("raw"))
            if d["outcome"] == "crash":
                rec["onednn_returncode"] = d["returncode"]
            records.append(rec)
            print(f"{c['case']:36s} {op[len(FWD):] or 'Forward':14s} "
                  f"{rec['outcome']:5s} {rec['tf_message'] or rec.get('output_shape')}"
                  f"  || oneDNN: {d['outcome']}"
                  + ("" if rec["onednn_message"] == rec["tf_message"]
                     else f" {str(rec['onednn_message'])[:150]!r}"))
    out_file.parent.mkdir(parents=True, exist_ok=True)
    # one record per line: readable and diff-friendly
    out_file.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    print(f"wrote {len(records)} records to {out_file}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2], sys.argv[3])
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
