#!/usr/bin/env bash
# Times the NativeAOT binary against the JIT build: start-up (hyperfine on --info) and one MNIST epoch, runs
# interleaved so that load from other processes hits both alike. Publish first with ./publish.sh.
#   samples/GenNet.AotCheck/measure.sh [RUNS] [AOT_BINARY]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
runs="${1:-5}"
aot="${2:-$here/bin/aot/GenNet.AotCheck}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$here/GenNet.AotCheck.csproj" -c Release -v q -nologo >/dev/null
jit="$here/bin/Release/net10.0/GenNet.AotCheck.dll"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
ls -l "$aot"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs 30 "$aot --info" "dotnet $jit --info"
fi

epoch() { "$@" | sed -n 's/^epoch: *\([0-9.]*\) s.*/\1/p'; }
printf '%-4s %10s %10s %22s\n' run aot jit "jit (AVX-512 off)"
for i in $(seq "$runs"); do
  a=$(epoch "$aot")
  j=$(epoch dotnet "$jit")
  k=$(DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 epoch dotnet "$jit")
  printf '%-4s %9ss %9ss %21ss\n' "$i" "$a" "$j" "$k"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
