import * as assert from "assert";
import { Criterion, formatRate, GateClock, parsePrometheusCount, parsePrometheusResponse, prometheusProbe, runAnalysis, WindowProbe } from "../../../providers/traffic/gate";
import { canaryErrorRateQuery, canaryLatencyQuery, canaryRequestsQuery } from "../../../components/mesh/policies";

const vector = (...values: string[]) =>
    JSON.stringify({ status: "success", data: { resultType: "vector", result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1700000000.1, v] })) } });

/** A clock that jumps instead of waiting, recording each sleep. */
function fakeClock(): GateClock & { sleeps: number[] } {
    let now = 1_000_000;
    const sleeps: number[] = [];
    return {
        sleeps,
        now: () => now,
        sleep: async (ms) => {
            sleeps.push(ms);
            now += ms;
        },
    };
}

describe("analysis gate: Prometheus answers", () => {
    it("reads the sample of an instant vector and of a scalar", () => {
        assert.strictEqual(parsePrometheusResponse({ status: 200, body: vector("0.01") }), 0.01);
        const scalar = JSON.stringify({ status: "success", data: { resultType: "scalar", result: [1700000000, "0.2"] } });
        assert.strictEqual(parsePrometheusResponse({ status: 200, body: scalar }), 0.2);
    });

    it("takes the worst of several series", () => {
        assert.strictEqual(parsePrometheusResponse({ status: 200, body: vector("0.01", "0.3", "0.02") }), 0.3);
        assert.strictEqual(parsePrometheusResponse({ status: 200, body: vector("0.01", "+Inf") }), Infinity);
    });

    const failures: [string, { status: number; body: string }, RegExp][] = [
        ["an empty vector", { status: 200, body: vector() }, /no sample for the query/],
        ["NaN (no traffic)", { status: 200, body: vector("NaN") }, /returned "NaN" instead of a number/],
        ["a query error", { status: 400, body: JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error at char 4" }) }, /HTTP 400: bad_data: parse error at char 4/],
        [
            "the API server's proxy error",
            { status: 503, body: JSON.stringify({ kind: "Status", status: "Failure", message: 'no endpoints available for service "prometheus:9090"', code: 503 }) },
            /HTTP 503: no endpoints available for service "prometheus:9090"/,
        ],
        ["HTML", { status: 502, body: "<html>Bad gateway</html>" }, /HTTP 502 with a non-JSON body: <html>Bad gateway<\/html>/],
        ["a range vector", { status: 200, body: JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } }) }, /returned a matrix result/],
    ];
    for (const [what, res, message] of failures) {
        it(`refuses ${what}`, () => {
            assert.throws(() => parsePrometheusResponse(res), message);
        });
    }

    it("counts requests: the sum of the series; no series, or NaN, is 0", () => {
        assert.strictEqual(parsePrometheusCount({ status: 200, body: vector("12", "30") }), 42);
        assert.strictEqual(parsePrometheusCount({ status: 200, body: vector() }), 0);
        assert.strictEqual(parsePrometheusCount({ status: 200, body: vector("NaN") }), 0);
        assert.throws(() => parsePrometheusCount({ status: 400, body: JSON.stringify({ status: "error", errorType: "bad_data", error: "x" }) }), /HTTP 400: bad_data: x/);
    });

    it("formats rates without misleading rounding", () => {
        assert.strictEqual(formatRate(0.12), "0.12");
        assert.strictEqual(formatRate(0.123456), "0.123");
        assert.strictEqual(formatRate(0.0000123), "0.0000123");
        assert.strictEqual(formatRate(Infinity), "Infinity");
    });
});

/** The error-rate criterion over a list of values, counting its calls. */
function errorRate(values: number[], maxErrorRate = 0.05): Criterion & { calls: number } {
    const c = {
        name: "error rate",
        limitName: "maxErrorRate",
        limit: maxErrorRate,
        calls: 0,
        measure: async () => {
            c.calls++;
            const v = values.shift();
            if (v === undefined) {
                throw new Error("Prometheus returned no sample for the query");
            }
            return v;
        },
    };
    return c;
}

const probe = (criterion: Criterion, requests?: number[]): WindowProbe => ({
    ...(requests ? { requests: async () => requests.shift()! } : {}),
    criteria: [criterion],
});

describe("analysis gate: bake", () => {
    it("samples every interval until the bake time and logs each measurement", async () => {
        const clock = fakeClock();
        const logs: string[] = [];
        const verdict = await runAnalysis({ bakeSeconds: 60, intervalSeconds: 10 }, probe(errorRate([0.01, 0.02, 0.03, 0.04, 0.05, 0.0])), (m) => logs.push(m), clock);
        assert.strictEqual(verdict.outcome, "passed");
        assert.deepStrictEqual(verdict.measurements.map((m) => m.atSeconds), [10, 20, 30, 40, 50, 60]);
        assert.deepStrictEqual(clock.sleeps, [10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
        assert.strictEqual(logs.length, 6);
        assert.strictEqual(logs[4], "canary analysis 5/6: error rate 0.05 <= maxErrorRate 0.05 at 50s of 60s bake");
    });

    it("ends the bake with a last sample when it is not a multiple of the interval", async () => {
        const verdict = await runAnalysis({ bakeSeconds: 25, intervalSeconds: 10 }, probe(errorRate([0, 0, 0])), () => undefined, fakeClock());
        assert.deepStrictEqual(verdict.measurements.map((m) => m.atSeconds), [10, 20, 25]);
    });

    it("keeps to the schedule when a query takes time", async () => {
        const clock = fakeClock();
        const slow: Criterion = { name: "error rate", limitName: "maxErrorRate", limit: 0.05, measure: async () => (await clock.sleep(3000), 0) };
        await runAnalysis({ bakeSeconds: 20, intervalSeconds: 10 }, probe(slow), () => undefined, clock);
        // 10 s wait, 3 s query, 7 s wait, 3 s query.
        assert.deepStrictEqual(clock.sleeps, [10_000, 3000, 7000, 3000]);
    });

    it("fails at the first sample above maxErrorRate, with the numbers", async () => {
        const criterion = errorRate([0.01, 0.12, 0.0]);
        const verdict = await runAnalysis({ bakeSeconds: 60, intervalSeconds: 10 }, probe(criterion), () => undefined, fakeClock());
        assert.strictEqual(criterion.calls, 2, "stops measuring once the canary is unhealthy");
        assert.ok(verdict.outcome === "failed" && verdict.reason === "canary error rate 0.12 > maxErrorRate 0.05 at 20s of 60s bake", JSON.stringify(verdict));
    });

    it("fails when Prometheus cannot be queried", async () => {
        const broken: Criterion = {
            name: "error rate",
            limitName: "maxErrorRate",
            limit: 0.05,
            measure: async () => {
                throw new Error("connect ECONNREFUSED 127.0.0.1:9");
            },
        };
        const verdict = await runAnalysis({ bakeSeconds: 30, intervalSeconds: 10 }, probe(broken), () => undefined, fakeClock());
        assert.ok(verdict.outcome === "failed");
        assert.strictEqual(verdict.reason, "canary analysis could not measure the error rate at 10s of 30s bake: connect ECONNREFUSED 127.0.0.1:9");
        assert.strictEqual(verdict.atSeconds, 10);
    });

    it("treats an infinite error rate as unhealthy", async () => {
        const verdict = await runAnalysis({ bakeSeconds: 1, intervalSeconds: 1 }, probe(errorRate([Infinity], 1)), () => undefined, fakeClock());
        assert.strictEqual(verdict.outcome, "failed");
    });

    it("really waits with the default clock (small, honest values)", async () => {
        const started = Date.now();
        const verdict = await runAnalysis({ bakeSeconds: 1, intervalSeconds: 1 }, probe(errorRate([0])), () => undefined);
        const elapsed = Date.now() - started;
        assert.strictEqual(verdict.outcome, "passed");
        assert.ok(elapsed >= 990 && elapsed < 3000, `elapsed ${elapsed} ms`);
    });
});

describe("analysis gate: minimum request count", () => {
    it("does not judge a window with too few requests, says so, and calls a bake without any judged window inconclusive", async () => {
        const logs: string[] = [];
        const criterion = errorRate([0.9, 0.9, 0.9]);
        const verdict = await runAnalysis({ bakeSeconds: 30, intervalSeconds: 10, minRequests: 20 }, probe(criterion, [0, 3, 19]), (m) => logs.push(m), fakeClock());
        assert.strictEqual(criterion.calls, 0, "no verdict either way: the error rate is not even asked");
        assert.deepStrictEqual(verdict, {
            outcome: "inconclusive",
            reason: "canary analysis inconclusive: no window had canary.analysis.minRequests 20 requests (0, 3, 19); not a verdict either way",
            measurements: [
                { atSeconds: 10, requests: 0, judged: false, values: {} },
                { atSeconds: 20, requests: 3, judged: false, values: {} },
                { atSeconds: 30, requests: 19, judged: false, values: {} },
            ],
        });
        assert.strictEqual(logs[0], "canary analysis 1/3: 0 canary requests, fewer than canary.analysis.minRequests 20: not judged at 10s of 30s bake");
    });

    it("passes when the windows that had traffic were healthy, naming how many were judged", async () => {
        const logs: string[] = [];
        const verdict = await runAnalysis({ bakeSeconds: 30, intervalSeconds: 10, minRequests: 20 }, probe(errorRate([0.01, 0.02]), [0, 20, 240]), (m) => logs.push(m), fakeClock());
        assert.ok(verdict.outcome === "passed");
        assert.strictEqual(verdict.summary, "passed: 2 of 3 windows judged (1 had fewer than 20 requests), all within limits");
        assert.strictEqual(logs[2], "canary analysis 3/3: error rate 0.02 <= maxErrorRate 0.05 over 240 requests at 30s of 30s bake");
    });

    it("fails on a judged window over the limit, with the request count", async () => {
        const verdict = await runAnalysis({ bakeSeconds: 30, intervalSeconds: 10, minRequests: 20 }, probe(errorRate([0.3]), [50]), () => undefined, fakeClock());
        assert.ok(verdict.outcome === "failed" && verdict.reason === "canary error rate 0.3 > maxErrorRate 0.05 over 50 requests at 10s of 30s bake", JSON.stringify(verdict));
    });

    it("fails when the requests cannot be counted (Prometheus down is not 'no traffic')", async () => {
        const verdict = await runAnalysis(
            { bakeSeconds: 10, intervalSeconds: 10, minRequests: 20 },
            { requests: async () => Promise.reject(new Error("Prometheus answered HTTP 503: no endpoints")), criteria: [errorRate([0])] },
            () => undefined,
            fakeClock(),
        );
        assert.ok(verdict.outcome === "failed" && verdict.reason === "canary analysis could not count the canary's requests at 10s of 10s bake: Prometheus answered HTTP 503: no endpoints");
    });

    it("with minRequests 0 every window is judged: no data then fails, as before the minimum existed", async () => {
        const verdict = await runAnalysis({ bakeSeconds: 10, intervalSeconds: 10, minRequests: 0 }, probe(errorRate([]), [0]), () => undefined, fakeClock());
        assert.ok(verdict.outcome === "failed" && /could not measure the error rate .*no sample/.test(verdict.reason));
    });

    it("judges every criterion of a window: the place a latency limit plugs in", async () => {
        const latency: Criterion = { name: "p99 latency", limitName: "maxLatencyMs", limit: 500, measure: async () => 730 };
        const verdict = await runAnalysis(
            { bakeSeconds: 10, intervalSeconds: 10, minRequests: 1 },
            { requests: async () => 100, criteria: [errorRate([0]), latency] },
            () => undefined,
            fakeClock(),
        );
        assert.ok(verdict.outcome === "failed" && verdict.reason === "canary p99 latency 730 > maxLatencyMs 500 over 100 requests at 10s of 10s bake");
    });
});

/**
 * The probe as the provider builds it, over a Prometheus that answers each of
 * the three default queries (policies.ts) from its own list, one value per window.
 */
function prometheusAnswering(answers: { requests: string[]; errorRate: string[]; p99: string[] }) {
    const asked: string[] = [];
    const byQuery: Record<string, string[]> = {
        [canaryRequestsQuery("demo", "app")]: answers.requests,
        [canaryErrorRateQuery("demo", "app")]: answers.errorRate,
        [canaryLatencyQuery("demo", "app")]: answers.p99,
    };
    const api = {
        proxyGet: async (_ns: string, _svc: string, _port: string, path: string, query: Readonly<Record<string, string>>) => {
            assert.strictEqual(path, "api/v1/query");
            asked.push(query.query);
            const next = byQuery[query.query]?.shift();
            return { status: 200, body: next === undefined ? vector() : vector(next) };
        },
    };
    return { api, asked };
}

const target = { namespace: "istio-system", service: "prometheus-server", port: "80" };
const spec = (maxLatencyMs?: number) => ({
    query: canaryErrorRateQuery("demo", "app"),
    requestsQuery: canaryRequestsQuery("demo", "app"),
    maxErrorRate: 0.05,
    ...(maxLatencyMs === undefined ? {} : { latencyQuery: canaryLatencyQuery("demo", "app"), maxLatencyMs }),
});

describe("analysis gate: p99 latency (canary.analysis.maxLatencyMs)", () => {
    it("is judged next to the error rate, and every measurement (requests, error rate, p99) is logged", async () => {
        const prometheus = prometheusAnswering({ requests: ["120", "300"], errorRate: ["0.01", "0"], p99: ["212.5", "480"] });
        const logs: string[] = [];
        const verdict = await runAnalysis({ bakeSeconds: 20, intervalSeconds: 10, minRequests: 20 }, prometheusProbe(prometheus.api, target, spec(500), 1000), (m) => logs.push(m), fakeClock());
        assert.strictEqual(verdict.outcome, "passed");
        assert.deepStrictEqual(verdict.measurements.map((m) => m.values), [
            { "error rate": 0.01, "p99 latency": 212.5 },
            { "error rate": 0, "p99 latency": 480 },
        ]);
        assert.deepStrictEqual(logs, [
            "canary analysis 1/2: error rate 0.01 <= maxErrorRate 0.05, p99 latency 213ms <= maxLatencyMs 500ms over 120 requests at 10s of 20s bake",
            "canary analysis 2/2: error rate 0 <= maxErrorRate 0.05, p99 latency 480ms <= maxLatencyMs 500ms over 300 requests at 20s of 20s bake",
        ]);
        assert.strictEqual(prometheus.asked.filter((q) => q.startsWith("histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{")).length, 2);
    });

    it("fails on a high p99 with the measured value, after logging the window", async () => {
        const prometheus = prometheusAnswering({ requests: ["120", "150"], errorRate: ["0", "0"], p99: ["90", "850"] });
        const logs: string[] = [];
        const verdict = await runAnalysis({ bakeSeconds: 30, intervalSeconds: 10, minRequests: 20 }, prometheusProbe(prometheus.api, target, spec(500), 1000), (m) => logs.push(m), fakeClock());
        assert.ok(verdict.outcome === "failed", JSON.stringify(verdict));
        assert.strictEqual(verdict.reason, "canary p99 latency 850ms > maxLatencyMs 500ms over 150 requests at 20s of 30s bake");
        assert.strictEqual(verdict.atSeconds, 20);
        assert.strictEqual(logs[1], "canary analysis 2/3: error rate 0 <= maxErrorRate 0.05, p99 latency 850ms > maxLatencyMs 500ms over 150 requests at 20s of 30s bake");
    });

    it("names both when error rate and latency are over their limits", async () => {
        const prometheus = prometheusAnswering({ requests: ["100"], errorRate: ["0.2"], p99: ["+Inf"] });
        const verdict = await runAnalysis({ bakeSeconds: 10, intervalSeconds: 10, minRequests: 20 }, prometheusProbe(prometheus.api, target, spec(500), 1000), () => undefined, fakeClock());
        assert.ok(verdict.outcome === "failed");
        assert.strictEqual(verdict.reason, "canary error rate 0.2 > maxErrorRate 0.05, p99 latency Infinity > maxLatencyMs 500ms over 100 requests at 10s of 10s bake");
    });

    it("zero requests never pass: too few is inconclusive (no latency asked), and with minRequests 0 the NaN p99 fails", async () => {
        const quiet = prometheusAnswering({ requests: ["0", "0"], errorRate: [], p99: [] });
        const inconclusive = await runAnalysis({ bakeSeconds: 20, intervalSeconds: 10, minRequests: 20 }, prometheusProbe(quiet.api, target, spec(500), 1000), () => undefined, fakeClock());
        assert.strictEqual(inconclusive.outcome, "inconclusive");
        assert.ok(!quiet.asked.some((q) => q.includes("duration")), "no criterion is measured without traffic");

        // minRequests 0 judges the empty window: Prometheus answers NaN for both ratios; with a custom
        // error-rate query that answers 0 the latency alone still refuses to pass.
        const empty = prometheusAnswering({ requests: ["0"], errorRate: ["0"], p99: ["NaN"] });
        const failed = await runAnalysis({ bakeSeconds: 10, intervalSeconds: 10, minRequests: 0 }, prometheusProbe(empty.api, target, spec(500), 1000), () => undefined, fakeClock());
        assert.ok(failed.outcome === "failed", JSON.stringify(failed));
        assert.strictEqual(
            failed.reason,
            'canary analysis could not measure the p99 latency at 10s of 10s bake: Prometheus returned "NaN" instead of a number (no canary requests in the query\'s range?) (measured: error rate 0 <= maxErrorRate 0.05 over 0 requests)',
        );
    });

    it("without maxLatencyMs the latency is neither asked nor judged", async () => {
        const prometheus = prometheusAnswering({ requests: ["100"], errorRate: ["0.01"], p99: ["99999"] });
        const logs: string[] = [];
        const verdict = await runAnalysis({ bakeSeconds: 10, intervalSeconds: 10, minRequests: 20 }, prometheusProbe(prometheus.api, target, spec(), 1000), (m) => logs.push(m), fakeClock());
        assert.strictEqual(verdict.outcome, "passed");
        assert.deepStrictEqual(prometheus.asked, [canaryRequestsQuery("demo", "app"), canaryErrorRateQuery("demo", "app")]);
        assert.deepStrictEqual(logs, ["canary analysis 1/1: error rate 0.01 <= maxErrorRate 0.05 over 100 requests at 10s of 10s bake"]);
    });
});
