// The user's canary flow under mocks, on the dev stack's own config:
//   pulumi config set --path canary.weight 1  && pulumi up
//   pulumi config set --path canary.weight 25 && pulumi up
// The second run must change the TrafficSplit's canaryWeight and nothing else:
// same resources, same inputs everywhere (Helm values, Istio objects, the
// VirtualService's other fields), so raising the weight never restarts Istio
// or touches another object.
import * as assert from "assert";
import { MockResource, ProgramRun, runUnderMocks } from "../../../synth/mockCloud";
import { readStackConfigFile } from "../../../synth/stackFiles";

const MESH = "eks-ingress-mesh:index:Mesh";
const TRAFFIC_SPLIT = "pulumi-nodejs:dynamic/eks-ingress-mesh:TrafficSplit";

function withWeight(config: Record<string, unknown>, weight: number): Record<string, unknown> {
    return { ...config, canary: { ...(config.canary as Record<string, unknown>), weight } };
}

/** The dev stack as `pulumi up` runs it: index.ts with Pulumi.dev.yaml, canary.weight overridden. */
async function runStack(weight: number): Promise<ProgramRun> {
    const { config, secretKeys } = readStackConfigFile("dev");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../../../index");
    const run = await runUnderMocks(program, { stack: "dev", config: withWeight(config, weight), secretKeys });
    assert.strictEqual(run.byType(MESH).length, 1, "index.ts builds one Mesh");
    return run;
}

const key = (r: MockResource) => `${r.type}::${r.name}`;

/**
 * Inputs in comparable form: a resource reference (remote components such as
 * eks:index:Cluster receive live Resource objects) becomes its type and name.
 */
function comparable(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(comparable);
    }
    if (typeof value === "function") {
        return "[function]";
    }
    if (typeof value === "object" && value !== null) {
        const r = value as { __pulumiResource?: boolean; __pulumiType?: string; __name?: string };
        if (r.__pulumiResource) {
            return `[resource ${r.__pulumiType}::${r.__name}]`;
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
    }
    return value;
}

describe("canary flow: canary.weight 1, then 25", () => {
    let first: ProgramRun;
    let second: ProgramRun;
    before(async () => {
        first = await runStack(1);
        second = await runStack(25);
    });

    it("changes the TrafficSplit's canaryWeight from 1 to 25", () => {
        const before = first.one(TRAFFIC_SPLIT);
        const after = second.one(TRAFFIC_SPLIT);
        assert.strictEqual(before.inputs.canaryWeight, 1);
        assert.strictEqual(after.inputs.canaryWeight, 25);
    });

    it("keeps every other input of the TrafficSplit", () => {
        const { canaryWeight: _a, ...before } = first.one(TRAFFIC_SPLIT).inputs;
        const { canaryWeight: _b, ...after } = second.one(TRAFFIC_SPLIT).inputs;
        assert.deepStrictEqual(comparable(after), comparable(before));
        assert.ok(Object.keys(before).length > 10, "the comparison covers the TrafficSplit's inputs");
    });

    it("creates the same resources with the same inputs everywhere else", () => {
        assert.deepStrictEqual(second.resources.map(key).sort(), first.resources.map(key).sort());
        const others = first.resources.filter((r) => r.type !== TRAFFIC_SPLIT);
        assert.ok(others.filter((r) => r.type.startsWith("kubernetes:")).length >= 20, "every layer's Kubernetes objects are compared");
        assert.ok(others.some((r) => r.type.startsWith("aws:")), "the cloud resources are compared too");
        for (const r of others) {
            const twin = second.resources.find((s) => key(s) === key(r))!;
            assert.deepStrictEqual(comparable(twin.inputs), comparable(r.inputs), `${key(r)} must not change when only canary.weight does`);
            assert.deepStrictEqual(twin.parent, r.parent);
        }
    });

    it("reports the new weights and leaves the other stack outputs alone", () => {
        const strip = (outputs: Record<string, unknown>) => Object.fromEntries(Object.entries(outputs).filter(([k]) => !/weight/i.test(k)));
        assert.deepStrictEqual(strip(second.outputs), strip(first.outputs));
        assert.deepStrictEqual([first.outputs.canaryWeight, first.outputs.stableWeight], [1, 99]);
        assert.deepStrictEqual([second.outputs.canaryWeight, second.outputs.stableWeight], [25, 75]);
    });
});
