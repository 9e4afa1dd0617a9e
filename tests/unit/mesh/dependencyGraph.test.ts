// The order the engine would run the program in, read from synth's
// resources.json: each resource's RegisterResource dependencies and its
// provider. For every committed stack: nothing waits on what it feeds.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ProgramRun } from "../../../synth/mockCloud";
import { OUTPUT_PLACEHOLDER, writeSynthOutput } from "../../../synth/output";
import { projectRoot } from "../../../synth/stackFiles";

interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly dependencies: string[];
    readonly provider?: string;
}

const TRAFFIC_SPLIT = "pulumi-nodejs:dynamic/eks-ingress-mesh:TrafficSplit::mesh-traffic-split";
const NODE_GROUP = "eks:index:ManagedNodeGroup::cluster-nodes";
const APP_INGRESS = "kubernetes:networking.k8s.io/v1:Ingress::ingress-app";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const RELEASE = "kubernetes:helm.sh/v3:Release";

/** Edges the engine orders by: a resource runs after its dependencies and its provider. */
function graphOf(resources: readonly RecordedResource[]): Map<string, string[]> {
    return new Map(resources.map((r) => [`${r.type}::${r.name}`, [...r.dependencies, ...(r.provider ? [r.provider] : [])]]));
}

/** Whether `to` is reachable from `from`; returns the path when it is. */
function pathBetween(graph: Map<string, string[]>, from: string, to: string): string[] | undefined {
    const seen = new Set<string>();
    const walk = (node: string, trail: string[]): string[] | undefined => {
        if (node === to) {
            return trail;
        }
        if (seen.has(node)) {
            return undefined;
        }
        seen.add(node);
        for (const next of graph.get(node) ?? []) {
            const found = walk(next, [...trail, next]);
            if (found) {
                return found;
            }
        }
        return undefined;
    };
    return walk(from, [from]);
}

function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe("dependency graph the engine receives (synth resources.json)", function () {
    this.timeout(120_000);
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eim-graph-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    for (const stack of ["dev", "prod"]) {
        describe(`the ${stack} stack`, () => {
            let resources: RecordedResource[];
            let graph: Map<string, string[]>;
            let out: string;
            before(() => {
                out = path.join(tmp, stack);
                const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/synth.ts", "--stack", stack, "--out", out], {
                    cwd: projectRoot,
                    encoding: "utf8",
                });
                assert.strictEqual(result.status, 0, result.stderr);
                resources = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8"));
                graph = graphOf(resources);
            });

            it("records every resource's dependencies and provider", () => {
                for (const r of resources) {
                    assert.ok(Array.isArray(r.dependencies), `${r.type}::${r.name} has its dependencies`);
                }
                assert.ok(graph.get(TRAFFIC_SPLIT)!.length > 0);
                assert.strictEqual(resources.find((r) => r.type === RELEASE)!.provider, "pulumi:providers:kubernetes::cluster-k8s");
            });

            it("no Ingress waits for the TrafficSplit", () => {
                for (const ingress of resources.filter((r) => r.type === INGRESS)) {
                    const found = pathBetween(graph, `${INGRESS}::${ingress.name}`, TRAFFIC_SPLIT);
                    assert.strictEqual(found, undefined, `path ${found?.join(" -> ")}`);
                }
            });

            it("the app's Ingress waits for the gateway it routes to", () => {
                assert.ok(pathBetween(graph, APP_INGRESS, `${RELEASE}::mesh-gateway`));
                assert.ok(pathBetween(graph, APP_INGRESS, "kubernetes:networking.istio.io/v1:Gateway::mesh-gateway"));
            });

            it("the TrafficSplit (and its gate) runs once traffic can reach the canary: after the app, the gateway, Prometheus and the app's Ingress", () => {
                for (const needed of [
                    "kubernetes:apps/v1:Deployment::workloads-app-canary",
                    "kubernetes:apps/v1:Deployment::workloads-app-stable",
                    "kubernetes:core/v1:Service::workloads-app",
                    "kubernetes:networking.istio.io/v1:DestinationRule::mesh-destination-rule",
                    `${RELEASE}::mesh-gateway`,
                    `${RELEASE}::mesh-prometheus`,
                    APP_INGRESS,
                ]) {
                    assert.ok(pathBetween(graph, TRAFFIC_SPLIT, needed), `TrafficSplit waits for ${needed}`);
                }
                // The gate can see traffic while it bakes: nothing it waits for waits for it.
                for (const [node] of graph) {
                    if (node !== TRAFFIC_SPLIT && pathBetween(graph, TRAFFIC_SPLIT, node)) {
                        assert.strictEqual(pathBetween(graph, node, TRAFFIC_SPLIT), undefined, `${node} and the TrafficSplit wait for each other`);
                    }
                }
            });

            it("every Helm release waits for the managed node group", () => {
                const releases = resources.filter((r) => r.type === RELEASE);
                assert.ok(releases.length >= 4);
                for (const release of releases) {
                    assert.ok(pathBetween(graph, `${RELEASE}::${release.name}`, NODE_GROUP), `${release.name} reaches the node group`);
                }
            });

            it("holds no Output placeholder text anywhere", () => {
                for (const file of filesUnder(out)) {
                    assert.ok(!fs.readFileSync(file, "utf8").includes(OUTPUT_PLACEHOLDER), file);
                }
                const eks = resources.find((r) => r.type === "eks:index:Cluster") as unknown as { inputs: { instanceRoles: unknown[] } };
                assert.deepStrictEqual(eks.inputs.instanceRoles, [{ $resource: `urn:pulumi:${stack}::eks-ingress-mesh::eks-ingress-mesh:index:Cluster$aws:iam/role:Role::cluster-node-role` }]);
            });
        });
    }

    it("synth refuses to write an Output's placeholder text", () => {
        const run = {
            resources: [{ type: "t", name: "n", urn: "u", id: "i", custom: true, inputs: { x: `${OUTPUT_PLACEHOLDER} is not supported` }, state: {}, dependencies: [], propertyDependencies: {} }],
            secretValues: new Set<string>(),
            outputs: {},
        } as unknown as ProgramRun;
        assert.throws(() => writeSynthOutput(run, path.join(tmp, "placeholder")), /synth: resources\.json would hold an Output's placeholder text/);
    });
});
