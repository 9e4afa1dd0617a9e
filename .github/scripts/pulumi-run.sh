#!/usr/bin/env bash
# Runs one Pulumi operation for CI and reports its result in the job summary
# (and, for a pull request's preview, in one PR comment per stack, edited on
# every push) whether the command passed or failed: policy violations and
# drift show on the PR, not only in the log. pulumi/actions reports only after
# a command succeeds, so the workflows install the CLI with it and run it here.
#
#   bash .github/scripts/pulumi-run.sh preview|drift|up <stack>
#
# Environment: PULUMI_BACKEND_URL (the state backend to log in to);
# GITHUB_STEP_SUMMARY (set by GitHub); PR_NUMBER, GITHUB_REPOSITORY and
# GH_TOKEN to comment on a pull request (preview only).
#
# Secrets: outputs are suppressed, secret values print as [secret], and the
# values of the credential variables below are replaced by *** before anything
# is written outside the log (GitHub masks them in the log, not in comments).
# Exit status: Pulumi's.
set -uo pipefail

mode="${1:-}"
stack="${2:-}"
case "$mode" in
    preview) args=(preview --diff) ;;
    drift) args=(preview --diff --refresh --expect-no-changes) ;;
    up) args=(up --yes --diff) ;;
    *) mode="" ;;
esac
if [[ -z "$mode" || ! "$stack" =~ ^[A-Za-z0-9_.-]+$ ]]; then
    echo "usage: pulumi-run.sh preview|drift|up <stack>" >&2
    exit 2
fi
args+=(--stack "$stack" --policy-pack policy --suppress-outputs --non-interactive --color never)

MAX_REPORT_CHARS=60000 # GitHub refuses comments over 65536 characters
marker="<!-- eks-ingress-mesh:pulumi-${mode}:${stack} -->"
log="$(mktemp)"
trap 'rm -f "$log" "$log.body"' EXIT

if ! grep -q '^encryptedkey:' "Pulumi.${stack}.yaml" 2>/dev/null; then
    echo "::warning file=Pulumi.${stack}.yaml::no encryptedkey: each run creates a new data key with the stack's KMS key; run the bootstrap in README.md (Walkthrough) once and commit the line it adds"
fi

status=0
if ! login="$(pulumi login "${PULUMI_BACKEND_URL:?PULUMI_BACKEND_URL must name the state backend}" 2>&1)"; then
    status=1
    echo "$login" | tee "$log"
else
    # Background + wait so that a cancelled job's SIGINT reaches Pulumi, which then
    # finishes the operations in flight and records them before it exits.
    pulumi "${args[@]}" >"$log" 2>&1 &
    pid=$!
    trap 'kill -INT "$pid" 2>/dev/null' INT TERM
    tail -n +1 -s 0.2 -f --pid="$pid" "$log" & # the live log
    wait "$pid" || status=$?
    while kill -0 "$pid" 2>/dev/null; do
        wait "$pid" || status=$?
    done
    wait
fi

output="$(cat "$log")"
for name in AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID PULUMI_CONFIG_PASSPHRASE PULUMI_ACCESS_TOKEN GH_TOKEN GITHUB_TOKEN; do
    value="${!name:-}"
    if [[ ${#value} -ge 4 ]]; then
        output="${output//"$value"/***}"
    fi
done
if [[ ${#output} -gt $MAX_REPORT_CHARS ]]; then
    output="(first $((${#output} - MAX_REPORT_CHARS)) characters cut; the job log has everything)
…${output: -$MAX_REPORT_CHARS}"
fi

if [[ $status -eq 0 ]]; then
    result="✅ passed"
elif grep -q "no changes were expected" <<<"$output"; then
    result="❌ drift: changes found where none were expected (exit $status)"
elif grep -qi "policy violation" <<<"$output"; then
    result="❌ policy violation (exit $status)"
else
    result="❌ failed (exit $status)"
fi
run_url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-}"
{
    echo "$marker"
    echo "### \`pulumi ${args[0]}\` of \`${stack}\` (${mode}): ${result}"
    echo
    echo "<details$([[ $status -ne 0 ]] && echo " open")><summary>output</summary>"
    echo
    echo '````text'
    echo "$output"
    echo '````'
    echo "</details>"
    echo
    echo "[workflow run](${run_url})"
} >"$log.body"

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    cat "$log.body" >>"$GITHUB_STEP_SUMMARY"
fi

if [[ "$mode" == preview && -n "${PR_NUMBER:-}" ]]; then
    comments="repos/${GITHUB_REPOSITORY}/issues/${PR_NUMBER}/comments"
    existing="$(gh api "$comments" --paginate --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)"
    if [[ -n "$existing" ]]; then
        gh api -X PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${existing}" -F "body=@$log.body" >/dev/null ||
            echo "::warning::could not update the preview comment ${existing} on PR #${PR_NUMBER}"
    else
        gh api -X POST "$comments" -F "body=@$log.body" >/dev/null ||
            echo "::warning::could not comment on PR #${PR_NUMBER}"
    fi
fi

exit "$status"
