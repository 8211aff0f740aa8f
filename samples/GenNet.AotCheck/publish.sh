#!/usr/bin/env bash
# Publishes GenNet.AotCheck as a NativeAOT binary for linux-x64 and runs it once.
#   samples/GenNet.AotCheck/publish.sh [OUTPUT_DIR]      (default: samples/GenNet.AotCheck/bin/aot)
# NativeAOT on Linux links with clang and needs zlib's headers; on Debian/Ubuntu as root this installs them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/bin/aot}"

if ! command -v clang >/dev/null || [ ! -e /usr/include/zlib.h ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev
  else
    echo "NativeAOT needs clang and zlib headers: apt-get install clang zlib1g-dev (as root)" >&2
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Any trim or AOT warning fails the publish (TreatWarningsAsErrors comes from Directory.Build.props;
# TrimmerSingleWarn=false lists each warning rather than one per assembly).
dotnet publish "$here/GenNet.AotCheck.csproj" -c Release -r linux-x64 -o "$out" -p:TrimmerSingleWarn=false

ls -l "$out/GenNet.AotCheck"
"$out/GenNet.AotCheck" --info
