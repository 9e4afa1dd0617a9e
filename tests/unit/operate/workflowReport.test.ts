/**
 * .github/scripts/pulumi-run.sh, run for real with bash against a stand-in
 * `pulumi` (prints canned output, exits with a chosen status, records its
 * arguments) and a stand-in `gh` (records the API calls and the bodies it
 * would post): the preview result reaches the PR and the job summary whether
 * the command passed or failed, and no credential value reaches either.
 */
import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const script = path.resolve(__dirname, "../../../.github/scripts/pulumi-run.sh");

const FAKE_PULUMI = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$FAKE_DIR/pulumi-args"
if [[ "$1" == login ]]; then echo "Logged in to $2"; exit "\${FAKE_LOGIN_STATUS:-0}"; fi
printf '%s\\n' "Previewing update ($4):" "  ~ pulumi-nodejs:dynamic:Resource mesh-traffic-split update [diff: ~canaryWeight]"
printf '%s\\n' "\${FAKE_OUTPUT:-}"
exit "\${FAKE_STATUS:-0}"
`;

const FAKE_GH = `#!/usr/bin/env bash
printf 'gh %s\\n' "$*" >> "$FAKE_DIR/gh-calls"
for arg in "$@"; do
    if [[ "$arg" == body=@* ]]; then cat "\${arg#body=@}" > "$FAKE_DIR/gh-body"; fi
done
if [[ "$*" == *--jq* ]]; then printf '%s' "\${FAKE_EXISTING_COMMENT:-}"; fi
`;

interface Outcome {
    status: number | null;
    stdout: string;
    pulumiArgs: string[];
    ghCalls: string[];
    body?: string;
    summary: string;
}

function run(mode: string, env: Record<string, string> = {}, stackFile = "config: {}\nencryptedkey: AQID\n"): Outcome {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eim-pulumi-run-"));
    try {
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "gh"), FAKE_GH, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackFile);
        const summary = path.join(dir, "summary.md");
        const result = spawnSync("bash", [script, mode, "dev"], {
            cwd: dir,
            encoding: "utf8",
            timeout: 30_000,
            env: {
                PATH: `${bin}${path.delimiter}${process.env.PATH}`,
                FAKE_DIR: dir,
                GITHUB_STEP_SUMMARY: summary,
                GITHUB_REPOSITORY: "example/eks-ingress-mesh",
                GITHUB_RUN_ID: "42",
                PULUMI_BACKEND_URL: "s3://state-bucket?region=ap-northeast-2",
                ...env,
            },
        });
        const read = (file: string) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : undefined);
        return {
            status: result.status,
            stdout: result.stdout + result.stderr,
            pulumiArgs: (read("pulumi-args") ?? "").trim().split("\n").filter(Boolean),
            ghCalls: (read("gh-calls") ?? "").trim().split("\n").filter(Boolean),
            body: read("gh-body"),
            summary: read("summary.md") ?? "",
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const onPullRequest = { PR_NUMBER: "17", GH_TOKEN: "ghs_faketoken0123456789" };
const violation = "error: preview failed: 1 mandatory policy violation: alb-ingress-target-type-ip: Ingress demo/app uses target-type instance";

describe("operate: pulumi-run.sh reports every CI Pulumi run", () => {
    it("a failing preview is posted on the PR and in the job summary, naming the policy violation", () => {
        const out = run("preview", { ...onPullRequest, FAKE_STATUS: "255", FAKE_OUTPUT: violation });
        assert.strictEqual(out.status, 255, "the job fails with Pulumi's status");
        assert.ok(out.body, `a comment was posted: ${out.ghCalls.join(" | ")}`);
        assert.ok(out.ghCalls.some((c) => c.startsWith("gh api -X POST repos/example/eks-ingress-mesh/issues/17/comments")), out.ghCalls.join("\n"));
        for (const [where, text] of [["comment", out.body], ["summary", out.summary]] as const) {
            assert.match(text, /policy violation \(exit 255\)/, `${where} says why it failed`);
            assert.ok(text.includes("alb-ingress-target-type-ip: Ingress demo/app uses target-type instance"), `${where} carries Pulumi's message`);
            assert.ok(text.includes("~ pulumi-nodejs:dynamic:Resource mesh-traffic-split update"), `${where} carries the diff`);
            assert.match(text, /^<!-- eks-ingress-mesh:pulumi-preview:dev -->/, `${where} starts with the stack's marker`);
        }
    });

    it("a passing preview is reported too, editing the stack's earlier comment instead of adding one", () => {
        const out = run("preview", { ...onPullRequest, FAKE_EXISTING_COMMENT: "987654" });
        assert.strictEqual(out.status, 0);
        assert.ok(out.ghCalls.some((c) => c.startsWith("gh api -X PATCH repos/example/eks-ingress-mesh/issues/comments/987654")), out.ghCalls.join("\n"));
        assert.ok(!out.ghCalls.some((c) => c.includes("-X POST")), "no second comment");
        assert.match(out.body ?? "", /`pulumi preview` of `dev` \(preview\): ✅ passed/);
        assert.match(out.summary, /✅ passed/);
        // The lookup finds only this stack's comment (another stack's preview has its own).
        assert.ok(out.ghCalls[0].includes('startswith(\\"<!-- eks-ingress-mesh:pulumi-preview:dev -->\\")') || out.ghCalls[0].includes('startswith("<!-- eks-ingress-mesh:pulumi-preview:dev -->")'), out.ghCalls[0]);
    });

    it("drift fails the run and the summary says so", () => {
        const out = run("drift", { FAKE_STATUS: "255", FAKE_OUTPUT: "error: no changes were expected but changes were proposed" });
        assert.strictEqual(out.status, 255);
        assert.match(out.summary, /drift: changes found where none were expected \(exit 255\)/);
        assert.ok(out.summary.includes("[diff: ~canaryWeight]"), "the summary shows what drifted");
        assert.deepStrictEqual(out.ghCalls, [], "no PR to comment on");
    });

    it("a failed login is reported like a failed command", () => {
        const out = run("up", { FAKE_LOGIN_STATUS: "1" });
        assert.strictEqual(out.status, 1);
        assert.match(out.summary, /`pulumi up` of `dev` \(up\): ❌ failed \(exit 1\)/);
        assert.ok(out.summary.includes("Logged in to s3://state-bucket"), "with the login's output");
        assert.deepStrictEqual(out.pulumiArgs, ["login s3://state-bucket?region=ap-northeast-2"], "nothing runs after a failed login");
    });

    it("credential values never reach the comment or the summary", () => {
        const credentials = { AWS_ACCESS_KEY_ID: "ASIAFAKEKEYID0000000", AWS_SECRET_ACCESS_KEY: "fakeSecretKey/with+chars=", AWS_SESSION_TOKEN: "FwoGZXIvYXdzEFAKESESSIONTOKEN" };
        const leak = `error: request signed with ${credentials.AWS_ACCESS_KEY_ID} ${credentials.AWS_SECRET_ACCESS_KEY} ${credentials.AWS_SESSION_TOKEN} ${onPullRequest.GH_TOKEN}`;
        const out = run("preview", { ...onPullRequest, ...credentials, FAKE_STATUS: "1", FAKE_OUTPUT: leak });
        assert.ok(out.body?.includes("error: request signed with *** *** *** ***"), "the line is kept, the values are masked");
        for (const value of [...Object.values(credentials), onPullRequest.GH_TOKEN]) {
            assert.ok(!out.body?.includes(value) && !out.summary.includes(value), `${value.slice(0, 6)}… is not posted`);
        }
    });

    it("runs each mode with the policy pack and suppressed outputs, never --show-secrets", () => {
        const expected: Record<string, string[]> = {
            preview: ["preview", "--diff"],
            drift: ["preview", "--diff", "--refresh", "--expect-no-changes"],
            up: ["up", "--yes", "--diff"],
        };
        for (const [mode, command] of Object.entries(expected)) {
            const out = run(mode);
            assert.strictEqual(out.status, 0, out.stdout);
            assert.strictEqual(out.pulumiArgs[0], "login s3://state-bucket?region=ap-northeast-2");
            assert.strictEqual(out.pulumiArgs[1], [...command, "--stack", "dev", "--policy-pack", "policy", "--suppress-outputs", "--non-interactive", "--color", "never"].join(" "), mode);
            assert.ok(!out.pulumiArgs.join(" ").includes("--show-secrets"));
        }
    });

    it("passes a cancel (SIGINT) on to Pulumi, waits for it to wind down, and still reports", async function () {
        this.timeout(30_000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eim-pulumi-cancel-"));
        try {
            const bin = path.join(dir, "bin");
            fs.mkdirSync(bin);
            // A Go program (the real CLI) takes SIGINT even in a background job, as Node does.
            fs.writeFileSync(
                path.join(bin, "pulumi"),
                [
                    `#!${process.execPath}`,
                    'const fs = require("fs");',
                    'if (process.argv[2] === "login") process.exit(0);',
                    'process.on("SIGINT", () => { console.log("cancelling: waiting for the operations in flight"); setTimeout(() => process.exit(3), 300); });',
                    'fs.writeFileSync(process.env.FAKE_DIR + "/started", "");',
                    'console.log("Updating (dev):");',
                    "setTimeout(() => process.exit(0), 20000);",
                ].join("\n"),
                { mode: 0o755 },
            );
            fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "encryptedkey: AQID\n");
            const summary = path.join(dir, "summary.md");
            const child = spawn("bash", [script, "up", "dev"], {
                cwd: dir,
                env: { PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_DIR: dir, GITHUB_STEP_SUMMARY: summary, PULUMI_BACKEND_URL: "s3://state" },
            });
            const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
            const t0 = Date.now();
            while (!fs.existsSync(path.join(dir, "started")) && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
            child.kill("SIGINT");
            assert.strictEqual(await exited, 3, "the script exits with Pulumi's status after Pulumi wound down");
            const text = fs.readFileSync(summary, "utf8");
            assert.match(text, /`pulumi up` of `dev` \(up\): ❌ failed \(exit 3\)/);
            assert.ok(text.includes("cancelling: waiting for the operations in flight"), "Pulumi saw the SIGINT and its last words are in the summary");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("warns when the stack file has no encryptedkey yet (bootstrap not committed), and refuses a bad mode", () => {
        const out = run("preview", {}, "secretsprovider: awskms://alias/x\nconfig: {}\n");
        assert.strictEqual(out.status, 0);
        assert.match(out.stdout, /::warning file=Pulumi\.dev\.yaml::no encryptedkey/);
        const bad = run("destroy");
        assert.strictEqual(bad.status, 2);
        assert.match(bad.stdout, /usage: pulumi-run\.sh preview\|drift\|up <stack>/);
        assert.deepStrictEqual(bad.pulumiArgs, []);
    });
});
