#!/usr/bin/env bash
# Self-test of the ONNX Runtime oracle (tests/oracle). Needs node and the npm packages that
# tools/setup.sh installs; uses the ONNX backend test data of Debian's libonnx-testdata
# (override the location with KILN_ONNX_TESTDATA=/path/to/data/node). No Python.
#
#   tests/oracle/selftest.sh      # from anywhere; exit 0 pass, 1 fail, 77 skipped (not installed)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="${KILN_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data/node}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/kiln-oracle-selftest.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed (run tools/setup.sh)"
  exit 77
fi
if [[ ! -d "${here}/node_modules/onnxruntime-node" ]]; then
  echo "SKIP: onnxruntime-node is not installed in ${here}/node_modules (run tools/setup.sh)"
  exit 77
fi

# 1. .npy reader/writer and argument parsing.
if node "${here}/test_npy.js"; then ok; else bad "test_npy.js"; fi

if [[ ! -d "${data}/test_relu" ]]; then
  echo "SKIP: ONNX backend test data not found at ${data} (apt-get install libonnx-testdata)"
  exit 77
fi

# 2. Backend cases through ORT, compared with the reference outputs. Chosen to cover common CNN and
#    transformer ops and every tensor type run_model.js handles (f32, f16, f64, i32, i64, u8, i8, bool).
cases=(
  test_relu test_conv_with_strides_padding test_gemm_default_zero_bias test_softmax_axis_1
  test_add_bcast test_matmul_3d test_maxpool_2d_default test_averagepool_2d_pads
  test_batchnorm_epsilon test_layer_normalization_2d_axis0 test_transpose_default
  test_concat_2d_axis_0 test_gather_0 test_reshape_reordered_all_dims test_slice
  test_resize_upsample_scales_nearest test_where_example
  test_reduce_mean_default_axes_keepdims_example test_clip_default_min
  test_cast_FLOAT_to_FLOAT16 test_cast_FLOAT16_to_FLOAT test_cast_FLOAT_to_DOUBLE
  test_argmax_default_axis_example test_equal test_quantizelinear test_dequantizelinear
  test_qlinearmatmul_2D test_nonzero_example test_range_int32_type_negative_delta
)
backend_pass=0
for c in "${cases[@]}"; do
  if out="$(node "${here}/run_backend_case.js" "${data}/${c}" 2>&1)"; then
    ok
    backend_pass=$((backend_pass + 1))
  else
    bad "${out}"
  fi
done
echo "backend cases: ${backend_pass}/${#cases[@]} passed"

# 3. run_model.js end to end: .pb inputs -> .npy -> run_model.js -> compare with .npy references.
e2e() { # CASE [run_model flags...]
  local c="$1" d="${data}/$1/test_data_set_0" w="${tmp}/$1" args=() f name i
  shift
  mkdir -p "${w}/in" "${w}/ref" "${w}/out"
  for f in "${d}"/input_*.pb; do
    i="$(basename "${f}" .pb)"
    name="$(node "${here}/pb_to_npy.js" "${f}" "${w}/in/${i}.npy")" || return 1
    args+=(--input "${name}=${w}/in/${i}.npy")
  done
  node "${here}/run_model.js" "${data}/${c}/model.onnx" "${args[@]}" --output-dir "${w}/out" "$@" || return 1
  for f in "${d}"/output_*.pb; do
    name="$(node "${here}/pb_to_npy.js" "${f}" "${w}/ref/$(basename "${f}" .pb).npy")" || return 1
    node "${here}/compare.js" "${w}/out/${name}.npy" "${w}/ref/$(basename "${f}" .pb).npy" >/dev/null || return 1
  done
}
if e2e test_conv_with_strides_padding; then ok; else bad "run_model.js on test_conv_with_strides_padding"; fi
if e2e test_layer_normalization_2d_axis0 --threads 2 --optimization disabled; then ok; else bad "run_model.js on test_layer_normalization_2d_axis0 (3 outputs)"; fi
if e2e test_argmax_default_axis_example --optimization basic; then ok; else bad "run_model.js on test_argmax_default_axis_example (int64)"; fi
if e2e test_equal; then ok; else bad "run_model.js on test_equal (bool)"; fi
if e2e test_cast_FLOAT16_to_FLOAT; then ok; else bad "run_model.js on test_cast_FLOAT16_to_FLOAT (f16 input)"; fi

# 4. Output names that are not file-name safe: test_relu with its output renamed "y" -> "/".
node -e '
  const fs = require("fs");
  let b = fs.readFileSync(process.argv[1]);
  for (const tag of [0x0a, 0x12]) {           // ValueInfoProto.name, NodeProto.output
    const at = b.indexOf(Buffer.from([tag, 0x01, 0x79]));
    if (at < 0) throw new Error("pattern not found");
    b[at + 2] = 0x2f;
  }
  fs.writeFileSync(process.argv[2], b);' "${data}/test_relu/model.onnx" "${tmp}/relu_slash.onnx"
node "${here}/pb_to_npy.js" "${data}/test_relu/test_data_set_0/input_0.pb" "${tmp}/relu_x.npy" >/dev/null
node "${here}/pb_to_npy.js" "${data}/test_relu/test_data_set_0/output_0.pb" "${tmp}/relu_y.npy" >/dev/null
if out="$(node "${here}/run_model.js" "${tmp}/relu_slash.onnx" --input "x=${tmp}/relu_x.npy" --output-dir "${tmp}/slash")" &&
  [[ "${out}" == "output '/' -> _.npy" ]] && node "${here}/compare.js" "${tmp}/slash/_.npy" "${tmp}/relu_y.npy" >/dev/null; then
  ok
else
  bad "output name sanitizing (got: ${out:-nothing})"
fi

# 5. Errors: one stderr line, exit code 1, no output files.
conv="${data}/test_conv_with_strides_padding/model.onnx"
cin="${tmp}/test_conv_with_strides_padding/in"
node -e 'const n = require(process.argv[1]); n.writeNpy(process.argv[2], { type: "int32", dims: [1, 1, 7, 5], data: new Int32Array(35) });' \
  "${here}/npy.js" "${tmp}/int32.npy"
printf 'not an npy file' >"${tmp}/garbage.npy"
expect_error() { # DESCRIPTION PATTERN ARGS...
  local what="$1" pattern="$2" dir="${tmp}/err_out" rc
  shift 2
  rm -rf "${dir}"
  node "${here}/run_model.js" "$@" --output-dir "${dir}" >"${tmp}/stdout" 2>"${tmp}/stderr"
  rc=$?
  if [[ ${rc} -ne 1 ]]; then bad "${what}: exit code ${rc}, expected 1"; return; fi
  if [[ "$(wc -l <"${tmp}/stderr")" -ne 1 ]] || ! grep -q -- "${pattern}" "${tmp}/stderr"; then
    bad "${what}: stderr was: $(cat "${tmp}/stderr")"
    return
  fi
  if [[ -d "${dir}" && -n "$(ls -A "${dir}")" ]]; then bad "${what}: left files in the output dir"; return; fi
  ok
}
expect_error "missing input" "missing input(s): W" "${conv}" --input "x=${cin}/input_0.npy"
expect_error "dtype mismatch" "model expects float32" "${conv}" --input "x=${tmp}/int32.npy" --input "W=${cin}/input_1.npy"
expect_error "unreadable file" "cannot read" "${conv}" --input "x=${tmp}/nonexistent.npy" --input "W=${cin}/input_1.npy"
expect_error "not an npy file" "not a .npy file" "${conv}" --input "x=${tmp}/garbage.npy" --input "W=${cin}/input_1.npy"
expect_error "unknown input" "model has no input 'z'" "${conv}" --input "z=${cin}/input_0.npy"
expect_error "unknown flag" "unknown flag --bogus" "${conv}" --bogus
expect_error "bad optimization" "optimization must be" "${conv}" --input "x=${cin}/input_0.npy" --input "W=${cin}/input_1.npy" --optimization max
expect_error "missing model" "cannot read model" "${tmp}/nonexistent.onnx"
expect_error "wrong shape" "run_model: error:" "${conv}" --input "x=${tmp}/relu_x.npy" --input "W=${cin}/input_1.npy"

# 6. bench_model.js --json prints one JSON object with the agreed fields.
if out="$(node "${here}/bench_model.js" "${conv}" --input "x=${cin}/input_0.npy" --input "W=${cin}/input_1.npy" \
  --warmup 2 --runs 5 --threads 1 --json)" &&
  node -e 'const s = JSON.parse(process.argv[1]);
    for (const k of ["median_ms", "p10_ms", "p90_ms", "runs", "threads"]) if (typeof s[k] !== "number") throw k;
    if (s.runs !== 5 || !(s.p10_ms <= s.median_ms && s.median_ms <= s.p90_ms)) throw "values";' "${out}"; then
  ok
else
  bad "bench_model.js --json (got: ${out:-nothing})"
fi

echo "oracle selftest: ${pass} passed, ${fail} failed"
[[ ${fail} -eq 0 ]]
