#!/usr/bin/env bash
# The GitHub Action's one step of work (action.yml): runs kgd check on the given paths, writes SARIF for code
# scanning and prints the findings as text in the job log. It never fails the step itself: the exit status goes to
# the step's `exit-code` output, and action.yml fails the job after the SARIF is uploaded.
#
# Inputs come as environment variables (action.yml sets them from its inputs):
#   KGD_PATHS    paths to check, separated by spaces or newlines (default: .)
#   KGD_FAIL_ON  error | warning | info | none (default: error)
#   KGD_SARIF    the SARIF file to write (default: kgd.sarif)
#   KGD_ARGS     more arguments for kgd check (e.g. --versions kserve=0.13)
#   KGD          the command to run (action.yml sets it; default: kgd on the PATH)
set -uo pipefail
read -r -a paths <<< "$(printf '%s' "${KGD_PATHS:-.}" | tr '\n' ' ')"
read -r -a extra <<< "${KGD_ARGS:-}"
read -r -a kgd <<< "${KGD:-kgd}"
sarif="${KGD_SARIF:-kgd.sarif}"
"${kgd[@]}" check "${paths[@]}" "${extra[@]}" --fail-on "${KGD_FAIL_ON:-error}" -o sarif > "$sarif"
rc=$?
"${kgd[@]}" check "${paths[@]}" "${extra[@]}" --fail-on "${KGD_FAIL_ON:-error}" || true
# An input kgd could not read at all (exit 2 before any report) leaves no SARIF: upload nothing then.
if [ ! -s "$sarif" ]; then rm -f "$sarif"; sarif=""; fi
count=$([ -z "$sarif" ] && echo 0 || node -e 'const l = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(l.runs[0].results.filter((r) => !r.suppressions).length)' "$sarif" 2>/dev/null || echo 0)
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "exit-code=$rc"; echo "findings=$count"; echo "sarif-file=$sarif"; } >> "$GITHUB_OUTPUT"
fi
echo "kgd check: exit $rc, $count finding(s); SARIF in ${sarif:-(none)}"
exit 0
