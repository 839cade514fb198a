/**
 * The room keeper of one local game room: a small bash process (a few MB, unlike a Node one) that
 * runs the room's command, records its pid and exit code in the room directory, forwards SIGTERM
 * and escalates to SIGKILL after the grace period, applies the restart policy, and on a requested
 * deletion removes the room directory once the process is gone. Rooms outlive a maestro restart:
 * the keeper runs in its own session, and the next maestro reads the directory again.
 *
 * usage: bash room-keeper.sh ROOM_DIR LOG_FILE GRACE_SECONDS RESTART_POLICY -- COMMAND [ARG...]
 */
export const ROOM_KEEPER_SCRIPT = `#!/usr/bin/env bash
# Job control gives the room its own process group, so signals reach the processes it spawns too.
set -um
dir=$1 log=$2 grace=$3 policy=$4
shift 5
child=0 stopping=0 killer= code=0
stop_child() {
  kill -TERM -- "-$child" 2>/dev/null
  ( sleep "$grace"; kill -KILL -- "-$child" 2>/dev/null ) &
  killer=$!
}
on_term() {
  [ "$stopping" = 1 ] && return # a repeated deletion: one killer is enough
  stopping=1
  [ "$child" -gt 0 ] && stop_child
}
trap on_term TERM INT
backoff=1
while [ "$stopping" = 0 ]; do
  "$@" >>"$log" 2>&1 </dev/null &
  child=$!
  [ "$stopping" = 1 ] && stop_child # a TERM that came before $child was known
  echo "$child" >"$dir/pid.tmp" && mv -f "$dir/pid.tmp" "$dir/pid"
  while :; do
    wait "$child"; code=$?
    kill -0 "$child" 2>/dev/null || break
  done
  # As in a container: once the main process is gone, whatever it left behind is killed too.
  kill -KILL -- "-$child" 2>/dev/null
  [ -n "$killer" ] && kill -- "-$killer" 2>/dev/null
  rm -f "$dir/pid"
  if [ "$stopping" = 1 ] || [ "$policy" = Never ] || { [ "$policy" = OnFailure ] && [ "$code" = 0 ]; }; then
    break
  fi
  echo "maestro: room exited with code $code; restarting in \${backoff}s (restartPolicy $policy)" >>"$log"
  echo $(( $(cat "$dir/restarts" 2>/dev/null || echo 0) + 1 )) >"$dir/restarts"
  sleep "$backoff" & wait $!
  backoff=$(( backoff < 30 ? backoff * 2 : 30 ))
done
if [ -f "$dir/deleting" ]; then
  rm -rf "$dir"
  exit 0
fi
echo "$code" >"$dir/exit.tmp" && mv -f "$dir/exit.tmp" "$dir/exit"
`;
