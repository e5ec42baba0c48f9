#!/bin/bash
# A fake command-line tool for runbook tests. Installed (symlinked) as `kubectl`, `curl`, `ssh`,
# `tailscale`, ... in a temp bin dir placed first on PATH; its name is the tool it plays.
#
# It only carries the call to the fake server of the test process (fake-server.ts) and plays back
# the answer: the server matches the scenario, records the call and may delay the answer. Bash
# rather than Node because a runbook scenario makes 10-40 calls and a Node start costs ~90 ms of
# CPU against ~5 ms for bash; the matching logic stays in TypeScript, in one place.
#
# The call goes to a request file in $FAKE_DIR (NUL-terminated fields) and one short message over
# 127.0.0.1:$FAKE_PORT (bash's /dev/tcp); the answer's output comes back in files:
#   request file: <tool> <argc> <arg>... <exported variable NAMES, one per line> <stdin>
#   message:      fake1 <FAKE_ID> <request file>
#   answer:       <exit code> <stdout file or ""> <stderr file or "">
# Only bash builtins run (a fork and exec costs ~6 ms here, and a scenario makes 10-40 calls), so
# stdin and output cannot hold NUL bytes. Values of the environment are never sent, so a secret in
# it can never reach the call log.
LC_ALL=C
tool=${0##*/}
if [ -z "${FAKE_PORT:-}" ] || [ -z "${FAKE_ID:-}" ] || [ -z "${FAKE_DIR:-}" ]; then
  echo "fake $tool: FAKE_PORT, FAKE_ID and FAKE_DIR are not set: run it through makeFakeEnv() (test/fakes/run-runbook.ts)" >&2
  exit 98
fi
req="$FAKE_DIR/$$.req"
stdin=''
# stdin is read unless it is a terminal; a closed or empty stdin reads as ''.
if [ ! -t 0 ]; then IFS= read -r -d '' stdin || true; fi
{
  printf '%s\0%s\0' "$tool" "$#"
  if [ "$#" -gt 0 ]; then printf '%s\0' "$@"; fi
  compgen -e
  printf '\0%s\0' "$stdin"
} >"$req"
if ! exec 3<>"/dev/tcp/127.0.0.1/$FAKE_PORT"; then
  echo "fake $tool: cannot reach the fake server on 127.0.0.1:$FAKE_PORT (has the test finished?)" >&2
  exit 98
fi
printf 'fake1\0%s\0%s\0' "$FAKE_ID" "$req" >&3
IFS= read -r -d '' code <&3
IFS= read -r -d '' out <&3
IFS= read -r -d '' err <&3
exec 3<&-
# Played back with builtins too: read -d '' keeps every byte but NUL, trailing newlines included.
if [ -n "$out" ]; then IFS= read -r -d '' body <"$out" || true; printf '%s' "$body"; fi
if [ -n "$err" ]; then IFS= read -r -d '' body <"$err" || true; printf '%s' "$body" >&2; fi
if [ -z "$code" ] || { [ "$code" = 98 ] && [ -z "$err" ]; }; then
  echo "fake $tool: the fake server gave no answer to this call (its reason is in the test's output)" >&2
fi
exit "${code:-98}"
