/**
 * TrafficSplitProvider through the SDK's dynamic-provider host over gRPC, as
 * `pulumi up` runs it: the provider is serialized into `__provider`, the host
 * (a separate node process) deserializes it and talks to the Kubernetes API
 * double over loopback; the kubeconfig travels as a plain input, as the engine
 * sends secrets to a provider that does not accept them.
 */
import * as assert from "assert";
import { dynamicUrn, HostHandle } from "../fixtures/dynamicProviderHost";
import { Json, KubeApiDouble, virtualService } from "../fixtures/kubeApiDouble";
import { PrometheusStub } from "../fixtures/prometheusStub";
import { GrpcRig, startGrpcRig, weightsOf } from "./helpers";

describe("TrafficSplitProvider through the gRPC dynamic-provider host", function () {
    let rig: GrpcRig;
    let host: HostHandle;
    let api: KubeApiDouble;
    let prometheus: PrometheusStub;
    let __provider: string;
    const urn = dynamicUrn("app-traffic-split");

    before(async () => {
        rig = await startGrpcRig();
        ({ host, api, prometheus, provider: __provider } = rig);
    });
    after(async () => {
        await rig?.stop();
    });

    const news = (namespace: string, patch: Json = {}): Json => ({
        __provider,
        kubeconfig: api.kubeconfig(),
        namespace,
        name: "app",
        hosts: ["App.Example.com"],
        gateways: ["istio-ingress/app-gateway"],
        destination: `app.${namespace}.svc.cluster.local`,
        port: 80,
        canaryWeight: 10,
        maxStep: 20,
        canaryHeader: { name: "X-Canary", value: "always" },
        retries: { attempts: 2, perTryTimeout: "2s" },
        fault: { abort: { httpStatus: 503, percent: 0.5 } },
        ...patch,
    });

    it("the serialized provider captures no client, socket or kubeconfig", () => {
        assert.ok(__provider.length < 150_000, `serialized provider is ${__provider.length} chars`);
        assert.ok(!__provider.includes("test-token"));
        assert.match(__provider, /require\("@kubernetes\/client-node"\)/);
    });

    it("check → create → diff → update → read → delete", async () => {
        const ns = "grpc";
        const ref = virtualService(ns, "app");

        const refused = await host.check(urn, {}, news(ns, { canaryWeight: 150 }));
        assert.deepStrictEqual(refused.failures, [
            { property: "canaryWeight", reason: "canary.weight: must be an integer from 0 to 100 (the stable subset gets 100 - weight); got 150" },
        ]);

        const checked = await host.check(urn, {}, news(ns));
        assert.deepStrictEqual(checked.failures, []);
        assert.deepStrictEqual(checked.inputs.hosts, ["app.example.com"], "check normalizes");
        assert.strictEqual(checked.inputs.__provider, __provider);

        const created = await host.create(urn, checked.inputs);
        assert.strictEqual(created.id, `${ns}/app`);
        assert.strictEqual(created.outs.__provider, __provider);
        assert.deepStrictEqual([created.outs.stableWeight, created.outs.appliedCanaryWeight, created.outs.previousCanaryWeight], [90, 10, 0]);
        const vs = api.get(ref)!;
        assert.deepStrictEqual(weightsOf(vs), [90, 10]);
        assert.deepStrictEqual(vs.spec.http[0].match, [{ headers: { "x-canary": { exact: "always" } } }]);
        assert.deepStrictEqual(vs.spec.http[1].fault, { abort: { httpStatus: 503, percentage: { value: 0.5 } } });
        assert.strictEqual(created.outs.resourceVersion, vs.metadata.resourceVersion);

        // A step larger than maxStep from the stored inputs is refused in preview.
        const tooFar = await host.check(urn, checked.inputs, news(ns, { canaryWeight: 50 }));
        assert.strictEqual(tooFar.failures.length, 1);
        assert.match(tooFar.failures[0].reason, /moving from 10 to 50 is a step of 40, more than canary\.maxStep 20/);

        const next = (await host.check(urn, checked.inputs, news(ns, { canaryWeight: 30 }))).inputs;
        const diff = await host.diff(created.id, urn, created.outs, next);
        assert.deepStrictEqual([diff.changes, diff.replaces], [true, []]);
        assert.strictEqual((await host.diff(created.id, urn, created.outs, checked.inputs)).changes, false);
        assert.deepStrictEqual((await host.diff(created.id, urn, created.outs, { ...checked.inputs, name: "app2" })).replaces, ["name"]);

        api.clearRequests();
        const updated = await host.update(created.id, urn, created.outs, next);
        assert.deepStrictEqual(
            api.requests.map((r) => r.method),
            ["GET", "PUT"],
        );
        assert.deepStrictEqual(weightsOf(api.get(ref)), [70, 30]);
        assert.deepStrictEqual([updated.outs.stableWeight, updated.outs.appliedCanaryWeight, updated.outs.previousCanaryWeight], [70, 30, 10]);

        api.mutate(ref, (o: Json) => {
            o.spec.http[1].route[0].weight = 100;
            o.spec.http[1].route[1].weight = 0;
        });
        const read = await host.read(created.id, urn, updated.outs);
        assert.strictEqual(read.id, created.id);
        assert.deepStrictEqual([read.props.stableWeight, read.props.appliedCanaryWeight], [100, 0]);
        assert.strictEqual(read.props.__provider, __provider);
        assert.strictEqual((await host.diff(created.id, urn, read.props, next)).changes, true, "refresh drift shows in the next diff");

        await host.delete(created.id, urn, read.props);
        assert.strictEqual(api.get(ref), undefined);
        await host.delete(created.id, urn, read.props);
        const gone = await host.read(created.id, urn, read.props);
        assert.strictEqual(gone.id, "");
    });

    it("runs the analysis gate in the host: rollback, and the error carries the numbers", async () => {
        const ns = "grpc-gate";
        const analysis = { prometheus: "monitoring/prometheus:9090", query: "sum(rate(errors[1m]))", maxErrorRate: 0.05, bakeSeconds: 2, intervalSeconds: 1 };
        const created = await host.create(urn, news(ns, { analysis }));
        assert.strictEqual(prometheus.queries.length, 2, "a create that raises from 100/0 is gated too");
        prometheus.setScript([0.3]);
        await assert.rejects(
            host.update(created.id, urn, created.outs, news(ns, { canaryWeight: 25, analysis })),
            (err: Error) => err.message === "canary error rate 0.3 > maxErrorRate 0.05 at 1s of 2s bake; rolled back to 90/10",
        );
        assert.deepStrictEqual(weightsOf(api.get(virtualService(ns, "app"))), [90, 10]);
        assert.match(host.stderr(), /warning: \[runtime\] VirtualService grpc-gate\/app: canary error rate 0\.3 > maxErrorRate 0\.05/);

        // A gated create that fails is a partial create: the object stays, at 100/0.
        await assert.rejects(
            host.create(urn, news(`${ns}-create`, { canaryWeight: 20, analysis })),
            (err: Error) => err.message === "canary error rate 0.3 > maxErrorRate 0.05 at 1s of 2s bake; rolled back to 100/0",
        );
        assert.deepStrictEqual(weightsOf(api.get(virtualService(`${ns}-create`, "app"))), [100, 0]);
    });
});
