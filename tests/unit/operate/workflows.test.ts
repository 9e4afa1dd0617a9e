/**
 * The CI workflows under .github/workflows: schema-valid, and structurally
 * what SECURITY.md promises (OIDC only, least permissions, `pulumi up` only
 * from main behind an environment, one `up` per stack at a time, every stack
 * previewed, synthesized and checked for drift, actions pinned to SHAs).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { stackNames } from "../../../synth/stackFiles";
import {
    actionName,
    allJobs,
    concurrencyOf,
    effectivePermissions,
    environmentOf,
    expandMatrix,
    grants,
    Job,
    loadWorkflows,
    matrixRows,
    pulumiCommands,
    pulumiRunMode,
    pulumiRunSteps,
    stepsUsing,
    timeoutMinutes,
    triggers,
    Workflow,
    workflowDir,
} from "./workflowModel";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validateWorkflow } = require("@action-validator/core") as {
    validateWorkflow(src: string): { errors: Array<{ code: string; title: string; path?: string; detail?: string; states?: Array<{ errors: unknown[] }> }> };
};

const root = path.resolve(__dirname, "../../..");
const workflows = loadWorkflows();
const jobs = allJobs(workflows);
const stacks = stackNames(root);

/**
 * Actions reviewed for this repository, each at exactly one commit: the
 * release tag that points at it, and the `runs.using` of its action.yml there
 * (both read from the action's repository when it was reviewed).
 */
const reviewedActions: Readonly<Record<string, { sha: string; version: string; runtime: string }>> = {
    "actions/checkout": { sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8", version: "v5.0.0", runtime: "node24" },
    "actions/setup-node": { sha: "a0853c24544627f65ddf259abe73b1d18a591444", version: "v5.0.0", runtime: "node24" },
    "aws-actions/configure-aws-credentials": { sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c", version: "v6.2.3", runtime: "node24" },
    "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", version: "v7.0.0", runtime: "node24" },
};

/** JavaScript action runtimes GitHub still runs (node20 is being retired). */
const CURRENT_RUNTIMES = ["node24"];

/** STS's ceiling for a role session (a role's MaxSessionDuration is 1 to 12 hours). */
const MAX_ROLE_SESSION_SECONDS = 12 * 3600;

const usesAws = (job: Job) => stepsUsing(job, "aws-actions/configure-aws-credentials").length > 0 || pulumiRunSteps(job).length > 0;
const runsPulumi = (job: Job, command: string) => (job.steps ?? []).some((s) => pulumiCommands(s).includes(command));

function workflow(file: string): Workflow {
    const found = workflows.find((w) => w.file === file);
    assert.ok(found, `.github/workflows/${file} exists`);
    return found;
}

function job(file: string, id: string): Job {
    const found = workflow(file).jobs[id];
    assert.ok(found, `${file} has a job "${id}"`);
    return found;
}

function stackRegion(stack: string): string | undefined {
    const file = yaml.load(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
    const region = file.config?.["aws:region"];
    return typeof region === "string" ? region : undefined;
}

function flattenErrors(errors: ReturnType<typeof validateWorkflow>["errors"]): string[] {
    return errors.flatMap((e) => [`${e.path ?? ""} ${e.title}${e.detail ? `: ${e.detail}` : ""}`]);
}

describe("operate: CI workflows", () => {
    it("exist: checks, pull request, deploy and drift", () => {
        assert.deepStrictEqual(
            workflows.map((w) => w.file),
            ["checks.yml", "deploy.yml", "drift.yml", "pull-request.yml"],
        );
    });

    it("validate against the GitHub Actions workflow schema (@action-validator/core)", () => {
        for (const w of workflows) {
            const { errors } = validateWorkflow(w.text);
            assert.deepStrictEqual(flattenErrors(errors), [], `${w.file} is a valid workflow`);
        }
        // The validator itself must reject a broken workflow, or the check above proves nothing.
        const broken = validateWorkflow("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n");
        assert.ok(broken.errors.length > 0, "a job with an unknown key is rejected");
    });

    it("have shell steps that parse (bash -n)", () => {
        for (const { workflow: w, id, job: j } of jobs) {
            for (const [i, step] of (j.steps ?? []).entries()) {
                if (!step.run) {
                    continue;
                }
                const script = step.run.replace(/\$\{\{[^}]*\}\}/g, "x");
                const result = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
                assert.strictEqual(result.status, 0, `${w.file} ${id} step ${i}: ${result.stderr}`);
            }
        }
    });

    it("pin every action to a reviewed full commit SHA with its version in a comment", () => {
        const pin = /^\s*-?\s*uses:\s*([\w.-]+\/[\w.-]+)@([0-9a-f]{40})\s+#\s+(v\d+\.\d+\.\d+)\s*$/;
        for (const w of workflows) {
            for (const line of w.text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l))) {
                if (/uses:\s*\.\/\.github\/workflows\//.test(line)) {
                    continue;
                }
                const match = pin.exec(line);
                assert.ok(match, `${w.file}: "${line.trim()}" is pinned as owner/repo@<40-hex SHA> # vX.Y.Z`);
                const [, action, sha, version] = match;
                assert.ok(action in reviewedActions, `${w.file}: ${action} is a reviewed action (${Object.keys(reviewedActions).join(", ")})`);
                assert.strictEqual(sha, reviewedActions[action].sha, `${w.file}: ${action} is at the reviewed commit`);
                assert.strictEqual(version, reviewedActions[action].version, `${w.file}: ${action}'s comment names the release of that commit`);
            }
        }
    });

    it("use only actions that run on a current runtime (node24)", () => {
        const used = new Set(jobs.flatMap((x) => (x.job.steps ?? []).map(actionName)).filter((a): a is string => a !== undefined));
        assert.ok(used.size >= 4, `checkout, setup-node, AWS credentials and Pulumi are used (${[...used].join(", ")})`);
        const security = fs.readFileSync(path.join(root, "SECURITY.md"), "utf8");
        for (const action of used) {
            const reviewed = reviewedActions[action];
            assert.ok(reviewed, `${action} is reviewed`);
            assert.ok(CURRENT_RUNTIMES.includes(reviewed.runtime), `${action} ${reviewed.version} runs on ${reviewed.runtime}, not one of ${CURRENT_RUNTIMES.join(", ")}`);
            assert.ok(security.includes(`\`${action}\` ${reviewed.version}`), `SECURITY.md lists ${action} ${reviewed.version}`);
        }
    });

    it("ask for AWS credentials that outlive every job that uses them", () => {
        const awsJobs = jobs.filter((x) => stepsUsing(x.job, "aws-actions/configure-aws-credentials").length > 0);
        assert.ok(awsJobs.length >= 3, "preview, up and drift reach AWS");
        for (const { workflow: w, id, job: j } of awsJobs) {
            assert.ok(j["timeout-minutes"] !== undefined, `${w.file} ${id} sets timeout-minutes (GitHub's default is 6 hours)`);
            for (const step of stepsUsing(j, "aws-actions/configure-aws-credentials")) {
                const seconds = Number(step.with?.["role-duration-seconds"]);
                assert.ok(Number.isInteger(seconds), `${w.file} ${id} sets role-duration-seconds (the default session is 3600 s)`);
                assert.ok(
                    seconds >= timeoutMinutes(j) * 60,
                    `${w.file} ${id}: credentials last ${seconds} s, less than the job's timeout of ${timeoutMinutes(j)} min: an operation could be cut off mid-way`,
                );
                assert.ok(seconds <= MAX_ROLE_SESSION_SECONDS, `${w.file} ${id}: ${seconds} s is above what STS allows`);
                assert.match(fs.readFileSync(path.join(root, "SECURITY.md"), "utf8"), new RegExp(`MaxSessionDuration[^.]*at least ${seconds} s`), `SECURITY.md tells the ${id} role's MaxSessionDuration to allow ${seconds} s`);
            }
        }
    });

    it("record the secrets provider SECURITY.md names in every stack file and the README walkthrough", () => {
        const security = fs.readFileSync(path.join(root, "SECURITY.md"), "utf8");
        const named = /`(awskms:\/\/alias\/[\w-]*<stack>\?region=<region>)`/.exec(security);
        assert.ok(named, "SECURITY.md names the stacks' secrets provider as an awskms:// URL with <stack> and <region>");
        const providerFor = (stack: string) => named[1].replace("<stack>", stack).replace("<region>", String(stackRegion(stack)));
        for (const stack of stacks) {
            const file = yaml.load(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { secretsprovider?: string; encryptedkey?: string };
            assert.strictEqual(file.secretsprovider, providerFor(stack), `Pulumi.${stack}.yaml names its secrets provider (without it an S3 backend falls back to a passphrase)`);
            if (file.encryptedkey !== undefined) {
                assert.match(file.encryptedkey, /^[A-Za-z0-9+/]+={0,2}$/, `Pulumi.${stack}.yaml's encryptedkey is the base64 the CLI writes`);
            }
        }
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        const walkthrough = readme.split("## Walkthrough with an AWS account")[1]?.split("\n## ")[0] ?? "";
        const commands = [...walkthrough.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n");
        const inits = [...commands.matchAll(/^pulumi stack init (\S+)(.*)$/gm)];
        assert.ok(inits.length > 0, "the README walkthrough creates a stack");
        for (const [line, stack, rest] of inits) {
            assert.ok(stacks.includes(stack), `${line}: ${stack} has a stack file`);
            const flag = /--secrets-provider "([^"]+)"/.exec(rest);
            assert.strictEqual(flag?.[1], providerFor(stack), `${line.trim()} passes the stack file's secrets provider`);
        }
    });

    it("call only local reusable workflows that exist and declare workflow_call", () => {
        for (const { workflow: w, id, job: j } of jobs.filter((x) => x.job.uses)) {
            const target = j.uses!;
            assert.match(target, /^\.\/\.github\/workflows\/[\w.-]+\.ya?ml$/, `${w.file} ${id} calls a workflow of this repository`);
            const called = workflow(path.basename(target));
            assert.ok(triggers(called).includes("workflow_call"), `${called.file} is callable`);
            assert.strictEqual(j.permissions, undefined, `${w.file} ${id} grants the called workflow nothing beyond the caller's defaults`);
        }
    });

    it("set up Node 24 with actions/setup-node before any npm command", () => {
        for (const { workflow: w, id, job: j } of jobs) {
            const steps = j.steps ?? [];
            const firstNpm = steps.findIndex((s) => /\bnpm\b/.test(s.run ?? ""));
            if (firstNpm < 0) {
                continue;
            }
            const setup = steps.findIndex((s) => actionName(s) === "actions/setup-node");
            assert.ok(setup >= 0 && setup < firstNpm, `${w.file} ${id} sets up Node before npm`);
            assert.strictEqual(String(steps[setup].with?.["node-version"]), "24", `${w.file} ${id} uses Node 24`);
        }
    });

    it("check out without persisting the token in .git/config", () => {
        for (const { workflow: w, id, job: j } of jobs) {
            for (const step of stepsUsing(j, "actions/checkout")) {
                assert.strictEqual(step.with?.["persist-credentials"], false, `${w.file} ${id}`);
            }
        }
    });

    it("declare least permissions at workflow level: nothing but contents: read", () => {
        for (const w of workflows) {
            assert.deepStrictEqual(w.permissions, { contents: "read" }, `${w.file} top-level permissions`);
        }
    });

    it("grant write scopes only to the jobs that need them: id-token for AWS, pull-requests for the preview comment", () => {
        for (const { workflow: w, id, job: j } of jobs) {
            const permissions = effectivePermissions(w, j);
            if (j.uses) {
                continue;
            }
            assert.ok(permissions !== "write-all" && permissions !== "read-all" && permissions !== undefined, `${w.file} ${id} lists its permissions`);
            const writes = Object.entries(permissions).filter(([, level]) => level === "write").map(([scope]) => scope).sort();
            const allowed = [
                ...(usesAws(j) ? ["id-token"] : []),
                ...(pulumiRunSteps(j).some((s) => pulumiRunMode(s) === "preview" && s.env?.PR_NUMBER !== undefined) ? ["pull-requests"] : []),
            ].sort();
            assert.deepStrictEqual(writes, allowed, `${w.file} ${id} write scopes`);
        }
    });

    it("reach AWS only through OIDC: id-token: write and role-to-assume, no stored AWS keys anywhere", () => {
        const awsJobs = jobs.filter((x) => usesAws(x.job));
        assert.ok(awsJobs.length >= 3, "preview, up and drift reach AWS");
        for (const { workflow: w, id, job: j } of awsJobs) {
            assert.ok(grants(effectivePermissions(w, j), "id-token", "write"), `${w.file} ${id} may request an OIDC token`);
            const [credentials] = stepsUsing(j, "aws-actions/configure-aws-credentials");
            assert.ok(credentials, `${w.file} ${id} configures AWS credentials before Pulumi runs`);
            const steps = j.steps ?? [];
            const [run] = pulumiRunSteps(j);
            assert.ok(run && steps.indexOf(credentials) < steps.indexOf(run), `${w.file} ${id}: credentials before Pulumi runs`);
            assert.match(String(credentials.with?.["role-to-assume"]), /^\$\{\{ vars\.AWS_[A-Z_]+_ROLE_ARN \}\}$/, `${w.file} ${id} assumes a role named by a variable`);
            for (const key of ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"]) {
                assert.ok(!(key in (credentials.with ?? {})), `${w.file} ${id} passes no ${key}`);
            }
        }
        for (const w of workflows) {
            assert.doesNotMatch(w.text, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key/, w.file);
            assert.deepStrictEqual(w.text.match(/secrets\.[A-Za-z_]+/g) ?? [], [], `${w.file} uses no repository secrets`);
        }
    });

    it("run `pulumi up` only in deploy.yml, only on a push to main, behind the stack's environment", () => {
        const upJobs = jobs.filter((x) => runsPulumi(x.job, "up"));
        assert.deepStrictEqual(upJobs.map((x) => `${x.workflow.file}#${x.id}`), ["deploy.yml#up"]);
        const deploy = workflow("deploy.yml");
        assert.deepStrictEqual(deploy.on, { push: { branches: ["main"] } }, "deploy runs on pushes to main only");
        const up = job("deploy.yml", "up");
        assert.strictEqual(up.if, "github.ref == 'refs/heads/main'");
        assert.strictEqual(environmentOf(up), "${{ matrix.stack }}", "each stack deploys through its own protected environment");
        assert.deepStrictEqual(up.needs, "checks", "up waits for the offline checks");
        for (const { workflow: w, id, job: j } of jobs) {
            for (const command of ["destroy", "refresh", "import", "cancel"]) {
                assert.ok(!runsPulumi(j, command), `${w.file} ${id} does not run pulumi ${command}`);
            }
        }
        for (const w of workflows) {
            assert.ok(!triggers(w).includes("pull_request_target"), `${w.file}: no pull_request_target (it runs fork code with secrets)`);
        }
    });

    it("never run two `up`s (or two drift checks) of one stack at once, and a drift check never cancels a queued up", () => {
        const up = concurrencyOf(job("deploy.yml", "up"));
        const drift = concurrencyOf(job("drift.yml", "drift"));
        for (const [label, c, j] of [["up", up, job("deploy.yml", "up")], ["drift", drift, job("drift.yml", "drift")]] as const) {
            assert.ok(c, `${label} has a concurrency group`);
            assert.strictEqual(c.cancelInProgress, false, `${label}: a running operation is never cancelled`);
            const groups = matrixRows(j).map((row) => expandMatrix(c.group, row));
            assert.ok(groups.every((g) => !g.includes("${{")), `${label} group depends only on the matrix: ${groups.join(", ")}`);
            assert.strictEqual(new Set(groups).size, groups.length, `${label}: one group per stack`);
            // Two stacks must never share a group, even ones not yet in the matrix.
            assert.notStrictEqual(expandMatrix(c.group, { stack: "a" }), expandMatrix(c.group, { stack: "b" }));
        }
        // GitHub cancels the pending run of a group when another is queued: keep drift out of up's groups.
        assert.notStrictEqual(expandMatrix(up!.group, { stack: "dev" }), expandMatrix(drift!.group, { stack: "dev" }));
        const preview = concurrencyOf(job("pull-request.yml", "preview"));
        assert.ok(preview && preview.cancelInProgress, "a new push to a PR supersedes its running preview");
        assert.match(preview.group, /pull_request\.number/);
        assert.notStrictEqual(expandMatrix(preview.group, { stack: "dev" }), expandMatrix(up!.group, { stack: "dev" }));
    });

    it("give every stack file a synth, preview, up and drift matrix entry, in the stack's region", () => {
        assert.ok(stacks.length > 0, "there is at least one Pulumi.<stack>.yaml");
        const coverage: Array<[string, string]> = [
            ["checks.yml", "synth"],
            ["pull-request.yml", "preview"],
            ["deploy.yml", "up"],
            ["drift.yml", "drift"],
        ];
        for (const [file, id] of coverage) {
            const rows = matrixRows(job(file, id));
            assert.deepStrictEqual(rows.map((r) => r.stack).sort(), stacks, `${file} ${id} matrix = stack files`);
            for (const row of rows.filter((r) => "region" in r)) {
                assert.strictEqual(row.region, stackRegion(String(row.stack)), `${file} ${id}: ${row.stack}'s region is its aws:region`);
            }
        }
    });

    it("run the offline checks (lint, typecheck, tests, synth) before any preview or up", () => {
        const checks = job("checks.yml", "test");
        const runs = (checks.steps ?? []).map((s) => s.run ?? "").join("\n");
        for (const command of ["npm ci", "npm run lint", "npm run typecheck", "npm test"]) {
            assert.ok(runs.includes(command), `checks runs ${command}`);
        }
        assert.match(runs, /moto\[server\]==\d+\.\d+\.\d+/, "moto is pinned");
        assert.match((job("checks.yml", "synth").steps ?? []).map((s) => s.run ?? "").join("\n"), /npm run synth -- --stack "\$STACK"/);
        for (const [file, id] of [["pull-request.yml", "preview"], ["deploy.yml", "up"]]) {
            assert.strictEqual(job(file, id).needs, "checks", `${file} ${id} needs the checks`);
            assert.strictEqual(workflow(file).jobs.checks?.uses, "./.github/workflows/checks.yml");
        }
        assert.deepStrictEqual(workflow("pull-request.yml").on, { pull_request: { branches: ["main"] } });
    });

    it("preview every stack on pull requests with a diff comment, the policy pack, and no run for forks", () => {
        const preview = job("pull-request.yml", "preview");
        assert.strictEqual(preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
        const [step] = pulumiRunSteps(preview);
        assert.strictEqual(pulumiRunMode(step), "preview");
        assert.strictEqual(step.env?.STACK, "${{ matrix.stack }}");
        assert.strictEqual(step.env?.PR_NUMBER, "${{ github.event.pull_request.number }}", "the result goes to the PR");
        assert.strictEqual(step.env?.GH_TOKEN, "${{ github.token }}", "commented with the job's own token");
        assert.ok(grants(effectivePermissions(workflow("pull-request.yml"), preview), "pull-requests", "write"));
    });

    it("check drift on a schedule: refresh, then preview --expect-no-changes", () => {
        const drift = workflow("drift.yml");
        const schedule = drift.on.schedule as Array<{ cron: string }>;
        assert.ok(Array.isArray(schedule) && schedule.length === 1 && /^(\S+\s+){4}\S+$/.test(schedule[0].cron), "one cron schedule");
        const [step] = pulumiRunSteps(job("drift.yml", "drift"));
        assert.strictEqual(pulumiRunMode(step), "drift", "pulumi-run.sh drift: preview --refresh --expect-no-changes (workflowReport.test.ts)");
        assert.strictEqual(step.env?.STACK, "${{ matrix.stack }}");
    });

    it("run every Pulumi operation with the repository's policy pack, outputs suppressed, on the CLI matching @pulumi/pulumi", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        const pulumiJobs = jobs.filter((x) => pulumiRunSteps(x.job).length > 0);
        assert.deepStrictEqual(pulumiJobs.map((x) => `${x.workflow.file}#${x.id}`).sort(), ["deploy.yml#up", "drift.yml#drift", "pull-request.yml#preview"]);
        for (const { workflow: w, id, job: j } of pulumiJobs) {
            // pulumi/actions only installs the CLI: its own commands report nothing when they fail.
            const installs = stepsUsing(j, "pulumi/actions");
            assert.strictEqual(installs.length, 1, `${w.file} ${id} installs the CLI once`);
            assert.deepStrictEqual(Object.keys(installs[0].with ?? {}), ["pulumi-version"], `${w.file} ${id}: pulumi/actions in install-only mode`);
            assert.strictEqual(installs[0].with?.["pulumi-version"], pkg.dependencies["@pulumi/pulumi"]);
            const steps = j.steps ?? [];
            for (const step of pulumiRunSteps(j)) {
                assert.ok(steps.indexOf(installs[0]) < steps.indexOf(step), `${w.file} ${id}: the CLI is installed first`);
                assert.strictEqual(step.env?.PULUMI_BACKEND_URL, "${{ vars.PULUMI_BACKEND_URL }}");
            }
        }
        // The flags themselves (policy pack, --suppress-outputs, no --show-secrets) are checked by running the script: workflowReport.test.ts.
        assert.ok(fs.existsSync(path.join(root, "policy", "PulumiPolicy.yaml")), "the policy pack exists where the workflows look for it");
    });

    it("are the only workflow files (no stray .yaml next to them)", () => {
        const files = fs.readdirSync(workflowDir);
        assert.deepStrictEqual(files.filter((f) => !f.endsWith(".yml")), []);
    });
});
