#!/usr/bin/env bash
# Called by .github/workflows/refresh-lock.yml after `make lock UPGRADE=1`:
#   lock-refresh.sh pull-request   the tests passed: push the new lock, open (or update) a PR
#   lock-refresh.sh issue          the tests failed: open an issue naming the run (once)
# Needs `gh` (GH_TOKEN) and, for the link, RUN_URL. tests/test_workflows.py runs it
# with a stand-in `gh` and a local remote.
set -euo pipefail

mode=${1:?usage: lock-refresh.sh pull-request|issue}
branch=lock-refresh
run_url=${RUN_URL:-}

# The pins that changed, as "-name==old" / "+name==new" lines.
changed_pins() {
    git diff -U0 -- requirements/test.lock requirements/base.lock \
        | grep -E '^[-+][A-Za-z0-9_.-]+==' | sed -E 's/ *\\$//' | sort -u -k1.2 || true
}

pins=$(changed_pins)
if [ -z "$pins" ] && [ "$mode" = pull-request ]; then
    echo "The lock already holds the newest versions the ranges allow; nothing to propose."
    exit 0
fi
body=$(printf 'Pins changed by `make lock UPGRADE=1`:\n\n```\n%s\n```\n\nWorkflow run: %s\n' \
    "${pins:-(none: the lock could not be made)}" "${run_url:-(not given)}")

case "$mode" in
pull-request)
    git config user.name "github-actions[bot]"
    git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
    git switch -C "$branch"
    git add requirements/base.lock requirements/test.lock
    git commit --quiet -m "Lock the newest versions the ranges allow (tests pass)"
    git push --quiet --force origin "$branch"
    if [ -n "$(gh pr list --head "$branch" --state open --json number --jq '.[].number')" ]; then
        echo "The open pull request from $branch now has this lock."
    else
        gh pr create --head "$branch" --title "Lock the newest dependency versions" \
            --body "$body

The whole test suite passed on this lock in the run above."
    fi
    ;;
issue)
    title="The newest dependency versions fail the tests"
    if [ -n "$(gh issue list --state open --search "\"$title\" in:title" --json number --jq '.[].number')" ]; then
        echo "An issue about this is already open."
    else
        gh issue create --title "$title" --body "$body

\`make lock UPGRADE=1\` or \`make test\` failed; installs keep the committed lock. See the run's log."
    fi
    ;;
*)
    echo "unknown mode: $mode" >&2
    exit 2
    ;;
esac
