import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../../../providers/traffic/check";
import * as log from "../../../providers/traffic/log";
import { TrafficSplitProvider } from "../../../providers/traffic";

const inputs = {
    kubeconfig: "kc",
    namespace: "demo",
    name: "app",
    hosts: ["app.example.com"],
    destination: "app.demo.svc.cluster.local",
    canaryWeight: 10,
    maxStep: 10,
};
const state = { ...inputs, stableWeight: 90, appliedCanaryWeight: 10, previousCanaryWeight: 0, resourceVersion: "7" };

describe("TrafficSplitProvider diff", () => {
    const provider = new TrafficSplitProvider();
    const diff = (olds: Record<string, unknown>, news: Record<string, unknown>) => provider.diff("demo/app", olds, news);

    it("reports no change for the same inputs", async () => {
        assert.deepStrictEqual(await diff(state, inputs), { changes: false });
    });

    it("reports a weight change, and one that refresh found live", async () => {
        assert.strictEqual((await diff(state, { ...inputs, canaryWeight: 20 })).changes, true);
        // Refresh saw 70/30 live while the config still says 10.
        assert.strictEqual((await diff({ ...state, stableWeight: 70, appliedCanaryWeight: 30 }, inputs)).changes, true);
        // Refresh saw weights that do not add up (50/30).
        assert.strictEqual((await diff({ ...state, stableWeight: 50, appliedCanaryWeight: 30 }, { ...inputs, canaryWeight: 30 })).changes, true);
    });

    it("reports changes to any routed field and to the kubeconfig", async () => {
        for (const patch of [
            { hosts: ["other.example.com"] },
            { gateways: ["istio-ingress/gw"] },
            { port: 8080 },
            { canaryHeader: { name: "x-canary", value: "always" } },
            { retries: { attempts: 1, perTryTimeout: "1s" } },
            { timeout: "3s" },
            { fault: { abort: { httpStatus: 503, percent: 1 } } },
            { kubeconfig: "rotated" },
        ]) {
            assert.strictEqual((await diff(state, { ...inputs, ...patch })).changes, true, JSON.stringify(patch));
        }
    });

    it("ignores settings that do not change the VirtualService", async () => {
        const analysis = { prometheus: "a/b:1", query: "q", maxErrorRate: 0.1, bakeSeconds: 2, intervalSeconds: 1 };
        assert.strictEqual((await diff(state, { ...inputs, maxStep: 50, force: true, analysis })).changes, false);
        // Defaults spelled out are no change either.
        assert.strictEqual((await diff(state, { ...inputs, stableSubset: "stable", canarySubset: "canary" })).changes, false);
    });

    it("owner marks: adding an owner to older state is no change; a renamed stack is", async () => {
        const owner = { project: "eks-ingress-mesh", stack: "dev", resource: "mesh-traffic-split" };
        const current = { ...state, owner, instanceId: "i-1", analysisResult: "passed: 2 of 2 windows judged, all within limits" };
        assert.strictEqual((await diff(state, { ...inputs, owner })).changes, false);
        assert.strictEqual((await diff(current, { ...inputs, owner })).changes, false);
        assert.strictEqual((await diff(current, { ...inputs, owner: { ...owner, stack: "dev2" } })).changes, true);
    });

    it("replaces on a new name or namespace", async () => {
        assert.deepStrictEqual(await diff(state, { ...inputs, name: "app2" }), { changes: true, replaces: ["name"], deleteBeforeReplace: false });
        assert.deepStrictEqual((await diff(state, { ...inputs, namespace: "other" })).replaces, ["namespace"]);
    });

    it("handles older state (no appliedCanaryWeight) and unknown values", async () => {
        const older = { ...inputs };
        assert.strictEqual((await diff(older, inputs)).changes, false);
        assert.strictEqual((await diff(older, { ...inputs, canaryWeight: 20 })).changes, true);
        assert.strictEqual((await diff(state, { ...inputs, canaryWeight: UNKNOWN })).changes, true);
        assert.strictEqual((await diff(state, { ...inputs, hosts: UNKNOWN })).changes, true);
        assert.strictEqual((await diff({}, inputs)).changes, true);
    });
});

describe("TrafficSplit logging", () => {
    const original = { info: pulumi.log.info, warn: pulumi.log.warn };
    afterEach(() => {
        Object.assign(pulumi.log, original);
    });

    it("never throws, whether pulumi.log throws or rejects", async () => {
        Object.assign(pulumi.log, {
            info: () => {
                throw new Error("engine gone");
            },
            warn: () => Promise.reject(new Error("engine gone")),
        });
        log.info("x");
        log.warn("y");
        // Give a rejected promise the chance to surface as unhandled.
        await new Promise((resolve) => setImmediate(resolve));
    });

    it("reaches pulumi.log (which without an engine prints to the console)", () => {
        const seen: string[] = [];
        Object.assign(pulumi.log, {
            info: async (m: string) => void seen.push(`info ${m}`),
            warn: async (m: string) => void seen.push(`warn ${m}`),
        });
        log.info("bake 1/2");
        log.warn("drift");
        assert.deepStrictEqual(seen, ["info bake 1/2", "warn drift"]);
    });
});
