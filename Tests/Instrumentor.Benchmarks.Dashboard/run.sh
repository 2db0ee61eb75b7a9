#!/usr/bin/env bash
# Dashboard load run (docs/benchmarks.md, "Dashboard"): a collector with 1,000,000 spans ingested over HTTP, then
# chromium's paint times and the query API's latency. About 10 minutes on 2 cores, most of it the ingest.
#   Tests/Instrumentor.Benchmarks.Dashboard/run.sh [--spans N] [--runs N]
# Next to the .NET Aspire dashboard (docs/benchmarks.md, "Next to the .NET Aspire dashboard"): the same OTLP traces
# sent to both, both read in chromium, screenshots in artifacts/versus-aspire/ (git-ignored). Downloads the
# dashboard's NuGet package into the NuGet cache on first use. About 3 minutes.
#   Tests/Instrumentor.Benchmarks.Dashboard/run.sh --versus-aspire [--traces N] [--runs N] [--artifacts DIR] [--aspire-version V]
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
dotnet build -c Release -nologo -v:q Instrumentor.Benchmarks.Dashboard.csproj
dotnet bin/Release/net10.0/Instrumentor.Benchmarks.Dashboard.dll "$@"
