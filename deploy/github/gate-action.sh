#!/usr/bin/env bash
# The benchmark gate of the composite action (action.yml at the repository root), as a script so it
# can be run and tested outside GitHub. Everything comes from the environment that action.yml's step
# sets from its inputs:
#   BASELINE_DIR, CANDIDATE_DIR  two result folders to gate (both or neither); when set nothing is run
#   BASE_REF                     otherwise: the base commit or ref (github.base_ref on a pull request);
#                                the head is the working tree the script starts in
#   SUITE SCENARIOS AGENTS SUBMISSIONS SEEDS ROOT_SEED WORKERS  what `orchbench run` runs on both sides
#   INSTALL                      command that installs dependencies in the base checkout (npm ci)
#   ORCHBENCH                    how to call orchbench (npx --no-install orchbench)
#   THRESHOLD METRICS MIN_SEEDS ALLOW_MISMATCH  passed to `orchbench gate`
#   OUT                          folder for the runs, the gate's outputs (gate.md, gate.json, bencher.json,
#                                github-benchmark-*.json) and a copy of both leaderboards
#   GITHUB_STEP_SUMMARY GITHUB_OUTPUT  as GitHub sets them (the markdown summary; outputs verdict, exit-code, out)
# Exit code: the gate's (0 pass, 1 regression, 2 usage error or nothing comparable).
set -euo pipefail

usage() { echo "bench-gate: $*" >&2; exit 2; }
out=$(mkdir -p "${OUT:-bench-gate}" && cd "${OUT:-bench-gate}" && pwd)
read -r -a orchbench <<< "${ORCHBENCH:-npx --no-install orchbench}"

run_args=(run --suite "${SUITE:-testing}" --seeds "${SEEDS:-3}" --root-seed "${ROOT_SEED:-0}")
[[ -n "${SCENARIOS:-}" ]] && run_args+=(--scenarios "$SCENARIOS")
[[ -n "${AGENTS:-}" ]] && run_args+=(--agents "$AGENTS")
[[ -n "${WORKERS:-}" ]] && run_args+=(--workers "$WORKERS")
if [[ -n "${SUBMISSIONS:-}" ]]; then
  read -r -a subs <<< "$SUBMISSIONS"
  run_args+=(--submissions "${subs[@]}")
fi

if [[ -n "${BASELINE_DIR:-}${CANDIDATE_DIR:-}" ]]; then
  [[ -n "${BASELINE_DIR:-}" && -n "${CANDIDATE_DIR:-}" ]] || usage "give both baseline-dir and candidate-dir, or neither"
  base=$BASELINE_DIR
  cand=$CANDIDATE_DIR
else
  [[ -n "${BASE_REF:-}" ]] || usage "no base-ref to compare with (on a pull_request event it is github.base_ref), and no baseline-dir/candidate-dir"
  base=$out/baseline
  cand=$out/candidate
  echo "::group::candidate run (this checkout)"
  "${orchbench[@]}" "${run_args[@]}" --out "$cand"
  echo "::endgroup::"
  sha=$(git rev-parse --verify --quiet "$BASE_REF^{commit}" || { git fetch --no-tags --depth=1 origin "$BASE_REF" >&2 && git rev-parse --verify FETCH_HEAD; }) \
    || usage "cannot find the base $BASE_REF (here or on origin)"
  worktree=$(mktemp -d)/base
  git worktree add --detach "$worktree" "$sha" >&2
  trap 'git worktree remove --force "$worktree" >/dev/null 2>&1 || true' EXIT
  echo "::group::baseline run ($BASE_REF = $sha)"
  (cd "$worktree" && bash -c "${INSTALL:-npm ci}" && "${orchbench[@]}" "${run_args[@]}" --out "$base")
  echo "::endgroup::"
fi

gate_args=(gate --baseline "$base" --candidate "$cand" --threshold "${THRESHOLD:-5%}" --min-seeds "${MIN_SEEDS:-3}")
[[ -n "${METRICS:-}" ]] && gate_args+=(--metrics "$METRICS")
[[ -n "${ALLOW_MISMATCH:-}" ]] && gate_args+=(--allow-mismatch "$ALLOW_MISMATCH")

# One gate call: the markdown on the log and the step summary, every format saved in $out.
set +e
"${orchbench[@]}" "${gate_args[@]}" --save "$out"
code=$?
set -e
# The leaderboards of both sides, for the upload step.
for side in baseline candidate; do
  dir=$([[ $side == baseline ]] && echo "$base" || echo "$cand")
  if compgen -G "$dir/leaderboard.*" > /dev/null; then
    mkdir -p "$out/leaderboards/$side"
    cp "$dir"/leaderboard.* "$out/leaderboards/$side/"
  fi
done
verdict=$([[ $code -eq 0 ]] && echo pass || { [[ $code -eq 1 ]] && echo regression || echo error; })
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  { echo "verdict=$verdict"; echo "exit-code=$code"; echo "out=$out"; } >> "$GITHUB_OUTPUT"
fi
exit "$code"
