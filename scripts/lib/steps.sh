# shellcheck shell=bash
# Helpers sourced by the bootstrap scripts (bash >= 5, for EPOCHREALTIME).
#
#   . scripts/lib/steps.sh
#   step "build pulumi" go build ...     # ==> build pulumi ... <== build pulumi (12.3s)
#   on_exit 'rm -rf "$tmp"'              # run at exit, in order, even on failure
#   cache_dir                            # ${GOSHIP_CACHE:-$HOME/.cache/goship}
#
# Sourcing has no side effects; the first `step`/`on_exit` installs an EXIT trap
# (and INT/TERM/HUP traps that exit through it) -- a script that needs its own
# EXIT trap should use `on_exit` instead.
#
# `step` runs its command in the current shell, so under `set -e` a failure inside
# it (or inside a shell function it calls) stops the script; the EXIT trap then
# prints "<== name FAILED (exit N) after 1.2s". Do not call `step` as an `if`/`||`
# condition: bash would then ignore errexit inside the command.

if [[ -n "${_GOSHIP_STEPS_LOADED:-}" ]]; then
  return 0
fi
_GOSHIP_STEPS_LOADED=1

_step_name=""
_step_t0=""
_on_exit_cmds=()

cache_dir() {
  printf '%s\n' "${GOSHIP_CACHE:-$HOME/.cache/goship}"
}

# Microseconds since the epoch (EPOCHREALTIME may use ',' as decimal point).
_steps_now_us() {
  local t=${EPOCHREALTIME//[.,]/}
  printf '%s\n' "$((10#$t))"
}

# Seconds elapsed since $1 (microseconds), one decimal: "12.3".
_steps_elapsed() {
  local d=$(($(_steps_now_us) - $1))
  printf '%d.%d' "$((d / 1000000))" "$(((d % 1000000) / 100000))"
}

step() {
  if [[ $# -lt 2 ]]; then
    echo "step: usage: step NAME COMMAND [ARGS...]" >&2
    return 2
  fi
  local name=$1 rc
  shift
  if [[ -n "$_step_name" ]]; then
    # Nested step: just run it (the outer step reports).
    "$@"
    return
  fi
  _steps_install_traps
  printf '==> %s\n' "$name"
  _step_name=$name
  _step_t0=$(_steps_now_us)
  "$@"
  rc=$? # reached on success, or when the caller does not use `set -e`
  if [[ $rc -eq 0 ]]; then
    printf '<== %s (%ss)\n' "$name" "$(_steps_elapsed "$_step_t0")"
  else
    printf '<== %s FAILED (exit %d) after %ss\n' "$name" "$rc" "$(_steps_elapsed "$_step_t0")" >&2
  fi
  _step_name=""
  return "$rc"
}

# Register a command (a string, eval'd) to run when the script exits.
on_exit() {
  _steps_install_traps
  _on_exit_cmds+=("$1")
}

_steps_exit_trap() {
  local rc=$? cmd
  if [[ -n "$_step_name" ]]; then
    if [[ $rc -ge 129 && $rc -le 143 ]]; then
      printf '<== %s INTERRUPTED (signal %d) after %ss\n' "$_step_name" "$((rc - 128))" "$(_steps_elapsed "$_step_t0")" >&2
    else
      printf '<== %s FAILED (exit %d) after %ss\n' "$_step_name" "$rc" "$(_steps_elapsed "$_step_t0")" >&2
    fi
    _step_name=""
  fi
  for cmd in "${_on_exit_cmds[@]}"; do
    eval "$cmd" || true
  done
  return "$rc"
}

# Installed on first use of `step`/`on_exit`, so that merely sourcing this file
# (e.g. from an interactive shell) changes nothing.
_steps_install_traps() {
  [[ -n "${_steps_traps_installed:-}" ]] && return 0
  _steps_traps_installed=1
  trap _steps_exit_trap EXIT
  # Make signals go through the EXIT trap (bash may skip it when killed outright).
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}
