#!/usr/bin/env bash
# Patchbay server load benchmark, all on 127.0.0.1 and bounded in time:
#   1. proxy throughput and added p99 latency: Patchbay's /v1/accounts/{id}/proxy/... versus nginx proxy_pass,
#      both in front of the same local upstream (an nginx answering like Toggl's API); first both without access
#      logs (nginx's access_log off, PATCHBAY_ACCESS_LOG=false), then both writing one line per request;
#   2. start-up time (launch until GET /health answers) and idle RSS: Patchbay versus a bare Javalin hello world
#      (HelloJavalin.java beside this script), same JVM, same flags, same jar on the class path.
# Two floors are measured beside them, to show what any JVM implementation on the same stack pays: a minimal Netty
# proxy (NettyProxyFloor.java: forwarding only) in the proxy runs, and the required stack with nothing else
# (StackFloor.java: Logback, Tink, SQLite through jdbi, Guice, Moshi, Micrometer, Javalin) in the start-up runs.
# Installs nginx and wrk with apt-get when missing. Prints a table; writes it to $OUT (default
# benchmarks/load/results/server-bench.txt). Usage: benchmarks/load/server-bench.sh [duration-seconds]
# Environment: WARMUP, THREADS, CONNECTIONS, ROUNDS (latency rounds), STARTS, JAVA_OPTS (every JVM), CDS=1 (class
# data sharing for each).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/benchmarks/load"
DURATION="${1:-20}"
WARMUP="${WARMUP:-15}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
STARTS="${STARTS:-5}"
ROUNDS="${ROUNDS:-3}"
OUT="${OUT:-$HERE/results/server-bench.txt}"
JAR="$ROOT/adapter-rest/target/patchbay-server.jar"
JAVA_OPTS="${JAVA_OPTS:-}"
UPSTREAM_PORT=18081
NGINX_PORT=18082
PATCHBAY_PORT=18080
HELLO_PORT=18083
NGINX_LOGGED_PORT=18084
FLOOR_PROXY_PORT=18085
FLOOR_STACK_PORT=18086

if [ "$DURATION" -gt 120 ]; then
    echo "duration is capped at 120 s" >&2
    exit 2
fi

need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "Installing $2 ..."
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
        else
            sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
        fi
    fi
}
need nginx nginx-light
need wrk wrk
need curl curl

if [ ! -f "$JAR" ]; then
    echo "Building $JAR ..."
    (cd "$ROOT" && mvn -B -q -pl adapter-rest -am package -DskipTests)
fi

WORK="$(mktemp -d /tmp/patchbay-bench.XXXXXX)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() { # url, timeout seconds
    local deadline=$(( $(date +%s) + $2 ))
    until curl -fs -o /dev/null "$1"; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "timed out waiting for $1" >&2
            return 1
        fi
        sleep 0.02
    done
}

# ---- the upstream: answers like Toggl's /api/v9/me, /me/workspaces, and a 1 KiB document to proxy ----------------
TOKEN="0123456789abcdef0123456789abcdef"
BASIC="$(printf '%s:api_token' "$TOKEN" | base64 -w0)"
DOC='{"id":4001,"workspace_id":2001,"name":"Website relaunch","active":true,"billable":true,"color":"#0b83d9","created_at":"2025-01-01T09:00:00Z","at":"2025-06-01T09:00:00Z","actual_hours":120,"estimated_hours":200,"client_id":5001,"currency":"EUR","rate":95.5,"template":false,"is_private":false,"recurring":false,"notes":"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum. Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo.","tags":["billed","meeting"]}'
mkdir -p "$WORK/upstream" "$WORK/proxy"
cat > "$WORK/upstream/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $WORK/upstream/nginx.pid;
error_log $WORK/upstream/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/upstream;
    proxy_temp_path $WORK/upstream;
    fastcgi_temp_path $WORK/upstream;
    uwsgi_temp_path $WORK/upstream;
    scgi_temp_path $WORK/upstream;
    server {
        listen 127.0.0.1:$UPSTREAM_PORT;
        default_type application/json;
        location = /api/v9/me { return 200 '{"id":1001,"email":"bench@example.com","fullname":"Bench User","timezone":"UTC","default_workspace_id":2001}'; }
        location = /api/v9/me/workspaces { return 200 '[{"id":2001,"name":"Bench","organization_id":3001,"admin":true,"role":"admin"}]'; }
        location = /api/v9/bench { return 200 '$DOC'; }
    }
}
EOF
cat > "$WORK/proxy/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $WORK/proxy/nginx.pid;
error_log $WORK/proxy/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/proxy;
    proxy_temp_path $WORK/proxy;
    fastcgi_temp_path $WORK/proxy;
    uwsgi_temp_path $WORK/proxy;
    scgi_temp_path $WORK/proxy;
    upstream toggl { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://toggl;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Basic $BASIC";
        }
    }
    server {
        listen 127.0.0.1:$NGINX_LOGGED_PORT;
        access_log $WORK/proxy/access.log;
        location / {
            proxy_pass http://toggl;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Basic $BASIC";
        }
    }
}
EOF
nginx -c "$WORK/upstream/nginx.conf" -p "$WORK/upstream" & PIDS+=($!)
nginx -c "$WORK/proxy/nginx.conf" -p "$WORK/proxy" & PIDS+=($!)
wait_for "http://127.0.0.1:$UPSTREAM_PORT/api/v9/bench" 10
wait_for "http://127.0.0.1:$NGINX_PORT/api/v9/bench" 10

# ---- Patchbay with a linked account whose base URL is the upstream ------------------------------------------------
# The reference programs, compiled against the server jar's libraries. A jar, not a folder: class data sharing
# (CDS=1) only archives classes from jars.
mkdir -p "$WORK/ref/classes" "$WORK/hello" "$WORK/floor"
javac -d "$WORK/ref/classes" -cp "$JAR" "$HERE/HelloJavalin.java" "$HERE/StackFloor.java" \
    "$HERE/NettyProxyFloor.java"
jar cf "$WORK/ref/ref.jar" -C "$WORK/ref/classes" .
REF_CP="$WORK/ref/ref.jar:$JAR"
java $JAVA_OPTS -cp "$REF_CP" NettyProxyFloor "$FLOOR_PROXY_PORT" "$UPSTREAM_PORT" "Basic $BASIC" \
    > "$WORK/floor/proxy.out" 2>&1 &
FLOOR_PROXY_PID=$!
PIDS+=($FLOOR_PROXY_PID)
wait_for "http://127.0.0.1:$FLOOR_PROXY_PORT/api/v9/bench" 30

mkdir -p "$WORK/patchbay"
# The Toggl connector spaces each token's requests, proxied ones included, to Toggl's pace (1 per second by
# default); the upstream here is a local stand-in, so the pace is set far above what is measured.
start_patchbay() { # access-log true|false
    (cd "$WORK/patchbay" && exec env PATCHBAY_PORT=$PATCHBAY_PORT PATCHBAY_LOG_DIR="$WORK/patchbay/logs" \
        PATCHBAY_ACCESS_LOG="$1" PATCHBAY_CONNECTOR_TOGGL_REQUESTS_PER_SECOND=1000000000 \
        PATCHBAY_CONNECTOR_TOGGL_BASE_URL="http://127.0.0.1:$UPSTREAM_PORT" \
        java $JAVA_OPTS -jar "$JAR" > "$WORK/patchbay/stdout.txt" 2>&1) &
    PATCHBAY_PID=$!
    PIDS+=($PATCHBAY_PID)
}
start_patchbay false
wait_for "http://127.0.0.1:$PATCHBAY_PORT/health" 60
ADMIN="$(grep -o 'pb_sk_[a-z0-9]*' "$WORK/patchbay/stdout.txt" | head -1)"
KEY="$(curl -fs -X POST "http://127.0.0.1:$PATCHBAY_PORT/v1/admin/tenants/bench/api-keys" \
    -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{"name":"bench"}' \
    | sed -E 's/.*"key":"([^"]+)".*/\1/')"
ACCOUNT="$(curl -fs -X POST "http://127.0.0.1:$PATCHBAY_PORT/v1/accounts" -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' \
    -d "{\"connector_id\":\"toggl\",\"owner_id\":\"bench\",\"credentials\":{\"api_token\":\"$TOKEN\"}}" \
    | sed -E 's/.*"account":\{"id":"([^"]+)".*/\1/')"
PROXY_URL="http://127.0.0.1:$PATCHBAY_PORT/v1/accounts/$ACCOUNT/proxy/api/v9/bench"
curl -fs -o /dev/null -H "Authorization: Bearer $KEY" "$PROXY_URL"

# wrk's "Requests/sec" and its 50% / 99% latencies, in milliseconds.
run_wrk() { # label url [header]; THREADS and CONNECTIONS may be overridden per call
    local out
    if [ -n "${3:-}" ]; then
        out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$3" "$2")"
    else
        out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$2")"
    fi
    echo "$out" > "$WORK/wrk-$1.txt"
    local rps p50 p99 errors
    rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
    p50="$(echo "$out" | awk '$1=="50%" {print $2}')"
    p99="$(echo "$out" | awk '$1=="99%" {print $2}')"
    errors="$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')"
    echo "$1 $rps $(to_ms "$p50") $(to_ms "$p99") ${errors:-none}"
}
to_ms() {
    local v="$1"
    case "$v" in
        *us) awk -v x="${v%us}" 'BEGIN {printf "%.3f", x / 1000}' ;;
        *ms) awk -v x="${v%ms}" 'BEGIN {printf "%.3f", x}' ;;
        *s) awk -v x="${v%s}" 'BEGIN {printf "%.3f", x * 1000}' ;;
        *) echo "$v" ;;
    esac
}

warm_up() {
    echo "Warming up Patchbay for ${WARMUP}s ..."
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $KEY" "$PROXY_URL" > /dev/null
}
stop_patchbay() {
    kill "$PATCHBAY_PID" 2>/dev/null || true
    wait "$PATCHBAY_PID" 2>/dev/null || true
}
echo "Warming up the Netty floor for ${WARMUP}s ..."
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$FLOOR_PROXY_PORT/api/v9/bench" > /dev/null
warm_up
echo "Without access logs, ${DURATION}s each at $CONNECTIONS connections: upstream, nginx, Patchbay, floor ..."
DIRECT="$(run_wrk direct "http://127.0.0.1:$UPSTREAM_PORT/api/v9/bench")"
NGINX="$(run_wrk nginx "http://127.0.0.1:$NGINX_PORT/api/v9/bench")"
PATCHBAY="$(run_wrk patchbay "$PROXY_URL" "Authorization: Bearer $KEY")"
FLOOR="$(run_wrk floor "http://127.0.0.1:$FLOOR_PROXY_PORT/api/v9/bench")"
# Latency without queueing: one connection, one request at a time. What a proxy adds shows here, not at saturation.
# A p99 of tens of microseconds moves with whatever else the machine schedules, so the four targets take turns
# for ROUNDS rounds and the report takes each target's median p99.
echo "Latency, $ROUNDS rounds of ${DURATION}s each at 1 connection ..."
: > "$WORK/latency.txt"
for round in $(seq "$ROUNDS"); do
    LDIRECT="$(THREADS=1 CONNECTIONS=1 run_wrk "lat-direct-$round" "http://127.0.0.1:$UPSTREAM_PORT/api/v9/bench")"
    LNGINX="$(THREADS=1 CONNECTIONS=1 run_wrk "lat-nginx-$round" "http://127.0.0.1:$NGINX_PORT/api/v9/bench")"
    LPATCHBAY="$(THREADS=1 CONNECTIONS=1 run_wrk "lat-patchbay-$round" "$PROXY_URL" "Authorization: Bearer $KEY")"
    LFLOOR="$(THREADS=1 CONNECTIONS=1 run_wrk "lat-floor-$round" "http://127.0.0.1:$FLOOR_PROXY_PORT/api/v9/bench")"
    read -r _ d_rps d_p50 d_p99 _ <<< "$LDIRECT"
    read -r _ n_rps n_p50 n_p99 _ <<< "$LNGINX"
    read -r _ p_rps p_p50 p_p99 _ <<< "$LPATCHBAY"
    read -r _ f_rps f_p50 f_p99 _ <<< "$LFLOOR"
    echo "$round $d_rps $d_p50 $d_p99 $n_rps $n_p50 $n_p99 $p_rps $p_p50 $p_p99 $f_rps $f_p50 $f_p99" \
        >> "$WORK/latency.txt"
done
kill "$FLOOR_PROXY_PID" 2>/dev/null || true
stop_patchbay
# The same with a line per request: nginx's default access log, Patchbay's default (console and rolling file).
start_patchbay true
wait_for "http://127.0.0.1:$PATCHBAY_PORT/health" 60
warm_up
echo "With access logs, ${DURATION}s each at $CONNECTIONS connections: nginx, Patchbay ..."
NGINX_LOGGED="$(run_wrk nginx-logged "http://127.0.0.1:$NGINX_LOGGED_PORT/api/v9/bench")"
PATCHBAY_LOGGED="$(run_wrk patchbay-logged "$PROXY_URL" "Authorization: Bearer $KEY")"
stop_patchbay

# ---- start-up time and idle RSS ----------------------------------------------------------------------------------
PB_OPTS="$JAVA_OPTS"
HELLO_OPTS="$JAVA_OPTS"
FLOOR_OPTS="$JAVA_OPTS"
if [ "${CDS:-0}" = 1 ]; then
    # Application class data sharing for each: a training start writes an archive, measured starts map it.
    train() { # port archive command...
        local port="$1" archive="$2"
        shift 2
        "$@" > /dev/null 2>&1 &
        local pid=$!
        wait_for "http://127.0.0.1:$port/health" 60
        sleep 1
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    }
    (cd "$WORK/patchbay" && train "$PATCHBAY_PORT" pb.jsa env PATCHBAY_PORT=$PATCHBAY_PORT \
        PATCHBAY_LOG_DIR="$WORK/patchbay/logs" java $JAVA_OPTS -XX:ArchiveClassesAtExit="$WORK/pb.jsa" -jar "$JAR")
    (cd "$WORK/hello" && train "$HELLO_PORT" hello.jsa java $JAVA_OPTS -XX:ArchiveClassesAtExit="$WORK/hello.jsa" \
        -cp "$REF_CP" HelloJavalin "$HELLO_PORT")
    (cd "$WORK/floor" && train "$FLOOR_STACK_PORT" floor.jsa java $JAVA_OPTS \
        -XX:ArchiveClassesAtExit="$WORK/floor.jsa" -cp "$REF_CP" StackFloor "$FLOOR_STACK_PORT" "$WORK/floor/data")
    PB_OPTS="$JAVA_OPTS -XX:SharedArchiveFile=$WORK/pb.jsa"
    HELLO_OPTS="$JAVA_OPTS -XX:SharedArchiveFile=$WORK/hello.jsa"
    FLOOR_OPTS="$JAVA_OPTS -XX:SharedArchiveFile=$WORK/floor.jsa"
fi

measure_start() { # label port command...
    local label="$1" port="$2"
    shift 2
    local t0 t1 pid rss
    t0="$(date +%s%N)"
    "$@" > "$WORK/$label.out" 2>&1 &
    pid=$!
    PIDS+=($pid)
    until curl -fs -o /dev/null "http://127.0.0.1:$port/health"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$label exited; see $WORK/$label.out" >&2
            cat "$WORK/$label.out" >&2
            exit 1
        fi
        sleep 0.005
    done
    t1="$(date +%s%N)"
    sleep 5
    rss="$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$(( (t1 - t0) / 1000000 )) $(( rss / 1024 ))"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

# The stack floor makes its keyset and database on a first start, as Patchbay made its own above.
(cd "$WORK/floor" && measure_start floor "$FLOOR_STACK_PORT" java $FLOOR_OPTS -cp "$REF_CP" StackFloor \
    "$FLOOR_STACK_PORT" "$WORK/floor/data" > /dev/null)
PB_STARTS=()
HELLO_STARTS=()
FLOOR_STARTS=()
for i in $(seq "$STARTS"); do
    PB_STARTS+=("$(cd "$WORK/patchbay" && measure_start patchbay "$PATCHBAY_PORT" env PATCHBAY_PORT=$PATCHBAY_PORT \
        PATCHBAY_LOG_DIR="$WORK/patchbay/logs" java $PB_OPTS -jar "$JAR")")
    HELLO_STARTS+=("$(cd "$WORK/hello" && measure_start hello "$HELLO_PORT" java $HELLO_OPTS \
        -cp "$REF_CP" HelloJavalin "$HELLO_PORT")")
    FLOOR_STARTS+=("$(cd "$WORK/floor" && measure_start floor "$FLOOR_STACK_PORT" java $FLOOR_OPTS \
        -cp "$REF_CP" StackFloor "$FLOOR_STACK_PORT" "$WORK/floor/data")")
done
PB_MS="$(printf '%s\n' "${PB_STARTS[@]}" | awk '{print $1}' | median)"
PB_RSS="$(printf '%s\n' "${PB_STARTS[@]}" | awk '{print $2}' | median)"
HELLO_MS="$(printf '%s\n' "${HELLO_STARTS[@]}" | awk '{print $1}' | median)"
HELLO_RSS="$(printf '%s\n' "${HELLO_STARTS[@]}" | awk '{print $2}' | median)"
FLOOR_MS="$(printf '%s\n' "${FLOOR_STARTS[@]}" | awk '{print $1}' | median)"
FLOOR_RSS="$(printf '%s\n' "${FLOOR_STARTS[@]}" | awk '{print $2}' | median)"

# ---- report ------------------------------------------------------------------------------------------------------
read -r _ D_RPS D_P50 D_P99 D_ERR <<< "$DIRECT"
read -r _ N_RPS N_P50 N_P99 N_ERR <<< "$NGINX"
read -r _ P_RPS P_P50 P_P99 P_ERR <<< "$PATCHBAY"
read -r _ NL_RPS NL_P50 NL_P99 NL_ERR <<< "$NGINX_LOGGED"
read -r _ PL_RPS PL_P50 PL_P99 PL_ERR <<< "$PATCHBAY_LOGGED"
read -r _ F_RPS F_P50 F_P99 F_ERR <<< "$FLOOR"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# Per round, what each proxy adds to the direct p99 of the same round (shown only). The verdict compares medians
# over the rounds: each target's median p99 minus the direct median p99.
awk '{printf "%s %.3f %.3f %.3f\n", $0, $7 - $4, $10 - $4, $13 - $4}' "$WORK/latency.txt" > "$WORK/latency-added.txt"
median_of() { # a column of latency.txt
    awk -v c="$1" '{print $c}' "$WORK/latency.txt" | median
}
LD_P99="$(median_of 4)"
N_ADDED="$(awk -v a="$(median_of 7)" -v b="$LD_P99" 'BEGIN {printf "%.3f", a - b}')"
P_ADDED="$(awk -v a="$(median_of 10)" -v b="$LD_P99" 'BEGIN {printf "%.3f", a - b}')"
F_ADDED="$(awk -v a="$(median_of 13)" -v b="$LD_P99" 'BEGIN {printf "%.3f", a - b}')"

mkdir -p "$(dirname "$OUT")"
{
    echo "Patchbay server benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
    echo "wrk ${DURATION}s per run, 1 KiB JSON answer, all on 127.0.0.1; JAVA_OPTS='${JAVA_OPTS}'"
    echo
    echo "Throughput at $CONNECTIONS connections ($THREADS wrk threads):"
    printf '%-26s %12s %10s %10s  %s\n' "target" "req/s" "p50 ms" "p99 ms" "errors"
    printf '%-26s %12s %10s %10s  %s\n' "upstream direct" "$D_RPS" "$D_P50" "$D_P99" "$D_ERR"
    printf '%-26s %12s %10s %10s  %s\n' "nginx proxy_pass" "$N_RPS" "$N_P50" "$N_P99" "$N_ERR"
    printf '%-26s %12s %10s %10s  %s\n' "Patchbay proxy" "$P_RPS" "$P_P50" "$P_P99" "$P_ERR"
    printf '%-26s %12s %10s %10s  %s\n' "Netty floor (forward only)" "$F_RPS" "$F_P50" "$F_P99" "$F_ERR"
    printf '%-26s %12s %10s %10s  %s\n' "nginx, access log" "$NL_RPS" "$NL_P50" "$NL_P99" "$NL_ERR"
    printf '%-26s %12s %10s %10s  %s\n' "Patchbay, access log" "$PL_RPS" "$PL_P50" "$PL_P99" "$PL_ERR"
    echo
    echo "Latency at 1 connection, $ROUNDS rounds of ${DURATION}s each, ms (+ = p99 minus the round's direct p99):"
    printf '%-5s %8s %8s  %8s %8s %7s  %8s %8s %7s  %8s %8s %7s\n' "round" "direct50" "direct99" \
        "nginx50" "nginx99" "+nginx" "pb50" "pb99" "+pb" "floor50" "floor99" "+floor"
    while read -r round _ d50 d99 _ n50 n99 _ p50 p99 _ f50 f99 na pa fa; do
        printf '%-5s %8s %8s  %8s %8s %7s  %8s %8s %7s  %8s %8s %7s\n' "$round" "$d50" "$d99" "$n50" "$n99" \
            "$na" "$p50" "$p99" "$pa" "$f50" "$f99" "$fa"
    done < "$WORK/latency-added.txt"
    echo "added p99 (median p99 minus the direct median p99): nginx $N_ADDED ms, Patchbay $P_ADDED ms," \
        "Netty floor $F_ADDED ms"
    echo
    echo "Patchbay / nginx throughput: $(ratio "$P_RPS" "$N_RPS")  (target >= 0.8); Netty floor / nginx:" \
        "$(ratio "$F_RPS" "$N_RPS")"
    echo "Patchbay / nginx throughput, both logging each request: $(ratio "$PL_RPS" "$NL_RPS")"
    if awk -v n="$N_ADDED" 'BEGIN {exit !(n > 0)}'; then
        echo "Patchbay / nginx added p99:  $(ratio "$P_ADDED" "$N_ADDED")  (target <= 1.5)"
        echo "Netty floor / nginx added p99: $(ratio "$F_ADDED" "$N_ADDED")"
    else
        echo "Patchbay / nginx added p99:  n/a, nginx's median p99 is not above the direct one (target <= 1.5)"
    fi
    echo
    printf '%-22s %14s %14s\n' "process" "start-up ms" "idle RSS MiB"
    printf '%-22s %14s %14s\n' "Javalin hello world" "$HELLO_MS" "$HELLO_RSS"
    printf '%-22s %14s %14s\n' "required-stack floor" "$FLOOR_MS" "$FLOOR_RSS"
    printf '%-22s %14s %14s\n' "Patchbay server" "$PB_MS" "$PB_RSS"
    echo "(median of $STARTS alternating starts each; Patchbay and the floor restart on their existing data;" \
        "CDS=${CDS:-0})"
    echo
    echo "Patchbay / hello start-up: $(ratio "$PB_MS" "$HELLO_MS")  (target <= 1.5);" \
        "floor / hello: $(ratio "$FLOOR_MS" "$HELLO_MS")"
    echo "Patchbay / hello idle RSS: $(ratio "$PB_RSS" "$HELLO_RSS")  (target <= 1.5);" \
        "floor / hello: $(ratio "$FLOOR_RSS" "$HELLO_RSS")"
} | tee "$OUT"
