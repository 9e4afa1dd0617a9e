import * as assert from "assert";
import { ConfigError, loadStackConfig } from "../../config";

const base = { domain: "example.com" };

function problemsOf(raw: Record<string, unknown>): string[] {
    try {
        loadStackConfig(raw, { stack: "dev", region: "ap-northeast-2" });
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return [...e.problems];
    }
    return [];
}

/** Asserts a config fails with exactly one problem that names the key and says the rule. */
function rejects(raw: Record<string, unknown>, key: string, rule: RegExp): void {
    const problems = problemsOf(raw);
    assert.strictEqual(problems.length, 1, `expected one problem, got: ${problems.join(" | ") || "none"}`);
    assert.ok(problems[0].startsWith(`${key}: `), `expected the message to name ${key}: ${problems[0]}`);
    assert.match(problems[0], rule);
    assert.match(problems[0], /; got /, "the message shows the value given");
}

describe("config: loadStackConfig", () => {
    it("fills every default from a minimal config", () => {
        const cfg = loadStackConfig(base, { stack: "dev" });
        assert.strictEqual(cfg.cluster.name, "eim-dev");
        assert.deepStrictEqual([cfg.cluster.minNodes, cfg.cluster.desiredNodes, cfg.cluster.maxNodes], [2, 2, 4]);
        assert.strictEqual(cfg.dns.ownerId, "eks-ingress-mesh-dev");
        assert.strictEqual(cfg.dns.policy, "sync");
        assert.strictEqual(cfg.app.hostname, "app.example.com");
        assert.strictEqual(cfg.kubeOpsView.hostname, "kubeopsview.example.com");
        assert.strictEqual(cfg.mesh.mtls, "STRICT");
        assert.strictEqual(cfg.canary.weight, 0);
        assert.strictEqual(cfg.ingress.sslRedirect, false);
        assert.strictEqual(cfg.canary.analysis, undefined);
        assert.strictEqual(cfg.cluster.kubeconfig, undefined);
    });

    it("accepts values as `pulumi config set` writes them (numbers and booleans as strings)", () => {
        const cfg = loadStackConfig({ ...base, canary: { weight: "25", force: "true" } }, { stack: "dev" });
        assert.strictEqual(cfg.canary.weight, 25);
        assert.strictEqual(cfg.canary.force, true);
    });

    it("collects every problem instead of stopping at the first", () => {
        const problems = problemsOf({ domain: "exa mple.com", cluster: { desiredNodes: 9, maxNodes: 5 }, canary: { weight: 150 } });
        assert.deepStrictEqual(
            problems.map((p) => p.split(":")[0]),
            ["domain", "cluster.desiredNodes", "canary.weight"],
        );
    });

    describe("rejects, naming the key", () => {
        it("a missing domain", () => rejects({}, "domain", /is required/));
        it("a domain with a space", () => rejects({ domain: "exa mple.com" }, "domain", /must be a DNS name/));
        it("a domain label over 63 characters", () => rejects({ domain: `${"a".repeat(64)}.com` }, "domain", /1-63/));
        it("an upper-case or single-label domain", () => {
            rejects({ domain: "Example.com" }, "domain", /lower-case/);
            rejects({ domain: "localhost" }, "domain", /DNS name/);
        });
        it("desiredNodes above maxNodes", () =>
            rejects({ ...base, cluster: { desiredNodes: 5, maxNodes: 4 } }, "cluster.desiredNodes", /between cluster.minNodes \(2\) and cluster.maxNodes \(4\)/));
        it("desiredNodes below minNodes", () =>
            rejects({ ...base, cluster: { minNodes: 3, desiredNodes: 2, maxNodes: 4 } }, "cluster.desiredNodes", /between/));
        it("minNodes above maxNodes", () => {
            const problems = problemsOf({ ...base, cluster: { minNodes: 5, desiredNodes: 5, maxNodes: 4 } });
            assert.ok(problems.some((p) => p.startsWith("cluster.minNodes: must not exceed cluster.maxNodes (4)")), problems.join("|"));
        });
        it("a fractional node count", () => rejects({ ...base, cluster: { maxNodes: 4.5 } }, "cluster.maxNodes", /integer/));
        it("a malformed Kubernetes version", () => rejects({ ...base, cluster: { version: "latest" } }, "cluster.version", /minor version/));
        it("a VPC CIDR outside /16../24", () => rejects({ ...base, cluster: { vpcCidr: "10.0.0.0/8" } }, "cluster.vpcCidr", /\/16 to \/24/));
        it("a single availability zone", () => rejects({ ...base, cluster: { availabilityZoneCount: 1 } }, "cluster.availabilityZoneCount", /from 2 to 6/));
        it("an empty kubeconfig", () => rejects({ ...base, cluster: { kubeconfig: " " } }, "cluster.kubeconfig", /kubeconfig document/));
        it("a canary weight of 150, -1, 12.5 and \"ten\"", () => {
            for (const weight of [150, -1, 12.5, "ten", 101]) {
                rejects({ ...base, canary: { weight } }, "canary.weight", /must be an integer from 0 to 100/);
            }
        });
        it("a maxStep of 0", () => rejects({ ...base, canary: { maxStep: 0 } }, "canary.maxStep", /from 1 to 100/));
        it("bakeSeconds shorter than intervalSeconds", () =>
            rejects(
                { ...base, mesh: { prometheus: { enabled: true } }, canary: { analysis: { bakeSeconds: 10, intervalSeconds: 30 } } },
                "canary.analysis.bakeSeconds",
                /at least canary.analysis.intervalSeconds \(30\)/,
            ));
        it("analysis without Prometheus", () =>
            rejects({ ...base, canary: { analysis: { query: "x" } } }, "canary.analysis.query", /mesh.prometheus.enabled/));
        it("a maxErrorRate above 1", () =>
            rejects({ ...base, mesh: { prometheus: { enabled: true } }, canary: { analysis: { maxErrorRate: 5 } } }, "canary.analysis.maxErrorRate", /from 0 to 1/));
        it("an unknown DNS policy", () => rejects({ ...base, dns: { policy: "delete-all" } }, "dns.policy", /one of sync, upsert-only, create-only/));
        it("an empty owner id", () => rejects({ ...base, dns: { ownerId: "" } }, "dns.ownerId", /1-63/));
        it("a malformed zone id", () => rejects({ ...base, dns: { zoneId: "zone-1" } }, "dns.zoneId", /hosted zone id/));
        it("a certificate ARN that is not an ACM ARN", () =>
            rejects({ ...base, ingress: { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" } }, "ingress.certificateArn", /ACM certificate ARN/));
        it("an unknown ingress scheme", () => rejects({ ...base, ingress: { scheme: "public" } }, "ingress.scheme", /internet-facing, internal/));
        it("sslRedirect without a certificate", () => rejects({ ...base, ingress: { sslRedirect: true } }, "ingress.sslRedirect", /certificateArn/));
        it("an unknown mTLS mode", () => rejects({ ...base, mesh: { mtls: "DISABLE" } }, "mesh.mtls", /STRICT, PERMISSIVE/));
        it("negative replicas", () => rejects({ ...base, app: { replicas: -1 } }, "app.replicas", /from 0 to 100/));
        it("a hostname label with an underscore", () => rejects({ ...base, app: { hostname: "my_app.example.com" } }, "app.hostname", /DNS name/));
        it("a hostname outside the domain", () => rejects({ ...base, kubeOpsView: { hostname: "ops.example.org" } }, "kubeOpsView.hostname", /inside the domain example.com/));
        it("the same hostname for the app and kube-ops-view", () =>
            rejects({ ...base, kubeOpsView: { hostname: "app.example.com" } }, "kubeOpsView.hostname", /differ from app.hostname/));
        it("an outlier-detection percentage of 150", () =>
            rejects({ ...base, resilience: { circuitBreaker: { maxEjectionPercent: 150 } } }, "resilience.circuitBreaker.maxEjectionPercent", /from 0 to 100/));
        it("a rate limit of 0", () => rejects({ ...base, resilience: { rateLimit: { maxTokens: 0 } } }, "resilience.rateLimit.maxTokens", /from 1 to/));
        it("a rate-limit fill interval under Envoy's 50ms minimum", () =>
            rejects({ ...base, resilience: { rateLimit: { fillInterval: "10ms" } } }, "resilience.rateLimit.fillInterval", /at least 50ms/));
        it("a malformed duration", () => rejects({ ...base, resilience: { timeout: "10 seconds" } }, "resilience.timeout", /duration/));
        it("a fault percentage above 100", () =>
            rejects({ ...base, resilience: { faultInjection: { abort: { percent: 101 } } } }, "resilience.faultInjection.abort.percent", /from 0 to 100/));
        it("an object key given as a scalar", () => rejects({ ...base, cluster: "big" }, "cluster", /must be an object/));
        it("a time zone with spaces", () => rejects({ ...base, kubeOpsView: { timezone: "Asia Seoul" } }, "kubeOpsView.timezone", /IANA/));
    });

    it("rejects a malformed region", () => {
        assert.throws(() => loadStackConfig(base, { stack: "dev", region: "seoul" }), /aws:region: must be an AWS region/);
    });
});
