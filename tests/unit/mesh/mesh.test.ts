// The Mesh component under Pulumi mocks: the resource graph (Helm releases in
// order, namespaces, Istio objects, the TrafficSplit) and the key properties
// each resource is created with.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, StackConfig } from "../../../config";
import { Mesh, MeshArgs } from "../../../components/mesh";
import { MockResource, ProgramRun, runUnderMocks } from "../../../synth/mockCloud";
import { validateManifest } from "../../../synth/validateManifest";


const RELEASE = "kubernetes:helm.sh/v3:Release";
const CUSTOM = (apiVersion: string, kind: string) => `kubernetes:${apiVersion}:${kind}`;
const NAMESPACE = "kubernetes:core/v1:Namespace";
const DYNAMIC = "pulumi-nodejs:dynamic/eks-ingress-mesh:TrafficSplit";
const KUBECONFIG = JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [], contexts: [], users: [] });

export function stackConfig(raw: Record<string, unknown> = {}): StackConfig {
    return loadStackConfig({ domain: "example.com", ...raw }, { stack: "dev" });
}

export function meshArgs(c: StackConfig, extra: Partial<MeshArgs> = {}): MeshArgs {
    return { mesh: c.mesh, app: c.app, canary: c.canary, resilience: c.resilience, kubeconfig: KUBECONFIG, ...extra };
}

export interface MeshRun {
    readonly run: ProgramRun;
    /** "type::name" of each resource → names of the resources it explicitly dependsOn. */
    readonly dependsOn: Map<string, string[]>;
    readonly error?: Error;
}

/** Runs one Mesh under mocks, recording each resource's explicit dependsOn (by resource name). */
export async function runMesh(args: MeshArgs): Promise<MeshRun> {
    const dependsOn = new Map<string, string[]>();
    let error: Error | undefined;
    const run = await runUnderMocks(
        () => {
            pulumi.runtime.registerStackTransformation((t) => {
                const deps = (t.opts.dependsOn ?? []) as pulumi.Resource[] | pulumi.Resource;
                const list = Array.isArray(deps) ? deps : [deps];
                dependsOn.set(`${t.type}::${t.name}`, list.map((r) => (r as unknown as { __name: string }).__name));
                return undefined;
            });
            const provider = new k8s.Provider("k8s", { kubeconfig: KUBECONFIG });
            try {
                const mesh = new Mesh("mesh", args, { providers: { kubernetes: provider } });
                const canary = mesh.splitTraffic({ after: [] });
                const { dependsOn: gatewayDeps, ...gateway } = mesh.gateway;
                return {
                    gateway,
                    gatewayDependsOn: gatewayDeps.map((r) => (r as unknown as { __name: string }).__name),
                    appNamespace: mesh.appNamespace,
                    canaryWeight: canary.canaryWeight,
                    stableWeight: canary.stableWeight,
                    prometheus: mesh.prometheus,
                    trafficSplitOutputs: Object.fromEntries(
                        ["canaryWeight", "appliedCanaryWeight", "stableWeight"].map((k) => [k, pulumi.Output.isInstance((canary.trafficSplit as any)[k])]),
                    ),
                };
            } catch (e) {
                error = e as Error;
                return {};
            }
        },
        { config: {} },
    );
    return { run, dependsOn, error };
}

function release(run: ProgramRun, chart: string): MockResource {
    const matches = run.byType(RELEASE).filter((r) => r.inputs.chart === chart);
    assert.strictEqual(matches.length, 1, `one ${chart} release`);
    return matches[0];
}

describe("Mesh component (under mocks)", () => {
    describe("with defaults plus a 25% canary", () => {
        let m: MeshRun;
        before(async () => {
            m = await runMesh(
                meshArgs(
                    stackConfig({
                        canary: { weight: 25, maxStep: 30 },
                        resilience: { faultInjection: { abort: { httpStatus: 503, percent: 2 } }, rateLimit: { maxTokens: 40, tokensPerFill: 20, fillInterval: "2s" } },
                    }),
                ),
            );
            assert.strictEqual(m.error, undefined);
        });

        it("installs base, istiod and the gateway at the pinned Istio version, in order", () => {
            const base = release(m.run, "base");
            const istiod = release(m.run, "istiod");
            const gateway = release(m.run, "gateway");
            for (const r of [base, istiod, gateway]) {
                assert.strictEqual(r.inputs.version, "1.27.1", `${r.inputs.chart} is pinned`);
                assert.strictEqual(r.inputs.repositoryOpts.repo, "https://istio-release.storage.googleapis.com/charts");
                assert.strictEqual(r.parent, "eks-ingress-mesh:index:Mesh::mesh");
            }
            assert.deepStrictEqual([base.inputs.namespace, istiod.inputs.namespace, gateway.inputs.namespace], ["istio-system", "istio-system", "istio-ingress"]);
            const deps = (r: MockResource) => m.dependsOn.get(`${r.type}::${r.name}`) ?? [];
            assert.ok(deps(base).includes("mesh-istio-system"), "base waits for its namespace");
            assert.deepStrictEqual(deps(istiod), [base.name]);
            assert.ok(deps(gateway).includes(istiod.name), "gateway waits for istiod (sidecar injection webhook)");
            assert.ok(deps(gateway).includes("mesh-istio-ingress"));
            assert.strictEqual(m.run.byType(RELEASE).length, 3, "no Prometheus unless enabled");
        });

        it("runs the ingress gateway as a ClusterIP service (80 → 8080) and exposes it for the ingress layer", () => {
            const values = release(m.run, "gateway").inputs.values;
            assert.strictEqual(values.service.type, "ClusterIP");
            assert.deepStrictEqual(
                values.service.ports.map((p: any) => [p.port, p.targetPort]),
                [
                    [15021, 15021],
                    [80, 8080],
                ],
            );
            assert.strictEqual(release(m.run, "gateway").inputs.name, "istio-ingressgateway");
            assert.deepStrictEqual(m.run.outputs.gateway, {
                namespace: "istio-ingress",
                serviceName: "istio-ingressgateway",
                port: 80,
                healthCheckPort: 15021,
                healthCheckPath: "/healthz/ready",
            });
            // An Ingress routing there waits for the gateway's release and the Gateway object, nothing else of the mesh.
            // (The Helm release and the Gateway custom resource are both named mesh-gateway.)
            assert.deepStrictEqual(m.run.outputs.gatewayDependsOn, ["mesh-gateway", "mesh-gateway"]);
        });

        it("gives every Helm release an explicit await timeout sized for a new cluster", () => {
            for (const r of m.run.byType(RELEASE)) {
                assert.deepStrictEqual([r.inputs.skipAwait, r.inputs.timeout], [false, 600], r.name);
            }
        });

        it("labels the app namespace for sidecar injection and exports it", () => {
            const ns = m.run.byType(NAMESPACE).find((n) => n.inputs.metadata.name === "demo")!;
            assert.strictEqual(ns.inputs.metadata.labels["istio-injection"], "enabled");
            assert.strictEqual(m.run.outputs.appNamespace, "demo");
            assert.deepStrictEqual(m.run.byType(NAMESPACE).map((n) => n.inputs.metadata.name).sort(), ["demo", "istio-ingress", "istio-system"]);
        });

        it("creates Istio objects that pass their schemas, after istiod", () => {
            const kinds = ["networking.istio.io/v1:Gateway", "networking.istio.io/v1:DestinationRule", "security.istio.io/v1:PeerAuthentication", "networking.istio.io/v1alpha3:EnvoyFilter"];
            for (const k of kinds) {
                const [apiVersion, kind] = k.split(":");
                const r = m.run.one(CUSTOM(apiVersion, kind));
                validateManifest(r.inputs as any);
                assert.ok((m.dependsOn.get(`${r.type}::${r.name}`) ?? []).includes("mesh-istiod"), `${kind} waits for istiod`);
            }
        });

        it("binds the Gateway to the app hostname on the ingress gateway pods", () => {
            const gw = m.run.one(CUSTOM("networking.istio.io/v1", "Gateway"));
            assert.deepStrictEqual(gw.inputs.metadata.namespace, "istio-ingress");
            assert.deepStrictEqual(gw.inputs.spec.selector, { istio: "ingressgateway" });
            assert.deepStrictEqual(gw.inputs.spec.servers[0].hosts, ["app.example.com"]);
            assert.deepStrictEqual(gw.inputs.spec.servers[0].port, { number: 80, name: "http", protocol: "HTTP" });
        });

        it("sets STRICT mTLS, the subsets and the circuit breaker", () => {
            const pa = m.run.one(CUSTOM("security.istio.io/v1", "PeerAuthentication"));
            assert.strictEqual(pa.inputs.metadata.namespace, "demo");
            assert.strictEqual(pa.inputs.spec.mtls.mode, "STRICT");
            const dr = m.run.one(CUSTOM("networking.istio.io/v1", "DestinationRule"));
            assert.strictEqual(dr.inputs.spec.host, "app.demo.svc.cluster.local");
            assert.deepStrictEqual(dr.inputs.spec.subsets.map((s: any) => [s.name, s.labels.version]), [
                ["stable", "stable"],
                ["canary", "canary"],
            ]);
            assert.strictEqual(dr.inputs.spec.trafficPolicy.tls.mode, "ISTIO_MUTUAL");
            assert.strictEqual(dr.inputs.spec.trafficPolicy.connectionPool.tcp.maxConnections, 100);
            assert.strictEqual(dr.inputs.spec.trafficPolicy.outlierDetection.consecutive5xxErrors, 5);
        });

        it("rate-limits the app's sidecars with the configured token bucket", () => {
            const ef = m.run.one(CUSTOM("networking.istio.io/v1alpha3", "EnvoyFilter"));
            assert.strictEqual(ef.inputs.metadata.namespace, "demo");
            assert.deepStrictEqual(ef.inputs.spec.workloadSelector.labels, { app: "app" });
            const value = ef.inputs.spec.configPatches[0].patch.value.typed_config.value;
            assert.deepStrictEqual(value.token_bucket, { max_tokens: 40, tokens_per_fill: 20, fill_interval: "2s" });
        });

        it("hands weights, subsets, header, retries, timeout and faults to the TrafficSplit", () => {
            const ts = m.run.one(DYNAMIC, "mesh-traffic-split");
            const i = ts.inputs;
            assert.strictEqual(i.canaryWeight, 25);
            assert.strictEqual(i.maxStep, 30);
            assert.strictEqual(i.force, false);
            assert.strictEqual(i.stableSubset, "stable");
            assert.strictEqual(i.canarySubset, "canary");
            assert.deepStrictEqual(i.canaryHeader, { name: "x-canary", value: "always" });
            assert.deepStrictEqual(i.hosts, ["app.example.com", "app.demo.svc.cluster.local"]);
            assert.deepStrictEqual(i.gateways, ["istio-ingress/app-gateway", "mesh"]);
            assert.strictEqual(i.destination, "app.demo.svc.cluster.local");
            assert.strictEqual(i.port, 80);
            assert.strictEqual(i.namespace, "demo");
            assert.strictEqual(i.name, "app");
            assert.deepStrictEqual(i.retries, { attempts: 2, perTryTimeout: "2s", retryOn: "gateway-error,connect-failure,refused-stream" });
            assert.strictEqual(i.timeout, "10s");
            assert.deepStrictEqual(i.fault, { abort: { httpStatus: 503, percent: 2 } });
            assert.strictEqual(i.analysis, undefined);
            assert.strictEqual(i.kubeconfig, KUBECONFIG);
            const deps = m.dependsOn.get(`${DYNAMIC}::mesh-traffic-split`) ?? [];
            for (const d of ["mesh-gateway", "mesh-destination-rule", "mesh-istiod"]) {
                assert.ok(deps.includes(d), `TrafficSplit waits for ${d}`);
            }
            assert.strictEqual(m.run.outputs.canaryWeight, 25);
            assert.strictEqual(m.run.outputs.stableWeight, 75);
        });

        it("gets the applied weights from the TrafficSplit resource's outputs", () => {
            // A `readonly x!: Output<T>` field is re-initialised to undefined after super() under ES2022 class
            // fields (tsconfig target ES2022), wiping the outputs the dynamic.Resource constructor set; it must be `declare`d.
            assert.deepStrictEqual(m.run.outputs.trafficSplitOutputs, { canaryWeight: true, appliedCanaryWeight: true, stableWeight: true });
        });
    });

    describe("with Prometheus and the analysis gate", () => {
        let m: MeshRun;
        before(async () => {
            m = await runMesh(
                meshArgs(
                    stackConfig({
                        mesh: { prometheus: { enabled: true }, mtls: "PERMISSIVE", istioVersion: "1.26.4" },
                        canary: { weight: 5, analysis: { query: "", maxErrorRate: 0.01, bakeSeconds: 60, intervalSeconds: 15 } },
                    }),
                    { appServiceName: "shop" },
                ),
            );
            assert.strictEqual(m.error, undefined);
        });

        it("installs a pinned Prometheus in istio-system and points the gate at its service", () => {
            const prom = release(m.run, "prometheus");
            assert.match(prom.inputs.version, /^\d+\.\d+\.\d+$/);
            assert.strictEqual(prom.inputs.namespace, "istio-system");
            assert.strictEqual(prom.inputs.repositoryOpts.repo, "https://prometheus-community.github.io/helm-charts");
            const analysis = m.run.one(DYNAMIC, "mesh-traffic-split").inputs.analysis;
            assert.strictEqual(analysis.prometheus, "istio-system/prometheus-server:80");
            assert.match(analysis.query, /destination_service_name="shop"/);
            assert.match(analysis.query, /destination_version="canary"/);
            assert.deepStrictEqual([analysis.maxErrorRate, analysis.bakeSeconds, analysis.intervalSeconds], [0.01, 60, 15]);
            assert.ok((m.dependsOn.get(`${DYNAMIC}::mesh-traffic-split`) ?? []).includes("mesh-prometheus"));
            assert.strictEqual(m.run.outputs.prometheus, "istio-system/prometheus-server:80");
        });

        it("follows mesh.istioVersion, mesh.mtls and appServiceName", () => {
            for (const chart of ["base", "istiod", "gateway"]) {
                assert.strictEqual(release(m.run, chart).inputs.version, "1.26.4");
            }
            assert.strictEqual(m.run.one(CUSTOM("security.istio.io/v1", "PeerAuthentication")).inputs.spec.mtls.mode, "PERMISSIVE");
            const dr = m.run.one(CUSTOM("networking.istio.io/v1", "DestinationRule"));
            assert.strictEqual(dr.inputs.spec.host, "shop.demo.svc.cluster.local");
            assert.strictEqual(dr.inputs.spec.trafficPolicy.tls, undefined);
            const ts = m.run.one(DYNAMIC, "mesh-traffic-split").inputs;
            assert.deepStrictEqual([ts.name, ts.destination], ["shop", "shop.demo.svc.cluster.local"]);
            assert.deepStrictEqual(m.run.one(CUSTOM("networking.istio.io/v1alpha3", "EnvoyFilter")).inputs.spec.workloadSelector.labels, { app: "shop" });
        });
    });

    describe("bad input", () => {
        it("refuses a bad appServiceName before creating anything", async () => {
            const m = await runMesh(meshArgs(stackConfig(), { appServiceName: "Shop_1" }));
            assert.match(m.error?.message ?? "", /^appServiceName: must be a Kubernetes Service name .*; got "Shop_1"$/);
            assert.ok(pulumi.RunError.isInstance(m.error), "reported as a RunError: the message alone, no stack trace");
            assert.deepStrictEqual(m.run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes").map((r) => r.name), []);
        });
    });
});
