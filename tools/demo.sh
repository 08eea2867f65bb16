#!/usr/bin/env bash
# The demo: builds the kiln CLI (release preset), runs the bundled Fashion-MNIST CNN on the
# 10,000 real test images with the reference runtime and prints its accuracy, optimizes it
# (-O2: BatchNorm folded, activations fused) and measures the optimized model's accuracy,
# compiles it for both targets (cloud on oneDNN, edge on XNNPACK) and runs each artifact on the
# same images, then shows the pass pipeline on the bundled textual graph.
#
#   tools/demo.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "setup"
tools/setup.sh

step "build kiln (release preset)"
cmake --preset release
cmake --build --preset release --target kiln kiln-edge-run

kiln=build/release/tools/kiln/kiln
mkdir -p build/demo
model=examples/fashion_mnist/fashion_cnn.onnx

step "kiln --version"
"${kiln}" --version

step "kiln inspect ${model}"
"${kiln}" inspect "${model}"

step "Fashion-MNIST test set -> build/demo/fashion_mnist/{image,labels}.npy"
tools/models/fashion_mnist_to_npy.py --out build/demo/fashion_mnist

step "kiln run ${model} on 10,000 test images (reference runtime, 2 threads)"
"${kiln}" run "${model}" --input image=build/demo/fashion_mnist/image.npy \
  --output-dir build/demo/fashion_mnist/out --threads 2

step "accuracy (measured at training time: see examples/fashion_mnist/ACCURACY.md)"
tools/models/accuracy.py build/demo/fashion_mnist/out/logits.npy build/demo/fashion_mnist/labels.npy

step "kiln opt ${model} -O2 --stats -o build/demo/fashion_cnn.opt.kir"
"${kiln}" opt "${model}" -O2 --stats -o build/demo/fashion_cnn.opt.kir

step "kiln run build/demo/fashion_cnn.opt.kir on the same images, accuracy"
"${kiln}" run build/demo/fashion_cnn.opt.kir --input image=build/demo/fashion_mnist/image.npy \
  --output-dir build/demo/fashion_mnist/out_opt --threads 2
tools/models/accuracy.py build/demo/fashion_mnist/out_opt/logits.npy \
  build/demo/fashion_mnist/labels.npy

step "kiln compile ${model} --target cloud -o build/demo/fashion_cnn.kiln --report ..."
"${kiln}" compile "${model}" --target cloud -o build/demo/fashion_cnn.kiln \
  --report build/demo/fashion_cnn.report.json
"${kiln}" inspect build/demo/fashion_cnn.kiln
step "kiln run build/demo/fashion_cnn.kiln on the same images (cloud runtime, oneDNN), accuracy"
"${kiln}" run build/demo/fashion_cnn.kiln --input image=build/demo/fashion_mnist/image.npy \
  --output-dir build/demo/fashion_mnist/out_cloud --threads 2
tools/models/accuracy.py build/demo/fashion_mnist/out_cloud/logits.npy \
  build/demo/fashion_mnist/labels.npy
step "kiln bench build/demo/fashion_cnn.kiln (one image, 2 threads)"
"${kiln}" bench build/demo/fashion_cnn.kiln --threads 2 --runs 200

step "kiln compile ${model} --target edge -o build/demo/fashion_cnn.edge.kiln (NHWC, XNNPACK)"
"${kiln}" compile "${model}" --target edge -o build/demo/fashion_cnn.edge.kiln
step "kiln-edge-run build/demo/fashion_cnn.edge.kiln on the same images (edge runtime), accuracy"
build/release/runtime/edge/kiln-edge-run build/demo/fashion_cnn.edge.kiln \
  --input image=build/demo/fashion_mnist/image.npy --output-dir build/demo/fashion_mnist/out_edge \
  --threads 2
tools/models/accuracy.py build/demo/fashion_mnist/out_edge/logits.npy \
  build/demo/fashion_mnist/labels.npy
step "kiln-edge-run build/demo/fashion_cnn.edge.kiln --bench 200 (one image, 2 threads)"
tools/models/fashion_mnist_to_npy.py --out build/demo/fashion_mnist_one --count 1
build/release/runtime/edge/kiln-edge-run build/demo/fashion_cnn.edge.kiln \
  --input image=build/demo/fashion_mnist_one/image.npy --bench 200 --threads 2

step "kiln opt ${model} --pipeline \"\" -o build/demo/fashion_cnn.roundtrip.onnx (import + export)"
"${kiln}" opt "${model}" --pipeline "" -o build/demo/fashion_cnn.roundtrip.onnx

step "kiln inspect examples/tiny_cnn.kir"
"${kiln}" inspect examples/tiny_cnn.kir

step "kiln opt examples/tiny_cnn.kir -O2 --timing -o build/demo/tiny_cnn.opt.kir"
"${kiln}" opt examples/tiny_cnn.kir -O2 --timing \
  -o build/demo/tiny_cnn.opt.kir

step "kiln inspect build/demo/tiny_cnn.opt.kir"
"${kiln}" inspect build/demo/tiny_cnn.opt.kir
