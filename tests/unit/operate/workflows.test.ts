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
    stepsUsing,
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

/** Actions reviewed for this repository, each at exactly one commit. */
const reviewedActions: Readonly<Record<string, string>> = {
    "actions/checkout": "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
    "actions/setup-node": "a0853c24544627f65ddf259abe73b1d18a591444",
    "aws-actions/configure-aws-credentials": "a03048d87541d1d9fcf2ecf528a4a65ba9bd7838",
    "pulumi/actions": "8e5e406f4007fca908480587cb9893c07090f58d",
};

const usesAws = (job: Job) => stepsUsing(job, "aws-actions/configure-aws-credentials").length > 0 || stepsUsing(job, "pulumi/actions").length > 0;
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
        const pin = /^\s*-?\s*uses:\s*([\w.-]+\/[\w.-]+)@([0-9a-f]{40})\s+#\s+v\d+\.\d+\.\d+\s*$/;
        for (const w of workflows) {
            for (const line of w.text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l))) {
                if (/uses:\s*\.\/\.github\/workflows\//.test(line)) {
                    continue;
                }
                const match = pin.exec(line);
                assert.ok(match, `${w.file}: "${line.trim()}" is pinned as owner/repo@<40-hex SHA> # vX.Y.Z`);
                const [, action, sha] = match;
                assert.ok(action in reviewedActions, `${w.file}: ${action} is a reviewed action (${Object.keys(reviewedActions).join(", ")})`);
                assert.strictEqual(sha, reviewedActions[action], `${w.file}: ${action} is at the reviewed commit`);
            }
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
                ...(stepsUsing(j, "pulumi/actions").some((s) => s.with?.["comment-on-pr"] === true) ? ["pull-requests"] : []),
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
            assert.ok(steps.indexOf(credentials) < steps.findIndex((s) => actionName(s) === "pulumi/actions"), `${w.file} ${id}: credentials first`);
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
        const [step] = stepsUsing(preview, "pulumi/actions");
        assert.strictEqual(step.with?.command, "preview");
        assert.strictEqual(step.with?.["stack-name"], "${{ matrix.stack }}");
        assert.strictEqual(step.with?.diff, true);
        assert.strictEqual(step.with?.["comment-on-pr"], true);
    });

    it("check drift on a schedule: refresh, then preview --expect-no-changes", () => {
        const drift = workflow("drift.yml");
        const schedule = drift.on.schedule as Array<{ cron: string }>;
        assert.ok(Array.isArray(schedule) && schedule.length === 1 && /^(\S+\s+){4}\S+$/.test(schedule[0].cron), "one cron schedule");
        const [step] = stepsUsing(job("drift.yml", "drift"), "pulumi/actions");
        assert.strictEqual(step.with?.command, "preview");
        assert.strictEqual(step.with?.["expect-no-changes"], true);
        assert.strictEqual(step.with?.refresh, true);
    });

    it("run every Pulumi operation with the repository's policy pack, outputs suppressed, on the CLI matching @pulumi/pulumi", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        const steps = jobs.flatMap((x) => stepsUsing(x.job, "pulumi/actions"));
        assert.strictEqual(steps.length, 3);
        for (const step of steps) {
            assert.strictEqual(step.with?.policyPacks, "policy");
            assert.strictEqual(step.with?.["suppress-outputs"], true, "stack outputs (kubeconfig among them) stay out of the logs");
            assert.strictEqual(step.with?.["pulumi-version"], pkg.dependencies["@pulumi/pulumi"]);
            assert.strictEqual(step.with?.["cloud-url"], "${{ vars.PULUMI_BACKEND_URL }}");
        }
        assert.ok(fs.existsSync(path.join(root, "policy", "PulumiPolicy.yaml")), "the policy pack exists where the workflows look for it");
    });

    it("are the only workflow files (no stray .yaml next to them)", () => {
        const files = fs.readdirSync(workflowDir);
        assert.deepStrictEqual(files.filter((f) => !f.endsWith(".yml")), []);
    });
});
