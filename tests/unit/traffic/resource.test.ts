import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { TrafficSplit } from "../../../providers/traffic";
import { runUnderMocks } from "../../../synth/mockCloud";

const TYPE = "pulumi-nodejs:dynamic/eks-ingress-mesh:TrafficSplit";
const kubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: plain-token-from-a-test\n";

const args = {
    kubeconfig,
    namespace: "demo",
    name: "app",
    hosts: ["app.example.com"],
    destination: "app.demo.svc.cluster.local",
    canaryWeight: 10,
};

describe("TrafficSplit resource under mocks", () => {
    it("registers one dynamic resource whose serialized provider deserializes and passes check", async () => {
        let split: TrafficSplit | undefined;
        const run = await runUnderMocks(() => {
            split = new TrafficSplit("split", args);
            return { id: split.id };
        }, { config: {} });
        const registered = run.one(TYPE, "split");
        assert.strictEqual(typeof registered.inputs.__provider, "string");
        assert.strictEqual(registered.inputs.canaryWeight, 10);
        assert.strictEqual(run.outputs.id, "split-id");
        for (const output of [split!.stableWeight, split!.appliedCanaryWeight, split!.previousCanaryWeight, split!.resourceVersion, split!.canaryWeight]) {
            assert.ok(pulumi.Output.isInstance(output));
        }
    });

    it("makes the kubeconfig a secret even when given as a plain string, and keeps it out of the provider code", async () => {
        const run = await runUnderMocks(() => {
            new TrafficSplit("split", args);
        }, { config: {} });
        assert.ok(run.secretValues.has(kubeconfig));
        assert.ok(!String(run.one(TYPE, "split").inputs.__provider).includes("plain-token-from-a-test"));
    });

    it("fails the program (as preview would) on a check failure", async () => {
        await assert.rejects(
            runUnderMocks(() => {
                return { id: new TrafficSplit("split", { ...args, canaryWeight: 150 }).id };
            }, { config: {} }),
            /property canaryWeight value \{150\} has a problem: canary\.weight: must be an integer from 0 to 100 .*got 150/,
        );
    });
});
