#!/usr/bin/env bash
# JobPulse demo: the incident of killed-worker-9-days.md, replayed and caught.
#
# Starts the collector, runs the sample app under the agent on a long batch (job 330001, 7547
# firms), kills the worker with kill -9 once the job shows RUNNING, and waits for the API to show
# the job CRASHED. Then leaves the collector running for you to look around, until Ctrl-C.
#
# Needs bash, java 17+ and curl. Prints JSON with jq or python3 when one is installed, as it
# comes otherwise. Builds the jars with ./mvnw when they are missing.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: ./demo.sh [--no-wait] [--otlp-port PORT] [--http-port PORT]

  --no-wait         stop everything and exit 0 once the crash is shown (for CI)
  --otlp-port PORT  the collector's OTLP/HTTP port (default 4318, 0 = any free port)
  --http-port PORT  the collector's API and dashboard port (default 8090, 0 = any free port)

The ports can also be set with JOBPULSE_DEMO_OTLP_PORT and JOBPULSE_DEMO_HTTP_PORT.
EOF
}

otlp_port=${JOBPULSE_DEMO_OTLP_PORT:-4318}
http_port=${JOBPULSE_DEMO_HTTP_PORT:-8090}
wait_at_end=true
while (($#)); do
  case $1 in
    --no-wait) wait_at_end=false; shift ;;
    --otlp-port) otlp_port=${2:?--otlp-port needs a value}; shift 2 ;;
    --http-port) http_port=${2:?--http-port needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "demo.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for port in "$otlp_port" "$http_port"; do
  [[ $port =~ ^[0-9]+$ ]] && ((port <= 65535)) || { echo "demo.sh: not a port: $port" >&2; exit 2; }
done

here=$(cd "$(dirname "$0")" && pwd)
agent_jar=$here/agent/target/jobpulse-agent.jar
collector_jar=$here/collector/target/jobpulse-collector.jar
app_jar=$here/sample-app/target/sample-app.jar

enrich_job='io.jobpulse.sample.jobs.FirmEnrichmentJob#run'
batch_id=330001
firms=7547

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

for tool in java curl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required and not on the PATH"
done

if [[ ! -f $agent_jar || ! -f $collector_jar || ! -f $app_jar ]]; then
  step "building the jars (./mvnw -q -DskipTests package)"
  (cd "$here" && ./mvnw -q -DskipTests package)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/jobpulse-demo.XXXXXX")
collector_pid=
app_pid=

# One place releases everything: the worker (if it still runs), the collector (gracefully, so
# RocksDB closes cleanly), the temporary data directory.
cleanup() {
  if [[ -n $app_pid ]]; then kill -9 "$app_pid" 2>/dev/null || true; fi
  if [[ -n $collector_pid ]] && kill -0 "$collector_pid" 2>/dev/null; then
    kill -TERM "$collector_pid" 2>/dev/null || true
    wait "$collector_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; exit 130' INT TERM

# wait_until SECONDS WHAT COMMAND...: polls COMMAND until it succeeds, fails after SECONDS.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || die "gave up after ${seconds}s waiting for $what"
    sleep 0.2
  done
}

collector_alive() {
  kill -0 "$collector_pid" 2>/dev/null \
    || die "the collector exited; its log:"$'\n'"$(tail -n 30 "$work/collector.log")"
}

collector_started() {
  collector_alive
  grep -q '^JobPulse collector started: ' "$work/collector.log"
}

api_get() {
  curl -fsS --max-time 5 "$api$1"
}

app_alive() {
  kill -0 "$app_pid" 2>/dev/null \
    || die "the sample app exited; its output:"$'\n'"$(tail -n 30 "$work/app.log")"
}

# The newest enrichment job with that status, as the API's JSON answer; fails when none.
job_with_status() {
  local answer
  collector_alive
  answer=$(api_get "/api/jobs?name=${enrich_job/\#/%23}&status=$1&limit=1") || return 1
  [[ $answer == *'"id"'* ]] || return 1
  printf '%s\n' "$answer"
}

show_jobs() {
  if command -v jq >/dev/null 2>&1; then
    jq '.jobs[0]'
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["jobs"][0], indent=2))'
  else
    cat
  fi
}

step "starting the collector (data in $work/data)"
java -jar "$collector_jar" serve --data-dir "$work/data" \
  --otlp-port "$otlp_port" --otlp-grpc-port 0 --http-port "$http_port" \
  >"$work/collector.log" 2>&1 &
collector_pid=$!
wait_until 60 "the collector to start" collector_started
started=$(grep -m1 '^JobPulse collector started: ' "$work/collector.log")
echo "$started"
[[ $started =~ otlp-http=([0-9]+).*\ http=([0-9]+) ]] || die "unexpected started line: $started"
otlp_port=${BASH_REMATCH[1]}
http_port=${BASH_REMATCH[2]}
api=http://127.0.0.1:$http_port

step "running the sample app under the agent: batch $batch_id, $firms firms, 200 ms each"
OTEL_SERVICE_NAME=sample-app java \
  -javaagent:"$agent_jar" \
  -Djobpulse.collector.endpoint="http://127.0.0.1:$otlp_port" \
  -Djobpulse.jobs="$enrich_job(id=arg0.batchId,total=arg0.firms.size)" \
  -Djobpulse.items='io.jobpulse.sample.jobs.FirmEnrichmentJob#enrichFirm' \
  -Djobpulse.heartbeat.interval=1s \
  -jar "$app_jar" enrich --firms "$firms" --delay-ms 200 --batch-id "$batch_id" \
  >"$work/app.log" 2>&1 &
app_pid=$!
running_job_shown() {
  app_alive
  job_with_status RUNNING >/dev/null
}
wait_until 60 "job $batch_id to show RUNNING" running_job_shown
# Let a few firms through first, so the count frozen by the kill shows (cosmetic: bounded, and
# the demo goes on without it).
some_progress_shown() {
  app_alive
  job_with_status RUNNING | grep -Eq '"done":([5-9]|[1-9][0-9])'
}
deadline=$((SECONDS + 10))
until some_progress_shown || ((SECONDS >= deadline)); do sleep 0.2; done
job_with_status RUNNING | show_jobs
tail -n 2 "$work/app.log"

step "kill -9 $app_pid: the worker dies mid-batch, no shutdown hook, no goodbye"
kill -9 "$app_pid"
wait "$app_pid" 2>/dev/null || true
app_pid=
killed_at=$SECONDS
wait_until 30 "job $batch_id to show CRASHED" job_with_status CRASHED >/dev/null
echo "flagged CRASHED in under $((SECONDS - killed_at + 1)) s (the incident took 9 days):"
job_with_status CRASHED | show_jobs

step "look around"
echo "Dashboard: http://localhost:$http_port/"
echo "API:       curl -s 'http://localhost:$http_port/api/jobs?status=CRASHED'"
echo "           curl -s 'http://localhost:$http_port/api/workers'"

if ! $wait_at_end; then
  exit 0
fi
echo
echo "The collector keeps running; Ctrl-C stops it."
wait "$collector_pid"
