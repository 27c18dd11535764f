# Sourced by demo.sh and bench.sh (run directly, it says so and exits 2). Creates $work (a temp dir, removed on exit, when the stand-in
# is stopped too) and defines start_standin BINARY, which starts a built stand-in on 127.0.0.1
# in the background (with any further arguments: `start_standin BINARY --vip 203.0.113.10`) and
# sets $standin_url.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "scripts/standin.sh is meant to be sourced (. scripts/standin.sh) by demo.sh and bench.sh;" >&2
  echo "to run the stand-in by hand: cargo run -p esa-standin -- --help" >&2
  exit 2
fi
work=$(mktemp -d)
standin_pid=
cleanup() {
  [ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_standin() {
  "$@" >"$work/standin.url" 2>"$work/standin.log" &
  standin_pid=$!
  for _ in $(seq 100); do
    [ -s "$work/standin.url" ] && break
    sleep 0.1
  done
  standin_url=$(head -n 1 "$work/standin.url")
  if [ -z "$standin_url" ]; then
    echo "the stand-in did not start:" >&2
    cat "$work/standin.log" >&2
    return 1
  fi
}
