#!/usr/bin/env bash
# Runs Markdig's own test suite untraced and with every method of Markdig monitored, alternately, and prints wall
# time, spans produced / written / dropped and the test process's CPU per thread. Not run by ./test.sh.
#
#   Tests/RealSuites/run-markdig.sh <markdig-clone> [runs] [work-dir]
#
# <markdig-clone>: a git clone of https://github.com/xoofx/markdig (the numbers in docs/benchmarks.md are from
# commit fc705234fa21). The clone is not changed: two copies are made under <work-dir> (default
# /tmp/instrumentor-markdig), "untraced" as it is and "traced" with a Directory.Build.props that imports
# RealSuite.props (this repository's generator and runtime, [assembly: MonitorAll(Include = ".*")] on Markdig).
# MONITOR_EXCLUDE=regex adds a third copy, "excluded", built with [assembly: MonitorAll(Include = ".*",
# Exclude = regex)]. MONITOR_ENV="NAME=value ..." adds environment variables to the traced runs (INSTRUMENTOR_DB is
# set per run by this script). RUN_VARIANTS="untraced excluded" runs only those (all are built);
# SKIP_BUILD=1 runs what an earlier call built.
set -euo pipefail

clone=${1:?usage: run-markdig.sh <markdig-clone> [runs] [work-dir]}
runs=${2:-3}
work=${3:-/tmp/instrumentor-markdig}
here=$(cd "$(dirname "$0")" && pwd)
framework=net10.0
tests=src/Markdig.Tests/Markdig.Tests.csproj

variants=(untraced traced)
[[ -n ${MONITOR_EXCLUDE:-} ]] && variants+=(excluded)

mkdir -p "$work"
for variant in "${variants[@]}"; do
  if [[ ! -d "$work/$variant" ]]; then
    git clone --quiet "$clone" "$work/$variant"
  fi
done

write_props() { # copy monitor-file
  cat > "$work/$1/src/Directory.Build.props" <<PROPS
<Project>
  <PropertyGroup>
    <RealSuiteLibrary>Markdig</RealSuiteLibrary>
    <RealSuiteTests>Markdig.Tests</RealSuiteTests>
    <RealSuiteFramework>$framework</RealSuiteFramework>
    <RealSuiteMonitorFile>$2</RealSuiteMonitorFile>
  </PropertyGroup>
  <Import Project="$here/RealSuite.props" />
</Project>
PROPS
}
write_props traced ""
if [[ -n ${MONITOR_EXCLUDE:-} ]]; then
  printf '[assembly: Instrumentor.MonitorAll(Include = ".*", Exclude = @"%s")]\n' "${MONITOR_EXCLUDE//\"/\"\"}" > "$work/excluded/MonitorAll.cs"
  write_props excluded "$work/excluded/MonitorAll.cs"
fi

for variant in "${variants[@]}"; do
  [[ -n ${SKIP_BUILD:-} ]] && break
  echo "== build $variant ($(uptime | sed 's/.*load/load/'))"
  # (NU1603 warnings: Markdig pins NUnit 4.5.0 / NUnit3TestAdapter 6.1.0; a mirror that lacks them resolves the nearest.)
  dotnet build "$work/$variant/$tests" -c Release -f "$framework" -nologo -clp:ErrorsOnly \
    >"$work/build-$variant.log" 2>&1 || { tail -30 "$work/build-$variant.log"; exit 1; }
  grep -E "Warn|Error" "$work/build-$variant.log" | tail -3 || true
done

[[ -n ${RUN_VARIANTS:-} ]] && read -r -a variants <<<"$RUN_VARIANTS"
results="$work/results.tsv"
printf 'run\tvariant\tload_start\twall_s\tpassed\tfailed\tspans_in_store\tspool_bytes\tstats\n' > "$results"
run_one() { # run variant
  local run=$1 variant=$2 db="$work/traces-$1-$2.db" stats="$work/stats-$1-$2.txt"
  rm -f "$db" "$db"-* "$stats"
  local load start end out passed failed spans=- spool=-
  load=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s.%N)
  out=$(env INSTRUMENTOR_DB="$db" INSTRUMENTOR_SUITE_STATS="$stats" ${MONITOR_ENV:-} \
        dotnet test "$work/$variant/$tests" -c Release -f "$framework" --no-build -nologo 2>&1 || true)
  printf '%s\n' "$out" > "$work/test-$run-$variant.log"
  end=$(date +%s.%N)
  passed=$(grep -oE 'Passed: +[0-9]+' <<<"$out" | grep -oE '[0-9]+' || echo "?")
  failed=$(grep -oE 'Failed: +[0-9]+' <<<"$out" | grep -oE '[0-9]+' || echo "?")
  if [[ $variant != untraced ]]; then
    [[ -f $db ]] && spans=$(sqlite3 "$db" 'SELECT COUNT(*) FROM span')
    spool=$(stat -c %s "$db".spool* 2>/dev/null | paste -sd+ | bc 2>/dev/null || echo 0)
  fi
  printf '%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\n' "$run" "$variant" "$load" "$(echo "$end - $start" | bc)" \
    "$passed" "$failed" "$spans" "${spool:-0}" "$stats" | tee -a "$results"
  [[ -f $stats ]] && sed 's/^/    /' "$stats"
  rm -f "$db" "$db"-* "$db".spool* # a fully traced run leaves gigabytes
  grep -iE 'instrumentor' <<<"$out" | head -5 || true
}

for ((i = 1; i <= runs; i++)); do
  # Alternate which goes first, so both see the same drift of a shared machine.
  if ((i % 2)); then order=("${variants[@]}"); else order=(); for ((j = ${#variants[@]} - 1; j >= 0; j--)); do order+=("${variants[j]}"); done; fi
  for variant in "${order[@]}"; do run_one "$i" "$variant"; done
done
echo "results: $results"
