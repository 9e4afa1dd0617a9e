import * as assert from "assert";
import { formatRate, GateClock, parsePrometheusResponse, runAnalysis } from "../../../providers/traffic/gate";

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

    it("formats rates without misleading rounding", () => {
        assert.strictEqual(formatRate(0.12), "0.12");
        assert.strictEqual(formatRate(0.123456), "0.123");
        assert.strictEqual(formatRate(0.0000123), "0.0000123");
        assert.strictEqual(formatRate(Infinity), "Infinity");
    });
});

describe("analysis gate: bake", () => {
    it("samples every interval until the bake time and logs each measurement", async () => {
        const clock = fakeClock();
        const logs: string[] = [];
        const values = [0.01, 0.02, 0.03, 0.04, 0.05, 0.0];
        const verdict = await runAnalysis({ maxErrorRate: 0.05, bakeSeconds: 60, intervalSeconds: 10 }, async () => values.shift()!, (m) => logs.push(m), clock);
        assert.strictEqual(verdict.healthy, true);
        assert.deepStrictEqual(verdict.measurements.map((m) => m.atSeconds), [10, 20, 30, 40, 50, 60]);
        assert.deepStrictEqual(clock.sleeps, [10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
        assert.strictEqual(logs.length, 6);
        assert.strictEqual(logs[4], "canary analysis 5/6: error rate 0.05 <= maxErrorRate 0.05 at 50s of 60s bake");
    });

    it("ends the bake with a last sample when it is not a multiple of the interval", async () => {
        const clock = fakeClock();
        const verdict = await runAnalysis({ maxErrorRate: 0.05, bakeSeconds: 25, intervalSeconds: 10 }, async () => 0, () => undefined, clock);
        assert.deepStrictEqual(verdict.measurements.map((m) => m.atSeconds), [10, 20, 25]);
    });

    it("keeps to the schedule when a query takes time", async () => {
        const clock = fakeClock();
        const slowQuery = async () => {
            await clock.sleep(3000);
            return 0;
        };
        await runAnalysis({ maxErrorRate: 0.05, bakeSeconds: 20, intervalSeconds: 10 }, slowQuery, () => undefined, clock);
        // 10 s wait, 3 s query, 7 s wait, 3 s query.
        assert.deepStrictEqual(clock.sleeps, [10_000, 3000, 7000, 3000]);
    });

    it("fails at the first sample above maxErrorRate, with the numbers", async () => {
        const values = [0.01, 0.12, 0.0];
        let calls = 0;
        const verdict = await runAnalysis(
            { maxErrorRate: 0.05, bakeSeconds: 60, intervalSeconds: 10 },
            async () => {
                calls++;
                return values.shift()!;
            },
            () => undefined,
            fakeClock(),
        );
        assert.strictEqual(verdict.healthy, false);
        assert.strictEqual(calls, 2, "stops measuring once the canary is unhealthy");
        assert.ok(!verdict.healthy && verdict.reason === "canary error rate 0.12 > maxErrorRate 0.05 at 20s of 60s bake", JSON.stringify(verdict));
    });

    it("fails when Prometheus cannot be queried", async () => {
        const verdict = await runAnalysis(
            { maxErrorRate: 0.05, bakeSeconds: 30, intervalSeconds: 10 },
            async () => {
                throw new Error("connect ECONNREFUSED 127.0.0.1:9");
            },
            () => undefined,
            fakeClock(),
        );
        assert.ok(!verdict.healthy);
        assert.strictEqual(verdict.reason, "canary analysis could not measure the error rate at 10s of 30s bake: connect ECONNREFUSED 127.0.0.1:9");
        assert.strictEqual(verdict.atSeconds, 10);
    });

    it("treats an infinite error rate as unhealthy", async () => {
        const verdict = await runAnalysis({ maxErrorRate: 1, bakeSeconds: 1, intervalSeconds: 1 }, async () => Infinity, () => undefined, fakeClock());
        assert.strictEqual(verdict.healthy, false);
    });

    it("really waits with the default clock (small, honest values)", async () => {
        const started = Date.now();
        const verdict = await runAnalysis({ maxErrorRate: 0.05, bakeSeconds: 1, intervalSeconds: 1 }, async () => 0, () => undefined);
        const elapsed = Date.now() - started;
        assert.strictEqual(verdict.healthy, true);
        assert.ok(elapsed >= 990 && elapsed < 3000, `elapsed ${elapsed} ms`);
    });
});
