import * as assert from "assert";
import * as fc from "fast-check";
import { checkTrafficSplit } from "../../../providers/traffic/check";
import { formatSplit, isRaise, isWeight, lastAppliedWeight, nextAllowedWeight, splitWeights, stepAllowed } from "../../../providers/traffic/weights";

const weight = fc.integer({ min: 0, max: 100 });
const maxStep = fc.integer({ min: 1, max: 100 });

const base = {
    kubeconfig: "apiVersion: v1\nkind: Config\n",
    namespace: "demo",
    name: "app",
    hosts: ["app.example.com"],
    destination: "app.demo.svc.cluster.local",
};

describe("traffic weight rules", () => {
    it("splits every valid weight into integers that sum to 100", () => {
        fc.assert(
            fc.property(weight, (canary) => {
                const w = splitWeights(canary);
                assert.ok(Number.isInteger(w.stable) && Number.isInteger(w.canary));
                assert.ok(w.stable >= 0 && w.canary >= 0);
                assert.strictEqual(w.stable + w.canary, 100);
                assert.strictEqual(w.canary, canary);
                assert.strictEqual(formatSplit(canary), `${100 - canary}/${canary}`);
            }),
        );
    });

    it("refuses anything that is not an integer from 0 to 100", () => {
        const bad = fc.oneof(
            fc.integer({ min: -1000, max: -1 }),
            fc.integer({ min: 101, max: 1000 }),
            fc.double({ noInteger: true }),
            fc.string(),
            fc.constantFrom(null, undefined, NaN, Infinity, true, "10"),
        );
        fc.assert(
            fc.property(bad, (value) => {
                assert.strictEqual(isWeight(value), false);
                assert.throws(() => splitWeights(value as number), RangeError);
            }),
        );
    });

    it("allows a step exactly when it is at most maxStep, or forced", () => {
        fc.assert(
            fc.property(weight, weight, maxStep, fc.boolean(), (previous, next, step, force) => {
                const allowed = stepAllowed(previous, next, { maxStep: step, force });
                assert.strictEqual(allowed, force || Math.abs(next - previous) <= step);
            }),
        );
    });

    it("the suggested next weight is always allowed, moves toward the target and never past it", () => {
        fc.assert(
            fc.property(weight, weight, maxStep, (previous, target, step) => {
                const next = nextAllowedWeight(previous, target, step);
                assert.ok(isWeight(next));
                assert.ok(stepAllowed(previous, next, { maxStep: step, force: false }));
                assert.ok(Math.abs(target - next) <= Math.abs(target - previous));
                if (Math.abs(target - previous) <= step) {
                    assert.strictEqual(next, target);
                }
            }),
        );
    });

    it("check applies the step rule to every pair of old and new weights, with and without force", () => {
        fc.assert(
            fc.property(weight, weight, maxStep, fc.boolean(), (previous, next, step, force) => {
                const { failures } = checkTrafficSplit({ ...base, canaryWeight: previous }, { ...base, canaryWeight: next, maxStep: step, force });
                const refused = failures.some((f) => f.property === "canaryWeight");
                assert.strictEqual(refused, !force && Math.abs(next - previous) > step, JSON.stringify(failures));
                if (refused) {
                    const reason = failures.find((f) => f.property === "canaryWeight")!.reason;
                    assert.match(reason, /canary\.maxStep/);
                    assert.match(reason, /canary\.force/);
                    assert.ok(reason.includes(`from ${previous} to ${next}`), reason);
                }
            }),
        );
    });

    it("the last applied weight prefers appliedCanaryWeight, falls back to canaryWeight (older state)", () => {
        assert.strictEqual(lastAppliedWeight({ appliedCanaryWeight: 20, canaryWeight: 30 }), 20);
        assert.strictEqual(lastAppliedWeight({ canaryWeight: 30 }), 30);
        assert.strictEqual(lastAppliedWeight({ appliedCanaryWeight: "x", canaryWeight: 30 }), 30);
        assert.strictEqual(lastAppliedWeight({}), undefined);
        assert.strictEqual(lastAppliedWeight(undefined), undefined);
        // A refused step is measured from the applied weight, not the requested one.
        const { failures } = checkTrafficSplit({ appliedCanaryWeight: 0, canaryWeight: 50 }, { ...base, canaryWeight: 50, maxStep: 10 });
        assert.deepStrictEqual(failures.map((f) => f.property), ["canaryWeight"]);
    });

    it("treats only increases as raises", () => {
        fc.assert(fc.property(weight, weight, (a, b) => assert.strictEqual(isRaise(a, b), b > a)));
    });
});
