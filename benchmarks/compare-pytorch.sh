#!/usr/bin/env bash
# Side-by-side: GenNet vs PyTorch 1.13 + OpenBLAS (OpenMP build) on the reference MNIST model, at 1 and 2 threads;
# with --network convnet on MnistConvNet (PyTorch runs its convolutions through oneDNN), with --network narrow on
# issue #15's 784-100-100-10 net (momentum SGD, batch 800). --avx2 holds both sides to AVX2 + FMA on a CPU with
# AVX-512: DOTNET_EnableAVX512=0 for GenNet; OPENBLAS_CORETYPE=Haswell, ATEN_CPU_CAPABILITY=avx2 and
# ONEDNN_MAX_CPU_ISA=AVX2 for PyTorch.
#
# A manual tool, never run in CI (it installs Debian packages, switches the system BLAS and needs a quiet machine):
#   sudo bash benchmarks/compare-pytorch.sh [--epochs E] [--data DIR] [--network mlp512|convnet|narrow] [--avx2]
# Prints one JSON line per run, then a table of ratios (PyTorch time / GenNet time: above 1 means GenNet is faster).
# Each side runs alone, one after the other: the machine has 2 cores, and a concurrent run would steal one.
# Check `uptime` first; a load average above ~0.5 makes every figure noisy (see benchmarks/README.md).
set -euo pipefail
if [ "${CI:-}" = "true" ]; then
  echo "compare-pytorch.sh is a manual benchmark; not running it in CI." >&2
  exit 0
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
epochs=3
network=mlp512
avx2=0
data="${GENNET_MNIST:-$(cd "$root/.." && pwd)/shared/data/mnist}"
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --network) network="$2"; shift 2 ;;
    --avx2) avx2=1; shift ;;
    *) echo "usage: $0 [--epochs E] [--data DIR] [--network mlp512|convnet|narrow] [--avx2]" >&2; exit 2 ;;
  esac
done
case "$network" in mlp512|convnet|narrow) ;; *) echo "--network takes mlp512, convnet or narrow (got '$network')" >&2; exit 2 ;; esac
[ -d "$data" ] || { echo "MNIST not found at $data (give --data DIR or set GENNET_MNIST)" >&2; exit 1; }

# 1. Debian's PyTorch and the OpenMP build of OpenBLAS (idempotent).
py=/usr/bin/python3
if ! dpkg -s python3-torch libopenblas0-openmp >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-openmp >/dev/null
fi
# Debian's torch is built against the generic libblas.so.3/liblapack.so.3: point both at OpenBLAS-OpenMP (the
# reference BLAS is ~20x slower and would make the comparison meaningless).
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
for lib in libblas.so.3 liblapack.so.3; do
  update-alternatives --set "$lib-$multiarch" "/usr/lib/$multiarch/openblas-openmp/$lib" >/dev/null
done
echo "BLAS: $(readlink -f "/usr/lib/$multiarch/libblas.so.3")"
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE may be preset on this workplace for old OpenBLAS builds; they would pin a
# slower kernel. Unset for the PyTorch runs only.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
if [ "$avx2" = 1 ]; then
  # An AVX2-only CPU's code on this one: OpenBLAS's Haswell kernels, ATen's AVX2 kernels, GenNet's Vector256 path.
  export OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 DOTNET_EnableAVX512=0
  echo "AVX2 only: OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DOTNET_EnableAVX512=0"
fi

# 2. GenNet, built once in Release.
dotnet build "$root/benchmarks/GenNet.Benchmarks" -c Release -nologo -v q >/dev/null
gennet=(dotnet "$root/benchmarks/GenNet.Benchmarks/bin/Release/net10.0/GenNet.Benchmarks.dll" --compare --network "$network" --epochs "$epochs")

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
echo "load before: $(uptime)"
for threads in 1 2; do
  # PyTorch runs under both OpenMP wait policies and the table takes the better one: on a quiet machine ACTIVE
  # won at 2 threads (0.78 vs 1.15 s/epoch), under load PASSIVE did (spinning workers steal the core the other
  # thread needs).
  for policy in PASSIVE ACTIVE; do
    OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=$policy "$py" "$here/pytorch_epoch.py" --network "$network" --threads "$threads" --epochs "$epochs" --data "$data" | tee -a "$results"
  done
  GENNET_MNIST="$data" "${gennet[@]}" --threads "$threads" | tee -a "$results"
  # GenNet leaves out the terms of zero pixels (81% of MNIST's); this run replaces every zero by a small value, so it
  # is the cost of the full dense arithmetic. PyTorch's BLAS does every FMA either way.
  GENNET_MNIST="$data" "${gennet[@]}" --threads "$threads" --dense-input | tee -a "$results"
done
echo "load after: $(uptime)"

# 3. Ratios: the best PyTorch setting per thread count against GenNet.
"$py" - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
print()
print("| threads | metric | PyTorch (best OMP policy) | GenNet | GenNet speed-up |")
print("| --- | --- | --- | --- | --- |")
for t in (1, 2):
    torch_runs = [r for r in rows if r["impl"] == "pytorch" and r["threads"] == t]
    gennet = next(r for r in rows if r["impl"] == "gennet" and r["threads"] == t and r["input"] == "as-is")
    dense = next(r for r in rows if r["impl"] == "gennet" and r["threads"] == t and r["input"] == "dense")
    best_epoch = min(torch_runs, key=lambda r: r["epoch_s"])
    best_forward = min(torch_runs, key=lambda r: r["forward_us"])
    best_predict = max(torch_runs, key=lambda r: r["predict_images_per_s"])
    print(f"| {t} | epoch s | {best_epoch['epoch_s']:.3f} ({best_epoch['omp_wait_policy']}) | {gennet['epoch_s']:.3f} | {best_epoch['epoch_s'] / gennet['epoch_s']:.2f}x |")
    print(f"| {t} | epoch s, GenNet on dense input | {best_epoch['epoch_s']:.3f} ({best_epoch['omp_wait_policy']}) | {dense['epoch_s']:.3f} | {best_epoch['epoch_s'] / dense['epoch_s']:.2f}x |")
    print(f"| {t} | single-image forward us | {best_forward['forward_us']:.1f} ({best_forward['omp_wait_policy']}) | {gennet['forward_us']:.1f} | {best_forward['forward_us'] / gennet['forward_us']:.2f}x |")
    print(f"| {t} | predict 10k images/s | {best_predict['predict_images_per_s']:,} ({best_predict['omp_wait_policy']}) | {gennet['predict_images_per_s']:,} | {gennet['predict_images_per_s'] / best_predict['predict_images_per_s']:.2f}x |")
PY
