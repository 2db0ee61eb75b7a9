#!/usr/bin/env bash
# Runs every test project of the solution and ends with one line: "Tests: N passed, N failed[, N skipped]".
# Exits non-zero if any test failed, if the build failed, or if no test ran.
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The collector's build bundles the dashboard with Node.js/npm; the browser tests drive Debian's chromium.
# Install them from Debian's packages when missing (never a downloaded browser).
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The PostgreSQL store tests start a throwaway server from Debian's postgresql package.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian's packages"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "Could not install ${missing[*]}."; echo "Tests: 0 passed, 0 failed"; exit 1; }
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

results="$(pwd)/TestResults"
rm -rf "$results"
mkdir -p "$results"

dotnet build Instrumentor.sln -nologo -v:q 2>&1 | tail -n 30
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then
  echo "Build failed."
  echo "Tests: 0 passed, 0 failed"
  exit 1
fi

# A test that hangs is killed (and counted as failed) after 10 minutes instead of running into CI's time limit.
dotnet test Instrumentor.sln --no-build -nologo -v:q \
  --logger "trx" --logger "console;verbosity=minimal" --blame-hang-timeout 10m \
  --results-directory "$results" "$@"
test_status=$?

# Sum the counters of every TRX file (one per test project).
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    if counters is None:
        continue
    c = {k: int(v) for k, v in counters.attrib.items() if v.isdigit()}
    passed += c.get("passed", 0)
    failed += c.get("failed", 0) + c.get("error", 0) + c.get("timeout", 0) + c.get("aborted", 0)
    skipped += c.get("notExecuted", 0) + c.get("inconclusive", 0)
print(passed, failed, skipped)
PY
)

line="Tests: ${passed:-0} passed, ${failed:-0} failed"
if [ "${skipped:-0}" -gt 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"

if [ "${failed:-0}" -gt 0 ] || [ "${passed:-0}" -eq 0 ] || [ "$test_status" -ne 0 ]; then
  exit 1
fi
exit 0
