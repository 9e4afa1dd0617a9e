/**
 * The `monitoring` stack config keys (config/schema.ts): defaults, every rule
 * (in the monitoring layer's own words where it has them), and the secret
 * admin password, which no message shows.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, loadStackConfigWithWarnings } from "../../../config";
import { problemsOf } from "../configProblems";

const CERTIFICATE = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
/** HTTPS ALB with Prometheus on: what publishing a tool needs. */
const base = { domain: "example.com", mesh: { prometheus: { enabled: true } }, ingress: { certificateArn: CERTIFICATE } };


describe("config: monitoring", () => {
    it("is off by default, internal only when enabled without a hostname", () => {
        const off = loadStackConfig({ domain: "example.com" }, { stack: "dev" });
        assert.deepStrictEqual(off.monitoring, { kiali: { enabled: false, hostname: undefined }, grafana: { enabled: false, hostname: undefined, adminPassword: undefined } });
        const on = loadStackConfig({ ...base, monitoring: { kiali: { enabled: "true" }, grafana: { enabled: true } } }, { stack: "dev", region: "ap-northeast-2" });
        assert.deepStrictEqual(on.monitoring, { kiali: { enabled: true, hostname: undefined }, grafana: { enabled: true, hostname: undefined, adminPassword: undefined } });
    });

    it("reads hostnames and wraps the admin password as a secret", async () => {
        const cfg = loadStackConfig(
            { ...base, monitoring: { kiali: { enabled: true, hostname: "kiali.example.com" }, grafana: { enabled: true, hostname: "grafana.example.com", adminPassword: "correct-horse-battery" } } },
            { stack: "dev", region: "ap-northeast-2", secretKeys: ["monitoring"] },
        );
        assert.strictEqual(cfg.monitoring.kiali.hostname, "kiali.example.com");
        const password = cfg.monitoring.grafana.adminPassword!;
        assert.ok(pulumi.Output.isInstance(password));
        assert.strictEqual(await (password as any).isSecret, true);
    });

    const cases: [string, Record<string, unknown>, RegExp][] = [
        ["a tool without Prometheus", { ...base, mesh: { prometheus: { enabled: false } }, monitoring: { kiali: { enabled: true } } },
            /^monitoring\.kiali\.enabled: Kiali reads the mesh's Prometheus; set mesh\.prometheus\.enabled to true, or monitoring\.kiali\.enabled to false; got true$/],
        ["a public hostname without HTTPS", { ...base, ingress: {}, monitoring: { grafana: { enabled: true, hostname: "grafana.example.com" } } },
            /^monitoring\.grafana\.hostname: the shared ALB is internet-facing without HTTPS, so Grafana would receive the admin password in clear text; set ingress\.certificateArn, or unset monitoring\.grafana\.hostname/],
        ["a hostname outside the domain", { ...base, monitoring: { kiali: { enabled: true, hostname: "kiali.example.org" } } }, /^monitoring\.kiali\.hostname: must be inside the domain example\.com; got "kiali\.example\.org"$/],
        ["the app's hostname", { ...base, monitoring: { grafana: { enabled: true, hostname: "app.example.com" } } }, /^monitoring\.grafana\.hostname: must differ from app\.hostname; got "app\.example\.com"$/],
        ["kube-ops-view's hostname", { ...base, monitoring: { kiali: { enabled: true, hostname: "kubeopsview.example.com" } } }, /^monitoring\.kiali\.hostname: must differ from kubeOpsView\.hostname/],
        ["one hostname for both", { ...base, monitoring: { kiali: { enabled: true, hostname: "m.example.com" }, grafana: { enabled: true, hostname: "m.example.com" } } },
            /^monitoring\.grafana\.hostname: m\.example\.com is already monitoring\.kiali\.hostname; give each its own hostname/],
        ["a hostname that is not a DNS name", { ...base, monitoring: { kiali: { enabled: true, hostname: "Kiali_1.example.com" } } }, /^monitoring\.kiali\.hostname: must be a DNS name/],
        ["a misspelt key", { ...base, monitoring: { grafana: { enabeld: true } } }, /^monitoring\.grafana\.enabeld: is not a key of monitoring\.grafana .*\(did you mean monitoring\.grafana\.enabled\?\)$/],
        ["a non-boolean enabled", { ...base, monitoring: { kiali: { enabled: "yes" } } }, /^monitoring\.kiali\.enabled: must be true or false/],
    ];
    for (const [what, raw, message] of cases) {
        it(`refuses ${what}, naming the key`, () => {
            const problems = problemsOf(raw);
            assert.strictEqual(problems.length, 1, problems.join(" | "));
            assert.match(problems[0], message);
        });
    }

    it("refuses a short admin password without showing it, and warns when it is stored in plain text", () => {
        const problems = problemsOf({ ...base, monitoring: { grafana: { enabled: true, adminPassword: "hunter2hunt" } } });
        assert.strictEqual(problems.length, 1);
        assert.match(problems[0], /^monitoring\.grafana\.adminPassword: must be at least 12 characters/);
        assert.ok(!problems[0].includes("hunter2hunt"), problems[0]);
        const raw = { ...base, monitoring: { grafana: { enabled: true, adminPassword: "correct-horse-battery" } } };
        const plain = loadStackConfigWithWarnings(raw, { stack: "dev", region: "ap-northeast-2" });
        assert.deepStrictEqual(plain.warnings, [
            "monitoring.grafana.adminPassword: is stored in plain text in the stack file; store it encrypted: pulumi config set --secret --path monitoring.grafana.adminPassword <password>",
        ]);
        assert.ok(!plain.warnings[0].includes("correct-horse"));
        assert.deepStrictEqual(loadStackConfigWithWarnings(raw, { stack: "dev", region: "ap-northeast-2", secretKeys: ["monitoring"] }).warnings, []);
    });

    it("does not judge the hostname of a disabled tool", () => {
        assert.deepStrictEqual(problemsOf({ ...base, ingress: {}, monitoring: { kiali: { enabled: false, hostname: "app.example.com" } } }), []);
    });
});
