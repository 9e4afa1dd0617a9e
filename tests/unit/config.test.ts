import * as assert from "assert";
import * as fc from "fast-check";
import { ConfigError, loadStackConfig, loadStackConfigWithWarnings } from "../../config";
import { AWS_REGIONS, cidrContains, cidrsOverlap, formatCidr, INSTANCE_TYPES, networkOf, parseCidr, VPC_CIDR } from "../../config/formats";
import { subnetLayout } from "../../components/subnets";
import { checkTrafficSplit } from "../../providers/traffic/check";
import { checkInputs } from "../../providers/dns/validate";
import { problemsOf } from "./configProblems";

const base = { domain: "example.com" };


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
            rejects({ ...base, canary: { analysis: { query: "x" } } }, "canary.analysis", /mesh.prometheus.enabled/));
        it("a maxErrorRate above 1", () =>
            rejects({ ...base, mesh: { prometheus: { enabled: true } }, canary: { analysis: { maxErrorRate: 5 } } }, "canary.analysis.maxErrorRate", /from 0 to 1/));
        it("an unknown DNS policy", () => rejects({ ...base, dns: { policy: "delete-all" } }, "dns.policy", /one of sync, upsert-only, create-only/));
        it("an empty owner id", () => rejects({ ...base, dns: { ownerId: "" } }, "dns.ownerId", /non-empty TXT registry owner id/));
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

describe("config: strictness and formats", () => {
    const problems = (raw: Record<string, unknown>, region = "ap-northeast-2") => {
        try {
            loadStackConfig({ domain: "example.com", ...raw }, { stack: "dev", region });
            return [];
        } catch (e) {
            return [...(e as ConfigError).problems];
        }
    };

    it("rejects unknown keys at every level, with a did-you-mean suggestion, together with the other problems", () => {
        const found = problems({ kubeOpsview: {}, canary: { wieght: 50, maxStpe: 5, analysis: { bakeSecond: 1 } }, resilience: { circuitBreaker: { maxConnection: 3 } }, mesh: { mtls: "X" } });
        assert.deepStrictEqual(
            found.map((p) => p.split(":")[0]).sort(),
            ["canary.analysis", "canary.analysis.bakeSecond", "canary.maxStpe", "canary.wieght", "kubeOpsview", "mesh.mtls", "resilience.circuitBreaker.maxConnection"],
        );
        assert.ok(found.some((p) => p.includes("canary.wieght: is not a key of canary") && p.includes("got 50") && p.includes("did you mean canary.weight?")));
        assert.ok(found.some((p) => p.includes("did you mean kubeOpsView?")));
        assert.ok(found.some((p) => p.includes("did you mean resilience.circuitBreaker.maxConnections?")));
    });

    it("reads IPv4 CIDRs strictly: octets, host bits, prefix range, private space", () => {
        for (const [cidr, hint] of [
            ["10.300.0.0/16", /octets are 0-255/],
            ["10.20.5.0/16", /did you mean 10\.20\.0\.0\/16/],
            ["10.0.0.0/25", /16 subnets/],
            ["8.8.0.0/16", /10\.0\.0\.0\/8/],
            ["010.0.0.0/16", /octets/],
        ] as const) {
            const [p] = problems({ cluster: { vpcCidr: cidr } });
            assert.ok(p?.startsWith("cluster.vpcCidr: must be a private (RFC 1918) IPv4 CIDR"), p);
            assert.match(p, hint);
        }
        assert.deepStrictEqual(problems({ cluster: { vpcCidr: "192.168.4.0/24", availabilityZoneCount: 6 } }), []);
    });

    it("subnets are provably inside the VPC and disjoint for every CIDR and AZ count the config accepts", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 32 }), fc.integer({ min: 2, max: 6 }), (base, prefix, zones) => {
                const cidr = formatCidr(networkOf({ base, prefix }));
                if (!VPC_CIDR.test(cidr)) return;
                const vpc = parseCidr(cidr)!;
                const layout = subnetLayout(cidr, zones);
                const subnets = [...layout.public, ...layout.private].map((s) => parseCidr(s)!);
                assert.ok(subnets.every((s) => cidrContains(vpc, s)), cidr);
                subnets.forEach((a, i) => subnets.forEach((b, j) => assert.ok(i === j || !cidrsOverlap(a, b), `${cidr}: ${formatCidr(a)} / ${formatCidr(b)}`)));
            }),
            { numRuns: 300 },
        );
    });

    it("takes IANA time zones (with aliases, exact case), not abbreviations or offsets", () => {
        for (const ok of ["Asia/Seoul", "UTC", "Etc/UTC", "US/Pacific", "Asia/Calcutta", "America/Argentina/Buenos_Aires"]) {
            assert.deepStrictEqual(problems({ kubeOpsView: { timezone: ok } }), [], ok);
        }
        for (const [bad, hint] of [["Asia/Seol", /did you mean "Asia\/Seoul"/], ["KST", /abbreviation/], ["asia/seoul", /did you mean "Asia\/Seoul"/], ["+09:00", /IANA/]] as const) {
            const [p] = problems({ kubeOpsView: { timezone: bad } });
            assert.match(p, hint);
        }
    });

    it("takes regions of the aws partition and instance types from the installed @pulumi/aws", () => {
        assert.ok(AWS_REGIONS.includes("ap-northeast-2") && AWS_REGIONS.includes("us-east-1") && !AWS_REGIONS.includes("cn-north-1"));
        assert.ok(INSTANCE_TYPES.length > 500 && INSTANCE_TYPES.includes("m6i.large"), "the provider's InstanceType enum");
        assert.match(problems({}, "ap-northeast-22")[0], /^aws:region: .*did you mean "ap-northeast-2"/);
        assert.match(problems({}, "us-gov-west-1")[0], /aws-us-gov partition/);
        assert.match(problems({ cluster: { nodeInstanceType: "t3.larg" } })[0], /did you mean "t3\.large"/);
    });

    it("wants the ACM certificate in the stack's region", () => {
        const arn = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
        assert.deepStrictEqual(problems({ ingress: { certificateArn: arn("ap-northeast-2") } }), []);
        assert.match(problems({ ingress: { certificateArn: arn("us-east-1") } })[0], /^ingress\.certificateArn: must be a certificate in the stack's region ap-northeast-2/);
    });

    it("wants a kubeconfig that names a cluster, context and user, never quoting it, and warns when it is not encrypted", () => {
        const kubeconfig = "clusters: [{name: c, cluster: {server: 'https://k'}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: s3cr3t-token}}]\n";
        const [p] = problems({ cluster: { kubeconfig: kubeconfig.replace("user: u}", "user: nobody}") } });
        assert.match(p, /^cluster\.kubeconfig: must be a kubeconfig .*; got \[secret\] \(its context c names a user it does not define\)/);
        assert.ok(!p.includes("s3cr3t"));
        assert.match(problems({ cluster: { kubeconfig: "hello" } })[0], /got \[secret\]/);
        const plain = loadStackConfigWithWarnings({ domain: "example.com", cluster: { kubeconfig } }, { stack: "dev" });
        assert.match(plain.warnings[0], /cluster\.kubeconfig: is stored in plain text/);
        assert.deepStrictEqual(loadStackConfigWithWarnings({ domain: "example.com", cluster: { kubeconfig } }, { stack: "dev", secretKeys: ["cluster"] }).warnings, []);
    });

    it("keeps the app out of system and mesh namespaces", () => {
        for (const ns of ["kube-system", "kube-public", "istio-system", "istio-ingress"]) {
            assert.match(problems({ app: { namespace: ns } })[0], /^app\.namespace: .*other than/);
        }
    });

    it("applies the providers' own rules to the fields it hands them (no value passes one and fails the other)", () => {
        // Stack files may quote numbers ("20"); config reads them as numbers before TrafficSplit sees them.
        const asConfigReadsIt = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v);
        const pairs: Array<[string, (v: unknown) => Record<string, unknown>, (v: unknown) => Record<string, unknown>, unknown[]]> = [
            ["canary.weight", (v) => ({ canary: { weight: v } }), (v) => ({ canaryWeight: v }), [0, 1, 100, 101, -1, 2.5]],
            ["resilience.timeout", (v) => ({ resilience: { timeout: v } }), (v) => ({ timeout: v }), ["0s", "1ms", "0.5ms", "10s", "1h", "10"]],
            ["resilience.retries.retryOn", (v) => ({ resilience: { retries: { retryOn: v } } }), (v) => ({ retries: { attempts: 1, perTryTimeout: "1s", retryOn: v } }), ["5xx", "gateway-error,503", "Gateway-Error", "conect-failure", "5xx,,reset"]],
            ["resilience.retries.perTryTimeout", (v) => ({ resilience: { retries: { perTryTimeout: v } } }), (v) => ({ retries: { attempts: 1, perTryTimeout: v } }), ["0s", "0ms", "1ms", "2s"]],
            ["canary.header.value", (v) => ({ canary: { header: { value: v } } }), (v) => ({ canaryHeader: { name: "x-canary", value: v } }), ["", "always", "a\nb", " "]],
            ["canary.header.name", (v) => ({ canary: { header: { name: v } } }), (v) => ({ canaryHeader: { name: v, value: "1" } }), ["x-canary", "X-Canary", "x canary", "x_c"]],
            ["canary.analysis.minRequests", (v) => ({ mesh: { prometheus: { enabled: true } }, canary: { analysis: { query: "q", minRequests: v } } }), (v) => ({ analysis: { prometheus: "istio-system/prometheus:80", query: "q", requestsQuery: "r", maxErrorRate: 0.05, bakeSeconds: 300, intervalSeconds: 30, minRequests: v } }), [0, 20, -1, 2.5, 1e10]],
            ["canary.analysis.maxLatencyMs", (v) => ({ mesh: { prometheus: { enabled: true } }, canary: { analysis: { query: "q", maxLatencyMs: v } } }), (v) => ({ analysis: { prometheus: "istio-system/prometheus:80", query: "q", requestsQuery: "r", latencyQuery: "l", maxErrorRate: 0.05, bakeSeconds: 300, intervalSeconds: 30, maxLatencyMs: asConfigReadsIt(v) } }), [1, 250, 0.5, 0, -5, 3_600_001, "500", 1.5]],
            ["resilience.faultInjection.delay.fixedDelay", (v) => ({ resilience: { faultInjection: { delay: { fixedDelay: v, percent: 1 } } } }), (v) => ({ fault: { delay: { fixedDelay: v, percent: 1 } } }), ["0s", "1ms", "2 seconds"]],
        ];
        for (const [key, toConfig, toInputs, values] of pairs) {
            for (const value of values) {
                const configProblems = problems(toConfig(value));
                const checkFailures = checkTrafficSplit({}, { ...validSplit, ...toInputs(value) }).failures;
                const what = `${key} = ${JSON.stringify(value)}: config ${configProblems.length === 0 ? "accepts" : "rejects"}, TrafficSplit check ${checkFailures.length === 0 ? "accepts" : "rejects"}`;
                assert.strictEqual(configProblems.length, checkFailures.length, what);
                // The same words: config's message is the check's, plus a hint in parentheses at most.
                configProblems.forEach((p, i) => assert.ok(p.startsWith(checkFailures[i].reason.replace(/; got .*$/, "")), `${p}\n${checkFailures[i].reason}`));
            }
        }
        for (const [field, values] of [["ownerId", ["eim-dev", "", "a,b", "a b"]], ["txtPrefix", ["", "ext-", "%{record_type}-", ".x", "a..b", "UP"]], ["zoneId", ["Z0123456789ABCDEFGHIJ", "/hostedzone/z123", "zone-1"]], ["txtSuffix", ["", "-ext", "-%{record_type}", "x.", "a..b"]], ["markerCompat", ["v0.22", "pre-v0.22", "v0.12"]]] as const) {
            for (const value of values) {
                const configOk = problems({ dns: { [field]: value } }).length === 0;
                const checkOk = checkInputs({ zoneName: "example.com", ownerId: "eim-dev", records: [], [field]: value }).failures.length === 0;
                assert.strictEqual(configOk, checkOk, `dns.${field} = ${JSON.stringify(value)}`);
            }
        }
    });
});

const validSplit = {
    kubeconfig: "x",
    namespace: "demo",
    name: "app",
    hosts: ["app.example.com"],
    destination: "app.demo.svc.cluster.local",
    canaryWeight: 0,
};
