# Sourced by demo.sh and bench.sh: starts a built stand-in on 127.0.0.1 in the background and
# sets $standin_url and $standin_pid. Usage: start_standin BINARY WORKDIR
start_standin() {
  "$1" >"$2/standin.url" 2>"$2/standin.log" &
  standin_pid=$!
  for _ in $(seq 100); do
    [ -s "$2/standin.url" ] && break
    sleep 0.1
  done
  standin_url=$(head -n 1 "$2/standin.url")
  if [ -z "$standin_url" ]; then
    echo "the stand-in did not start:" >&2
    cat "$2/standin.log" >&2
    return 1
  fi
}
