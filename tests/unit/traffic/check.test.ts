import * as assert from "assert";
import { checkTrafficSplit, parsePrometheusTarget, UNKNOWN } from "../../../providers/traffic/check";
import { parseDuration } from "../../../providers/shared/duration";

const valid = {
    kubeconfig: "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: s3cr3t\n",
    namespace: "demo",
    name: "app",
    hosts: ["app.example.com"],
    gateways: ["istio-ingress/app-gateway"],
    destination: "app.demo.svc.cluster.local",
    port: 80,
    canaryWeight: 10,
    maxStep: 10,
    force: false,
    canaryHeader: { name: "x-canary", value: "always" },
    retries: { attempts: 2, perTryTimeout: "2s", retryOn: "gateway-error,connect-failure,503" },
    timeout: "10s",
    fault: { delay: { fixedDelay: "250ms", percent: 5 }, abort: { httpStatus: 503, percent: 0.5 } },
    analysis: { prometheus: "istio-system/prometheus:9090", query: "sum(rate(x[1m]))", maxErrorRate: 0.05, bakeSeconds: 60, intervalSeconds: 10 },
};

function failuresFor(patch: Record<string, unknown>, olds: Record<string, unknown> = {}) {
    return checkTrafficSplit(olds, { ...valid, ...patch }).failures;
}

describe("TrafficSplit check", () => {
    it("accepts a complete, valid input and returns it", () => {
        const result = checkTrafficSplit({}, valid);
        assert.deepStrictEqual(result.failures, []);
        assert.deepStrictEqual(result.inputs, valid);
    });

    for (const bad of [-1, 101, 12.5, "ten", "10", null]) {
        it(`refuses canary weight ${JSON.stringify(bad)} naming canary.weight, the rule and the value`, () => {
            const failures = failuresFor({ canaryWeight: bad });
            assert.strictEqual(failures.length, 1, JSON.stringify(failures));
            assert.strictEqual(failures[0].property, "canaryWeight");
            assert.strictEqual(failures[0].reason, `canary.weight: must be an integer from 0 to 100 (the stable subset gets 100 - weight); got ${JSON.stringify(bad)}`);
        });
    }

    it("refuses a step larger than maxStep from the last applied weight unless forced", () => {
        const refused = failuresFor({ canaryWeight: 40 }, { ...valid, canaryWeight: 10 });
        assert.strictEqual(refused.length, 1);
        assert.strictEqual(
            refused[0].reason,
            "canary.weight: moving from 10 to 40 is a step of 30, more than canary.maxStep 10; " +
                "set canary.weight to 20 for this update, or set canary.force to true to allow the larger step once; got 40",
        );
        assert.deepStrictEqual(failuresFor({ canaryWeight: 40, force: true }, { ...valid, canaryWeight: 10 }), []);
        assert.deepStrictEqual(failuresFor({ canaryWeight: 20 }, { ...valid, canaryWeight: 10 }), []);
        assert.deepStrictEqual(failuresFor({ canaryWeight: 0 }, { ...valid, canaryWeight: 10 }), []);
        // Rolling back fast is a step too.
        assert.strictEqual(failuresFor({ canaryWeight: 0 }, { ...valid, canaryWeight: 50 }).length, 1);
        // A first deployment has no previous weight to step from.
        assert.deepStrictEqual(failuresFor({ canaryWeight: 100 }, {}), []);
    });

    const cases: [string, Record<string, unknown>, string, string][] = [
        ["maxStep 0", { maxStep: 0 }, "maxStep", "canary.maxStep: must be an integer from 1 to 100; got 0"],
        ["force 'yes'", { force: "yes" }, "force", 'canary.force: must be true or false; got "yes"'],
        ["percent 150", { fault: { abort: { httpStatus: 503, percent: 150 } } }, "fault", "resilience.faultInjection.abort.percent: must be a number from 0 to 100 (percent of requests); got 150"],
        ["negative delay percent", { fault: { delay: { fixedDelay: "1s", percent: -1 } } }, "fault", "resilience.faultInjection.delay.percent: must be a number from 0 to 100 (percent of requests); got -1"],
        ["bad fixedDelay", { fault: { delay: { fixedDelay: "2 seconds", percent: 1 } } }, "fault", 'resilience.faultInjection.delay.fixedDelay: must be a duration of at least 1ms such as "250ms", "2s", "1m"; got "2 seconds"'],
        ["abort 99", { fault: { abort: { httpStatus: 99, percent: 1 } } }, "fault", "resilience.faultInjection.abort.httpStatus: must be an HTTP status code from 200 to 599; got 99"],
        ["attempts -1", { retries: { attempts: -1, perTryTimeout: "2s" } }, "retries", "resilience.retries.attempts: must be an integer ≥ 0; got -1"],
        ["perTryTimeout 0s", { retries: { attempts: 1, perTryTimeout: "0s" } }, "retries", 'resilience.retries.perTryTimeout: must be a duration of at least 1ms such as "250ms", "2s", "1m"; got "0s"'],
        ["retryOn typo", { retries: { attempts: 1, perTryTimeout: "1s", retryOn: "5xx,conect-failure" } }, "retries", "resilience.retries.retryOn: must be a comma-separated list of"],
        ["timeout 10", { timeout: 10 }, "timeout", 'resilience.timeout: must be a duration of at least 1ms such as "250ms", "2s", "1m"; got 10'],
        ["bake < interval", { analysis: { ...valid.analysis, bakeSeconds: 5, intervalSeconds: 10 } }, "analysis", "canary.analysis.bakeSeconds: must be at least canary.analysis.intervalSeconds (10); got 5"],
        ["maxErrorRate 1.5", { analysis: { ...valid.analysis, maxErrorRate: 1.5 } }, "analysis", "canary.analysis.maxErrorRate: must be a number from 0 to 1; got 1.5"],
        ["interval 0", { analysis: { ...valid.analysis, intervalSeconds: 0 } }, "analysis", "canary.analysis.intervalSeconds: must be an integer from 1 to 3600; got 0"],
        ["prometheus without port", { analysis: { ...valid.analysis, prometheus: "istio-system/prometheus" } }, "analysis", 'canary.analysis.prometheus: must be "namespace/service:port"'],
        ["empty query", { analysis: { ...valid.analysis, query: " " } }, "analysis", "canary.analysis.query: must be a non-empty PromQL query"],
        ["analysis not an object", { analysis: "yes" }, "analysis", 'canary.analysis: must be an object; got "yes"'],
        ["header with space", { canaryHeader: { name: "x canary", value: "1" } }, "canaryHeader", 'canary.header.name: must be an HTTP header name (letters, digits, -, _ …); got "x canary"'],
        ["header value with newline", { canaryHeader: { name: "x-canary", value: "a\nb" } }, "canaryHeader", "canary.header.value: must be a non-empty header value without control characters"],
        ["namespace with capitals", { namespace: "Demo" }, "namespace", 'namespace: must be a DNS-1123 label (lower-case letters, digits, \'-\', at most 63); got "Demo"'],
        ["no hosts", { hosts: [] }, "hosts", "hosts: must be a non-empty list; got []"],
        ["duplicate host", { hosts: ["a.example.com", "A.example.com"] }, "hosts", 'hosts[1]: must not repeat an earlier entry; got "a.example.com"'],
        ["bad gateway", { gateways: ["a/b/c"] }, "gateways", 'gateways[0]: must be "mesh", a Gateway name, or "namespace/name"; got "a/b/c"'],
        ["port 0", { port: 0 }, "port", "port: must be an integer from 1 to 65535; got 0"],
        ["same subsets", { stableSubset: "v1", canarySubset: "v1" }, "canarySubset", 'canarySubset: must differ from stableSubset; got "v1"'],
    ];
    for (const [title, patch, property, reason] of cases) {
        it(`refuses ${title}`, () => {
            const failures = failuresFor(patch);
            assert.strictEqual(failures.length, 1, JSON.stringify(failures));
            assert.strictEqual(failures[0].property, property);
            assert.ok(failures[0].reason.startsWith(reason), `${failures[0].reason}\n  does not start with\n${reason}`);
        });
    }

    it("reports every problem at once", () => {
        const failures = failuresFor({ canaryWeight: 150, timeout: "soon", port: 70000 });
        assert.deepStrictEqual(failures.map((f) => f.property).sort(), ["canaryWeight", "port", "timeout"]);
    });

    it("never echoes the kubeconfig in a failure", () => {
        const failures = failuresFor({ kubeconfig: "" });
        assert.deepStrictEqual(failures, [{ property: "kubeconfig", reason: "kubeconfig: must be a non-empty kubeconfig (YAML or JSON); got an empty string" }]);
        const other = failuresFor({ canaryWeight: 500 });
        assert.ok(other.every((f) => !f.reason.includes("s3cr3t")));
    });

    it("does not judge values that are unknown during preview", () => {
        const unknownEverything = Object.fromEntries(Object.keys(valid).map((k) => [k, UNKNOWN]));
        assert.deepStrictEqual(checkTrafficSplit({ ...valid, canaryWeight: 0 }, unknownEverything).failures, []);
        assert.deepStrictEqual(failuresFor({ hosts: [UNKNOWN], analysis: { ...valid.analysis, prometheus: UNKNOWN } }), []);
    });

    it("normalizes host and header names to lower case", () => {
        const { inputs, failures } = checkTrafficSplit({}, { ...valid, hosts: ["App.Example.com."], destination: "APP.demo.svc.cluster.local", canaryHeader: { name: "X-Canary", value: "Always" } });
        assert.deepStrictEqual(failures, []);
        assert.deepStrictEqual(inputs.hosts, ["app.example.com"]);
        assert.strictEqual(inputs.destination, "app.demo.svc.cluster.local");
        assert.deepStrictEqual(inputs.canaryHeader, { name: "x-canary", value: "Always" });
    });

    it("accepts optional fields left out", () => {
        const minimal = { kubeconfig: valid.kubeconfig, namespace: "demo", name: "app", hosts: ["app"], destination: "app", canaryWeight: 0 };
        assert.deepStrictEqual(checkTrafficSplit({}, minimal).failures, []);
    });

    it("parses durations and Prometheus targets", () => {
        assert.strictEqual(parseDuration("250ms"), 250);
        assert.strictEqual(parseDuration("2s"), 2000);
        assert.strictEqual(parseDuration("1.5m"), 90_000);
        assert.strictEqual(parseDuration("1h"), 3_600_000);
        assert.strictEqual(parseDuration("2"), undefined);
        assert.strictEqual(parseDuration("1h30m"), undefined);
        assert.deepStrictEqual(parsePrometheusTarget("monitoring/prometheus-server:9090"), { namespace: "monitoring", service: "prometheus-server", port: "9090" });
        assert.deepStrictEqual(parsePrometheusTarget("monitoring/prometheus:web"), { namespace: "monitoring", service: "prometheus", port: "web" });
        for (const bad of ["prometheus:9090", "a/b:0", "a/b:70000", "A/b:1", "a/b/c:1", "a/b:"]) {
            assert.strictEqual(parsePrometheusTarget(bad), undefined, bad);
        }
    });
});

describe("TrafficSplit check with missing or undefined inputs", () => {
    /** What the engine's Struct can carry: no `undefined` anywhere. */
    const structSafe = (value: unknown): boolean =>
        value !== undefined && (typeof value !== "object" || value === null || Object.values(value).every(structSafe));

    it("names every missing required field and returns inputs the engine can marshal", () => {
        const result = checkTrafficSplit({}, { ...valid, hosts: undefined, destination: undefined, namespace: undefined, canaryWeight: undefined });
        assert.deepStrictEqual(
            result.failures.map((f) => f.reason),
            [
                "namespace: must be a DNS-1123 label (lower-case letters, digits, '-', at most 63); got nothing",
                "hosts: must be a non-empty list; got nothing",
                "destination: must be a service host name such as app.demo.svc.cluster.local; got nothing",
                "canary.weight: must be an integer from 0 to 100 (the stable subset gets 100 - weight); got nothing",
            ],
        );
        assert.ok(structSafe(result.inputs), JSON.stringify(result.inputs));
        assert.ok(!("hosts" in result.inputs) && !("destination" in result.inputs));
    });

    it("drops undefined nested fields too, and still names them", () => {
        const result = checkTrafficSplit({}, { ...valid, canaryHeader: { name: undefined, value: "always" }, retries: { attempts: 1, perTryTimeout: undefined } });
        assert.ok(structSafe(result.inputs));
        assert.deepStrictEqual(result.failures.map((f) => f.reason.split(":")[0]), ["canary.header.name", "resilience.retries.perTryTimeout"]);
    });

    it("checks the owner and the gate's request count", () => {
        assert.deepStrictEqual(failuresFor({ owner: { project: "p", stack: "dev", resource: "split" } }), []);
        assert.deepStrictEqual(failuresFor({ owner: { project: "p", stack: "" } }).map((f) => f.reason), [
            'owner.stack: must be a non-empty string; got ""',
            "owner.resource: must be a non-empty string; got nothing",
        ]);
        const analysis = { ...valid.analysis, requestsQuery: "sum(increase(x[1m]))", minRequests: 20 };
        assert.deepStrictEqual(failuresFor({ analysis }), []);
        assert.deepStrictEqual(failuresFor({ analysis: { ...analysis, minRequests: -1 } }).map((f) => f.reason), ["canary.analysis.minRequests: must be an integer ≥ 0; got -1"]);
        assert.deepStrictEqual(failuresFor({ analysis: { ...analysis, requestsQuery: undefined } }).map((f) => f.reason), [
            "canary.analysis.minRequests: needs canary.analysis.requestsQuery to count the canary's requests; got 20",
        ]);
    });

    it("checks the gate's latency limit and its query", () => {
        const analysis = { ...valid.analysis, latencyQuery: "histogram_quantile(0.99, x)", maxLatencyMs: 500 };
        assert.deepStrictEqual(failuresFor({ analysis }), []);
        assert.deepStrictEqual(failuresFor({ analysis: { ...analysis, maxLatencyMs: 12.5 } }), [], "a p99 may be fractional");
        for (const bad of [0, -1, 3_600_001, "500", Infinity]) {
            assert.deepStrictEqual(failuresFor({ analysis: { ...analysis, maxLatencyMs: bad } }).map((f) => f.reason), [
                `canary.analysis.maxLatencyMs: must be a number of milliseconds from 1 to 3600000; got ${JSON.stringify(bad)}`,
            ]);
        }
        assert.deepStrictEqual(failuresFor({ analysis: { ...analysis, latencyQuery: " " } }).map((f) => f.reason), [
            "canary.analysis.latencyQuery: must be a non-empty PromQL query returning the canary's p99 latency in ms; got \" \"",
        ]);
        assert.deepStrictEqual(failuresFor({ analysis: { ...analysis, latencyQuery: undefined } }).map((f) => f.reason), [
            "canary.analysis.maxLatencyMs: needs canary.analysis.latencyQuery to measure the canary's p99 latency; got 500",
        ]);
    });
});
