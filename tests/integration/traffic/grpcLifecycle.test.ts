/**
 * TrafficSplit under every Pulumi operation, driven through the SDK's
 * dynamic-provider host over gRPC in the engine's order (engine.ts), against
 * the Kubernetes API double. Every case ends with exactly what remains in the
 * cluster: the VirtualServices in the namespace and who owns them.
 */
import * as assert from "assert";
import { dynamicUrn, HostHandle, isPartialStateError } from "../fixtures/dynamicProviderHost";
import { Json, KubeApiDouble, virtualService, virtualServices } from "../fixtures/kubeApiDouble";
import { PrometheusStub } from "../fixtures/prometheusStub";
import { CheckFailed, MiniEngine } from "./engine";
import { GrpcRig, startGrpcRig, weightsOf } from "./helpers";

const INSTANCE = "eks-ingress-mesh/instance";
const STACK = "eks-ingress-mesh/stack";
const RESOURCE = "eks-ingress-mesh/resource";
const PROJECT = "eks-ingress-mesh/project";
const MANAGED_BY = "app.kubernetes.io/managed-by";

describe("TrafficSplit through every engine operation (gRPC host, Kubernetes API double)", function () {
    let rig: GrpcRig;
    let host: HostHandle;
    let api: KubeApiDouble;
    let prometheus: PrometheusStub;
    let __provider: string;
    let engine: MiniEngine;
    let ns: string;
    let n = 0;
    const urn = dynamicUrn("mesh-traffic-split", "dev");

    before(async () => {
        rig = await startGrpcRig();
        ({ host, api, prometheus, provider: __provider } = rig);
    });
    after(async () => {
        await rig?.stop();
    });
    beforeEach(() => {
        ns = `life${++n}`;
        engine = new MiniEngine(host);
        api.clearHooks();
        prometheus.setScript([0]);
    });

    const owner = (resource = "mesh-traffic-split", stack = "dev") => ({ project: "eks-ingress-mesh", stack, resource });
    const news = (patch: Json = {}): Json => ({
        __provider,
        kubeconfig: api.kubeconfig(),
        namespace: ns,
        name: "app",
        hosts: ["app.example.com", `app.${ns}.svc.cluster.local`],
        gateways: ["istio-ingress/app-gateway", "mesh"],
        destination: `app.${ns}.svc.cluster.local`,
        port: 80,
        canaryWeight: 10,
        maxStep: 20,
        owner: owner(),
        ...patch,
    });
    const live = () => api.list(virtualServices(ns));
    const liveApp = () => api.get(virtualService(ns, "app"));
    const instanceOf = (obj: Json | undefined) => obj?.metadata?.annotations?.[INSTANCE];

    describe("undefined and missing inputs", () => {
        it("check answers with failures naming each field, never a host crash, and changes nothing", async () => {
            const { destination: _d, hosts: _h, kubeconfig: _k, ...rest } = news();
            const checked = await host.check(urn, {}, rest);
            assert.deepStrictEqual(
                checked.failures.map((f) => f.property),
                ["kubeconfig", "hosts", "destination"],
            );
            assert.match(checked.failures[1].reason, /^hosts: must be a non-empty list; got nothing$/);
            assert.match(checked.failures[2].reason, /^destination: must be a service host name .*; got nothing$/);
            // Outputs that resolve to undefined arrive as absent keys; nested ones too.
            const nested = await host.check(urn, {}, news({ canaryHeader: { value: "always" }, analysis: { prometheus: "monitoring/prometheus:9090" } }));
            assert.ok(nested.failures.some((f) => f.reason.startsWith("canary.header.name: ")), JSON.stringify(nested.failures));
            assert.ok(nested.failures.some((f) => f.reason.startsWith("canary.analysis.query: ")), JSON.stringify(nested.failures));
            assert.deepStrictEqual(live(), []);
        });

        it("delete and read with state that lost fields work from the id", async () => {
            await engine.up(urn, news());
            const thin = { __provider, kubeconfig: api.kubeconfig() };
            const read = await host.read(`${ns}/app`, urn, thin);
            assert.strictEqual(read.id, "", "without an instance id in state the object is not provably ours: it reads as gone");
            await host.delete(`${ns}/app`, urn, thin);
            assert.strictEqual(live().length, 1, "and delete leaves what it cannot prove is its own");
        });
    });

    describe("pulumi up --replace (create-before-delete, same namespace/name)", () => {
        it("the new resource takes the VirtualService over; the old one's delete leaves it", async () => {
            await engine.up(urn, news());
            const first = instanceOf(liveApp());
            assert.ok(first);
            assert.strictEqual(await engine.up(urn, news({ canaryWeight: 15 }), { replace: true }), "replace");
            const vs = liveApp();
            assert.strictEqual(live().length, 1);
            assert.notStrictEqual(instanceOf(vs), first, "a new instance owns it");
            assert.strictEqual(instanceOf(vs), engine.get(urn)!.outputs.instanceId);
            assert.deepStrictEqual(weightsOf(vs), [85, 15]);

            await engine.destroy(urn);
            assert.deepStrictEqual(live(), [], "destroy after the replace removes it");
        });

        it("a namespace change creates the new object before deleting the old one", async () => {
            await engine.up(urn, news());
            const oldNs = ns;
            api.clearRequests();
            ns = `${oldNs}-moved`;
            assert.strictEqual(await engine.up(urn, news()), "replace");
            const writes = api.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.split("/")[5]}`);
            assert.deepStrictEqual(writes, [`POST ${ns}`, `DELETE ${oldNs}`]);
            assert.strictEqual(api.list(virtualServices(oldNs)).length, 0);
            assert.strictEqual(live().length, 1);
        });
    });

    describe("rename without an alias", () => {
        it("the renamed resource takes over; the old name's delete leaves it; its destroy removes it", async () => {
            await engine.up(urn, news());
            const renamed = dynamicUrn("traffic-split", "dev");
            await engine.rename(urn, renamed, news({ owner: owner("traffic-split") }));
            assert.strictEqual(live().length, 1);
            const vs = liveApp()!;
            assert.strictEqual(vs.metadata.labels[RESOURCE], "traffic-split");
            assert.strictEqual(instanceOf(vs), engine.get(renamed)!.outputs.instanceId);
            await engine.destroy(renamed);
            assert.deepStrictEqual(live(), []);
        });
    });

    describe("two stacks on one cluster", () => {
        it("stack B can neither take over nor delete stack A's VirtualService", async () => {
            await engine.up(urn, news());
            const before = liveApp()!;
            const stackB = new MiniEngine(host);
            const urnB = dynamicUrn("mesh-traffic-split", "staging");
            await assert.rejects(
                stackB.up(urnB, news({ owner: owner("mesh-traffic-split", "staging"), canaryWeight: 50, maxStep: 100 })),
                (err: Error) => /already exists and belongs to stack eks-ingress-mesh\/dev \(resource mesh-traffic-split\)/.test(err.message),
            );
            assert.strictEqual(stackB.get(urnB), undefined, "nothing recorded");
            assert.deepStrictEqual(liveApp(), before, "untouched");

            // Even with state that points at A's object (a copied stack), B's delete leaves it.
            await host.delete(`${ns}/app`, urnB, { ...engine.get(urn)!.outputs, instanceId: "b-instance", owner: owner("mesh-traffic-split", "staging") });
            assert.deepStrictEqual(liveApp(), before);
            await engine.destroy(urn);
            assert.deepStrictEqual(live(), []);
        });

        it("a VirtualService labelled for this stack and resource is adopted (the import path)", async () => {
            api.seed(virtualServices(ns), {
                apiVersion: "networking.istio.io/v1",
                kind: "VirtualService",
                metadata: { name: "app", labels: { [MANAGED_BY]: "eks-ingress-mesh", [PROJECT]: "eks-ingress-mesh", [STACK]: "dev", [RESOURCE]: "mesh-traffic-split" } },
                spec: { hosts: ["app.example.com"], http: [{ name: "weighted", route: [{ destination: { host: "x", subset: "stable" }, weight: 100 }] }] },
            });
            await engine.up(urn, news());
            assert.strictEqual(live().length, 1);
            assert.strictEqual(instanceOf(liveApp()), engine.get(urn)!.outputs.instanceId);
            assert.deepStrictEqual(weightsOf(liveApp()), [90, 10]);
        });
    });

    describe("refresh", () => {
        it("a VirtualService deleted by hand reads as gone; the next up creates it again", async () => {
            await engine.up(urn, news());
            api.remove(virtualService(ns, "app"));
            assert.strictEqual(await engine.refresh(urn), "gone");
            assert.strictEqual(engine.get(urn), undefined);
            assert.strictEqual(await engine.up(urn, news()), "create");
            assert.strictEqual(live().length, 1);
        });

        it("a VirtualService deleted and re-created by someone else reads as gone, and is not adopted or deleted", async () => {
            await engine.up(urn, news());
            api.remove(virtualService(ns, "app"));
            api.seed(virtualServices(ns), { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "app" }, spec: { hosts: ["x"] } });
            assert.strictEqual(await engine.refresh(urn), "gone");
            await assert.rejects(engine.up(urn, news()), /already exists and is not managed by eks-ingress-mesh/);
            assert.deepStrictEqual(liveApp()!.spec, { hosts: ["x"] });
        });
    });

    describe("partial failures", () => {
        const analysis = {
            prometheus: "monitoring/prometheus:9090",
            query: "error_rate",
            requestsQuery: "request_count",
            minRequests: 10,
            maxErrorRate: 0.05,
            bakeSeconds: 1,
            intervalSeconds: 1,
        };

        it("update: a failed rollback records the weight that is live; the next up converges", async () => {
            await engine.up(urn, news({ analysis }));
            prometheus.scriptFor("request_count", [100]);
            prometheus.scriptFor("error_rate", [0.5]);
            // The raise's PUT goes through; once the gate has measured, every PUT (the rollback) fails.
            api.beforeNext({ method: "GET", path: "/proxy/" }, () => api.injectOnce({ method: "PUT" }, { status: 500, message: "etcd unavailable", times: 10 }));
            const failure = await engine.up(urn, news({ analysis, canaryWeight: 25 })).catch((e: Error) => e);
            assert.ok(isPartialStateError(failure), `partial-state error expected, got ${String(failure)}`);
            assert.match(failure.message, /canary error rate 0\.5 > maxErrorRate 0\.05 .*rollback to 90\/10 FAILED/);
            assert.deepStrictEqual(weightsOf(liveApp()), [75, 25], "the raise stayed live");
            const recorded = engine.get(urn)!;
            assert.deepStrictEqual([recorded.outputs.appliedCanaryWeight, recorded.outputs.stableWeight], [25, 75], "state says what is live");
            assert.ok(recorded.initErrors && recorded.initErrors.length === 1);

            api.clearHooks();
            prometheus.setScript([0]);
            prometheus.scriptFor("request_count", [100]);
            assert.strictEqual(await engine.up(urn, news({ analysis, canaryWeight: 10 })), "update");
            assert.deepStrictEqual(weightsOf(liveApp()), [90, 10]);
            await engine.destroy(urn);
            assert.deepStrictEqual(live(), []);
        });

        it("create: a failed rollback still records the resource, so destroy removes the object", async () => {
            prometheus.scriptFor("request_count", [100]);
            prometheus.scriptFor("error_rate", [0.5]);
            api.beforeNext({ method: "GET", path: "/proxy/" }, () => api.injectOnce({ method: "PUT" }, { status: 500, times: 10 }));
            const failure = await engine.up(urn, news({ analysis, canaryWeight: 20 })).catch((e: Error) => e);
            assert.ok(isPartialStateError(failure), String(failure));
            assert.deepStrictEqual(weightsOf(liveApp()), [80, 20]);
            assert.strictEqual(engine.get(urn)!.outputs.appliedCanaryWeight, 20);
            api.clearHooks();
            await engine.destroy(urn);
            assert.deepStrictEqual(live(), []);
        });

        it("a write applied whose answer was lost is read back, so state records what exists and destroy leaves nothing", async () => {
            api.loseNextResponse({ method: "POST" });
            assert.strictEqual(await engine.up(urn, news()), "create");
            assert.strictEqual(instanceOf(liveApp()), engine.get(urn)!.outputs.instanceId);
            api.loseNextResponse({ method: "PUT" });
            assert.strictEqual(await engine.up(urn, news({ canaryWeight: 20 })), "update");
            assert.strictEqual(engine.get(urn)!.outputs.appliedCanaryWeight, 20);
            assert.match(host.stderr(), /the API server's answer was lost, but the object reads back as written/);
            await engine.destroy(urn);
            assert.deepStrictEqual(live(), []);
        });

        it("update: a clean rollback keeps the old state exactly (the raise shows again in the next preview)", async () => {
            await engine.up(urn, news({ analysis }));
            const before = engine.get(urn)!;
            prometheus.scriptFor("request_count", [100]);
            prometheus.scriptFor("error_rate", [0.5]);
            await assert.rejects(engine.up(urn, news({ analysis, canaryWeight: 25 })), /rolled back to 90\/10$/);
            assert.deepStrictEqual(engine.get(urn), before);
            assert.deepStrictEqual(weightsOf(liveApp()), [90, 10]);
            assert.strictEqual(instanceOf(liveApp()), before.outputs.instanceId);
        });
    });

    describe("the gate on a first deploy", () => {
        it("with no traffic at all (Prometheus has no samples), create ends at the configured weight, saying the gate could not judge", async () => {
            prometheus.setScript([{ empty: true }]);
            const analysis = { prometheus: "monitoring/prometheus:9090", query: "error_rate", requestsQuery: "request_count", minRequests: 10, maxErrorRate: 0.05, bakeSeconds: 2, intervalSeconds: 1 };
            assert.strictEqual(await engine.up(urn, news({ analysis, canaryWeight: 1 })), "create");
            assert.deepStrictEqual(weightsOf(liveApp()), [99, 1]);
            const outs = engine.get(urn)!.outputs;
            assert.strictEqual(outs.appliedCanaryWeight, 1);
            assert.match(String(outs.analysisResult), /^inconclusive: /);
            assert.match(host.stderr(), /canary analysis inconclusive: no window had canary\.analysis\.minRequests 10 requests \(0, 0\); not a verdict either way; first deploy: kept 99\/1 unverified/);
            // The next up with the same config is a no-op, not another bake.
            assert.strictEqual(await engine.up(urn, news({ analysis, canaryWeight: 1 })), "same");
        });

        it("a later raise with too little traffic is halted: rolled back and failed, saying why", async () => {
            const analysis = { prometheus: "monitoring/prometheus:9090", query: "error_rate", requestsQuery: "request_count", minRequests: 10, maxErrorRate: 0.05, bakeSeconds: 2, intervalSeconds: 1 };
            prometheus.setScript([{ empty: true }]);
            await engine.up(urn, news({ analysis, canaryWeight: 1 }));
            prometheus.setScript([0]);
            prometheus.scriptFor("request_count", [3]);
            await assert.rejects(
                engine.up(urn, news({ analysis, canaryWeight: 5 })),
                /^Error: canary analysis inconclusive: no window had canary\.analysis\.minRequests 10 requests \(3, 3\); not a verdict either way; rolled back to 99\/1$/,
            );
            assert.deepStrictEqual(weightsOf(liveApp()), [99, 1]);
            assert.strictEqual(engine.get(urn)!.outputs.appliedCanaryWeight, 1);
        });
    });

    describe("the gate's p99 latency criterion (canary.analysis.maxLatencyMs)", () => {
        const analysis = {
            prometheus: "monitoring/prometheus:9090",
            query: "error_rate",
            requestsQuery: "request_count",
            latencyQuery: "p99_latency",
            minRequests: 10,
            maxErrorRate: 0.05,
            maxLatencyMs: 500,
            bakeSeconds: 2,
            intervalSeconds: 1,
        };

        it("a raise whose p99 goes over the limit is rolled back, the measured p99 in the error; state keeps the old weight", async () => {
            prometheus.setScript([0]);
            prometheus.scriptFor("request_count", [100]);
            prometheus.scriptFor("p99_latency", [120]);
            await engine.up(urn, news({ analysis, canaryWeight: 10 }));
            assert.match(String(engine.get(urn)!.outputs.analysisResult), /^passed: 2 of 2 windows judged/);
            const before = engine.get(urn)!;
            prometheus.setScript([0.01]);
            prometheus.scriptFor("request_count", [100, 140]);
            prometheus.scriptFor("p99_latency", [310, 912.4]);
            await assert.rejects(
                engine.up(urn, news({ analysis, canaryWeight: 25 })),
                /^Error: canary p99 latency 912ms > maxLatencyMs 500ms over 140 requests at 2s of 2s bake; rolled back to 90\/10$/,
            );
            assert.deepStrictEqual(weightsOf(liveApp()), [90, 10]);
            assert.deepStrictEqual(engine.get(urn), before, "a clean rollback keeps the old state exactly");
            assert.match(host.stderr(), /canary p99 latency 912ms > maxLatencyMs 500ms/);
            assert.deepStrictEqual(prometheus.queries, ["request_count", "error_rate", "p99_latency", "request_count", "error_rate", "p99_latency"]);
        });

        it("zero requests never pass with latency on: a first deploy stays unverified, a raise is halted", async () => {
            prometheus.setScript([{ empty: true }]);
            assert.strictEqual(await engine.up(urn, news({ analysis, canaryWeight: 1 })), "create");
            assert.match(String(engine.get(urn)!.outputs.analysisResult), /^inconclusive: /);
            await assert.rejects(engine.up(urn, news({ analysis, canaryWeight: 5 })), /canary analysis inconclusive: .*rolled back to 99\/1$/);
            assert.deepStrictEqual(weightsOf(liveApp()), [99, 1]);
            assert.ok(!prometheus.queries.includes("p99_latency"), "without traffic nothing is judged, latency included");
        });

        it("check refuses a latency limit it cannot measure, naming the key", async () => {
            const { latencyQuery: _unused, ...withoutQuery } = analysis;
            await assert.rejects(engine.up(urn, news({ analysis: withoutQuery })), /canary\.analysis\.maxLatencyMs: needs canary\.analysis\.latencyQuery/);
            await assert.rejects(engine.up(urn, news({ analysis: { ...analysis, maxLatencyMs: 0 } })), /canary\.analysis\.maxLatencyMs: must be a number of milliseconds from 1 to 3600000; got 0/);
            assert.deepStrictEqual(live(), []);
        });
    });

    describe("state written by earlier versions", () => {
        /** What the provider before the ownership labels wrote: its outputs, and the object with only the program label. */
        const legacy = async (weight: number) => {
            const inputs = news({ canaryWeight: weight, owner: undefined, hosts: ["app.example.com"], gateways: ["istio-ingress/app-gateway"] });
            delete inputs.owner;
            api.seed(virtualServices(ns), {
                apiVersion: "networking.istio.io/v1",
                kind: "VirtualService",
                metadata: { name: "app", labels: { [MANAGED_BY]: "eks-ingress-mesh" }, annotations: { "eks-ingress-mesh/canary-weight": String(weight) } },
                spec: {
                    hosts: ["app.example.com"],
                    gateways: ["istio-ingress/app-gateway"],
                    http: [
                        {
                            name: "weighted",
                            route: [
                                { destination: { host: `app.${ns}.svc.cluster.local`, subset: "stable", port: { number: 80 } }, weight: 100 - weight },
                                { destination: { host: `app.${ns}.svc.cluster.local`, subset: "canary", port: { number: 80 } }, weight },
                            ],
                        },
                    ],
                },
            });
            const outputs = { ...inputs, stableWeight: 100 - weight, appliedCanaryWeight: weight, previousCanaryWeight: 0, resourceVersion: liveApp()!.metadata.resourceVersion };
            engine.state.set(urn, { urn, id: `${ns}/app`, inputs, outputs });
            return inputs;
        };

        it("reads without a spurious diff, refreshes as present, and migrates the labels on the next real change", async () => {
            const inputs = await legacy(10);
            assert.strictEqual(await engine.up(urn, { ...inputs, owner: owner() }), "same", "adding the owner is no change");
            assert.strictEqual(await engine.refresh(urn), "refreshed");
            assert.strictEqual(engine.get(urn)!.outputs.appliedCanaryWeight, 10);

            assert.strictEqual(await engine.up(urn, { ...inputs, owner: owner(), canaryWeight: 20 }), "update");
            const vs = liveApp()!;
            assert.deepStrictEqual([vs.metadata.labels[STACK], vs.metadata.labels[RESOURCE]], ["dev", "mesh-traffic-split"]);
            assert.strictEqual(instanceOf(vs), engine.get(urn)!.outputs.instanceId);
            await engine.destroy(urn);
            assert.deepStrictEqual(live(), []);
        });

        it("destroy straight from the old state removes the object", async () => {
            await legacy(10);
            await engine.destroy(urn);
            assert.deepStrictEqual(live(), []);
        });

        it("an old state's delete leaves an object a new resource has since taken over", async () => {
            await legacy(10);
            const old = engine.get(urn)!;
            const renamed = dynamicUrn("traffic-split", "dev");
            // The object carries only the program label: adopting it needs this stack's labels first.
            await assert.rejects(engine.up(renamed, news({ owner: owner("traffic-split") })), /carries only the label app\.kubernetes\.io\/managed-by=eks-ingress-mesh/);
            api.mutate(virtualService(ns, "app"), (o: Json) => Object.assign(o.metadata.labels, { [PROJECT]: "eks-ingress-mesh", [STACK]: "dev", [RESOURCE]: "traffic-split" }));
            await engine.up(renamed, news({ owner: owner("traffic-split") }));
            await host.delete(old.id, urn, old.outputs);
            assert.strictEqual(live().length, 1);
            assert.strictEqual(instanceOf(liveApp()), engine.get(renamed)!.outputs.instanceId);
        });
    });

    it("a check failure records nothing and changes nothing", async () => {
        await assert.rejects(engine.up(urn, news({ canaryWeight: 150 })), CheckFailed);
        assert.deepStrictEqual(live(), []);
    });
});
