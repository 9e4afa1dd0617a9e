import * as assert from "assert";
import * as fc from "fast-check";
import { acceptanceInterval, binomialPmf, coverage, describeInterval } from "../../../verify/statistics";

const tail = (n: number, p: number, from: number, to: number) =>
    binomialPmf(n, p)
        .slice(from, to + 1)
        .reduce((a, b) => a + b, 0);

describe("verify: binomial acceptance interval for the canary split", () => {
    it("is a probability distribution for any n and p", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 100 }), (n, w) => {
                const sum = binomialPmf(n, w / 100).reduce((a, b) => a + b, 0);
                assert.ok(Math.abs(sum - 1) < 1e-9, `sum ${sum}`);
            }),
        );
    });

    it("lets a correct split pass with probability at least 1 - alpha, each tail at most alpha/2", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 3000 }),
                fc.integer({ min: 0, max: 100 }),
                fc.constantFrom(0.001, 0.01, 0.05),
                (n, w, alpha) => {
                    const interval = acceptanceInterval(n, w, alpha);
                    assert.ok(interval.low <= interval.high);
                    assert.ok(coverage(interval) >= 1 - alpha - 1e-12, `coverage ${coverage(interval)}`);
                    assert.ok(tail(n, w / 100, 0, interval.low - 1) <= alpha / 2 + 1e-12);
                    assert.ok(tail(n, w / 100, interval.high + 1, n) <= alpha / 2 + 1e-12);
                    // The expected count is always accepted.
                    assert.ok(interval.low <= Math.floor((n * w) / 100) + 1 && interval.high >= Math.ceil((n * w) / 100) - 1);
                },
            ),
        );
    });

    it("is tight: widening stops where one more count would exceed alpha/2", () => {
        const interval = acceptanceInterval(400, 25);
        assert.ok(tail(400, 0.25, 0, interval.low) > 0.0005);
        assert.ok(tail(400, 0.25, interval.high, 400) > 0.0005);
    });

    it("documents the default arithmetic: n = 1000, alpha = 0.001", () => {
        assert.strictEqual(describeInterval(acceptanceInterval(1000, 25)), "206..296 of 1000 (20.6%..29.6%)");
        assert.strictEqual(describeInterval(acceptanceInterval(1000, 1)), "2..22 of 1000 (0.2%..2.2%)");
        assert.strictEqual(describeInterval(acceptanceInterval(400, 25)), "72..129 of 400 (18.0%..32.3%)");
    });

    it("accepts only the exact count at weights 0 and 100", () => {
        assert.deepStrictEqual([acceptanceInterval(500, 0).low, acceptanceInterval(500, 0).high], [0, 0]);
        assert.deepStrictEqual([acceptanceInterval(500, 100).low, acceptanceInterval(500, 100).high], [500, 500]);
    });

    it("detects a split 10 points off with n = 1000 almost surely", () => {
        const interval = acceptanceInterval(1000, 25);
        // Probability a live 35% split lands inside the interval for 25%.
        assert.ok(tail(1000, 0.35, interval.low, interval.high) < 0.001);
        assert.ok(tail(1000, 0.15, interval.low, interval.high) < 0.001);
    });

    it("refuses impossible inputs with the rule", () => {
        assert.throws(() => acceptanceInterval(0, 10), /requests must be a positive integer; got 0/);
        assert.throws(() => acceptanceInterval(10, 101), /canary weight must be 0\.\.100; got 101/);
        assert.throws(() => acceptanceInterval(10, 10, 1), /alpha must be between 0 and 1; got 1/);
    });
});
