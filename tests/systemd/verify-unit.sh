#!/bin/sh
# Checks the shipped unit with systemd-analyze verify; exits 77 (skipped) where it cannot run.
# Usage: verify-unit.sh UNIT_FILE DEADLINED_BINARY
set -u
unit=$1 binary=$2
command -v systemd-analyze >/dev/null 2>&1 || { echo "systemd-analyze not found"; exit 77; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
# Point ExecStart at the built binary so verify can check that it exists.
sed "s|/usr/local/bin/deadlined|$binary|g" "$unit" > "$dir/deadlined.service"
out=$(systemd-analyze verify "$dir/deadlined.service" 2>&1)
rc=$?
echo "$out"
if [ $rc -ne 0 ] && echo "$out" | grep -qiE 'Failed to (initialize|connect|create)|not been booted|System has not been booted'; then
  echo "systemd-analyze cannot run here; skipping"
  exit 77
fi
# verify only warns about unknown keys and bad values; any remark is a failure here.
[ $rc -eq 0 ] && [ -n "$out" ] && exit 1
exit $rc
