#!/usr/bin/env bash
# Reproduces the numbers of docs/benchmarks.md.
#
#   Tests/Instrumentor.Benchmarks/run.sh              # everything (about 15 minutes on 2 cores)
#   Tests/Instrumentor.Benchmarks/run.sh caller queue # only some parts
#
# Parts: caller, dispatch, async, queue, sqlite, pieces, sessions (not in the default set), throughput, store, collector, export, postgres, generator
# (export: this process streaming to a real `instrumentor serve` on loopback: Instant latency span end -> visible in the
# collector's live API, and spans/s until acknowledged; not in the default set; EXPORT_ARGS e.g. "--spans 500000")
# (postgres: collector ingest into a throwaway PostgreSQL server and the query API on 1,000,000 spans there, not in the
# default set; needs Debian's postgresql package) (collector: a real
# `instrumentor serve` fed over loopback HTTP for 30 s, not in the default set; store: not in the default set; it builds
# a 10,000,000-span store of ~3.5 GB in the temp folder, kept for reuse).
# BDN_ARGS overrides the job (default: "--job short --iterationCount 15 --iterationTime 250 --buildTimeout 900": 1 launch, 3 warm-up
# and 15 measured iterations of 250 ms, and 15 minutes for BDN to build its job where its default of 2 fails on a
# loaded machine; the tables also show Min and Median, the robust figures on a shared machine).
# COLLECTOR_ARGS passes options to the collector part (e.g. "--clients 8 --seconds 60").
# queries (not in the default set): the collector's query API on a 1,000,000-span store (built once in the temp
# folder, kept for reuse); QUERY_ARGS passes options (e.g. "--spans 2000000 --runs 100").
# Results (BDN's markdown tables and logs) go to Tests/Instrumentor.Benchmarks/BenchmarkDotNet.Artifacts/ and
# Tests/Instrumentor.Benchmarks.Generator/BenchmarkDotNet.Artifacts/; the whole output, with the load average before
# each part, is also saved to BenchmarkDotNet.Artifacts/run.log, and the throughput table to throughput.md.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

parts=("$@")
if [ ${#parts[@]} -eq 0 ]; then
  parts=(caller dispatch async queue sqlite pieces throughput generator)
fi
read -r -a bdn_args <<< "${BDN_ARGS:---job short --iterationCount 15 --iterationTime 250 --buildTimeout 900}"

bench_dll=bin/Release/net10.0/Instrumentor.Benchmarks.dll
generator_dir=../Instrumentor.Benchmarks.Generator

dotnet build -c Release -nologo -v:q Instrumentor.Benchmarks.csproj
dotnet build -c Release -nologo -v:q "$generator_dir/Instrumentor.Benchmarks.Generator.csproj"
mkdir -p BenchmarkDotNet.Artifacts
exec > >(tee BenchmarkDotNet.Artifacts/run.log) 2>&1
echo "$(date -u +%FT%TZ) $(nproc) cores, $(dotnet --version) SDK, parts: ${parts[*]}, BDN args: ${bdn_args[*]}"

run_bdn() {
  dotnet "$bench_dll" --filter "$1" "${bdn_args[@]}"
}

for part in "${parts[@]}"; do
  echo "=== $part: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  case "$part" in
    caller)     run_bdn '*CallerOverheadBenchmarks*' ;;
    dispatch)   run_bdn '*DispatchBenchmarks*' ;;
    async)      run_bdn '*AsyncAndArgumentBenchmarks*' ;;
    queue)      run_bdn '*QueueEnqueueBenchmarks*' ;;
    sqlite)     run_bdn '*SqliteBatchWriteBenchmarks*' ;;
    pieces)     run_bdn '*HotPathPieceBenchmarks*' ;;
    logging)    run_bdn '*LogCallBenchmarks*' ;;
    sessions)   run_bdn '*SessionBenchmarks*' ;;
    throughput) dotnet "$bench_dll" --throughput | tee BenchmarkDotNet.Artifacts/throughput.md ;;
    store)      dotnet "$bench_dll" --store-queries | tee BenchmarkDotNet.Artifacts/store-queries.md ;;
    export)     dotnet "$bench_dll" --export ${EXPORT_ARGS:-} | tee BenchmarkDotNet.Artifacts/export.md ;;
    collector)  dotnet "$bench_dll" --collector-load ${COLLECTOR_ARGS:-} | tee BenchmarkDotNet.Artifacts/collector-load.md ;;
    postgres)   dotnet "$bench_dll" --collector-load --postgres ${COLLECTOR_ARGS:-} | tee BenchmarkDotNet.Artifacts/collector-load-postgres.md
                dotnet "$bench_dll" --postgres-queries | tee BenchmarkDotNet.Artifacts/postgres-queries.md ;;
    queries)    dotnet "$bench_dll" --collector-queries ${QUERY_ARGS:-} | tee BenchmarkDotNet.Artifacts/collector-queries.md ;;
    generator)  (cd "$generator_dir" && dotnet "bin/Release/net10.0/Instrumentor.Benchmarks.Generator.dll" --filter '*' "${bdn_args[@]}") ;;
    *) echo "unknown part '$part' (caller, dispatch, async, queue, sqlite, pieces, logging, sessions, throughput, store, collector, export, queries, postgres, generator)" >&2; exit 2 ;;
  esac
done

echo
echo "Tables: Tests/Instrumentor.Benchmarks/BenchmarkDotNet.Artifacts/results/*-report-github.md and $generator_dir/BenchmarkDotNet.Artifacts/results/"
