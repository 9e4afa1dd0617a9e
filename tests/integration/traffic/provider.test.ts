/**
 * TrafficSplitProvider against the in-repo Kubernetes API double (and the
 * Prometheus stub behind the double's service proxy), in-process.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { TrafficSplitProvider } from "../../../providers/traffic";
import { MAX_WRITE_ATTEMPTS } from "../../../providers/traffic/provider";
import { TrafficSplitInputs, TrafficSplitOutputs } from "../../../providers/traffic/types";
import { Json, KubeApiDouble, virtualService, virtualServices } from "../fixtures/kubeApiDouble";
import { PrometheusStub } from "../fixtures/prometheusStub";
import { weightsOf } from "./helpers";


const VS_PATH = "/apis/networking.istio.io/v1/namespaces/";

/** Records what the provider logs through pulumi.log during `fn`, without printing it. */
async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: Error; info: string[]; warn: string[] }> {
    const original = { info: pulumi.log.info, warn: pulumi.log.warn };
    const info: string[] = [];
    const warn: string[] = [];
    Object.assign(pulumi.log, { info: async (m: string) => void info.push(m), warn: async (m: string) => void warn.push(m) });
    try {
        return { result: await fn(), info, warn };
    } catch (error) {
        return { error: error as Error, info, warn };
    } finally {
        Object.assign(pulumi.log, original);
    }
}


describe("TrafficSplitProvider against the Kubernetes API double", function () {
    let api: KubeApiDouble;
    let prometheus: PrometheusStub;
    const provider = new TrafficSplitProvider();
    let n = 0;
    let ns: string;

    before(async () => {
        api = await KubeApiDouble.start();
        prometheus = await PrometheusStub.start();
        api.registerService("monitoring", "prometheus", 9090, prometheus.port);
    });
    after(async () => {
        await api.stop();
        await prometheus.stop();
    });
    beforeEach(() => {
        ns = `t${++n}`;
        api.clearRequests();
        api.clearHooks();
    });

    const inputsFor = (patch: Partial<TrafficSplitInputs> = {}): TrafficSplitInputs => ({
        kubeconfig: api.kubeconfig(),
        namespace: ns,
        name: "app",
        hosts: ["app.example.com"],
        gateways: ["istio-ingress/app-gateway"],
        destination: `app.${ns}.svc.cluster.local`,
        port: 80,
        canaryWeight: 10,
        canaryHeader: { name: "x-canary", value: "always" },
        retries: { attempts: 2, perTryTimeout: "2s", retryOn: "gateway-error" },
        timeout: "10s",
        ...patch,
    });
    const owner = { project: "eks-ingress-mesh", stack: "dev", resource: "split" };
    const analysis = { prometheus: "monitoring/prometheus:9090", query: 'sum(rate(istio_requests_total{response_code=~"5.."}[1m]))', maxErrorRate: 0.05, bakeSeconds: 2, intervalSeconds: 1 };
    const stored = () => api.get(virtualService(ns, "app"));
    const vsRequests = () => api.requests.filter((r) => r.path.startsWith(VS_PATH + ns));
    const create = async (patch: Partial<TrafficSplitInputs> = {}) => {
        const { result, error } = await captureLogs(() => provider.create(inputsFor(patch)));
        assert.ifError(error);
        api.clearRequests();
        return result!.outs as Json;
    };

    it("creates the VirtualService with one GET and one POST", async () => {
        const { result, info } = await captureLogs(() => provider.create(inputsFor()));
        assert.strictEqual(result!.id, `${ns}/app`);
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET", "POST"]);
        const vs = stored()!;
        assert.strictEqual(vs.metadata.labels["app.kubernetes.io/managed-by"], "eks-ingress-mesh");
        assert.strictEqual(vs.metadata.annotations["eks-ingress-mesh/canary-weight"], "10");
        assert.deepStrictEqual(weightsOf(vs), [90, 10]);
        assert.deepStrictEqual(vs.spec.http[0].match, [{ headers: { "x-canary": { exact: "always" } } }]);
        assert.deepStrictEqual(vs.spec.gateways, ["istio-ingress/app-gateway"]);
        const outs = result!.outs as TrafficSplitOutputs;
        assert.strictEqual(outs.stableWeight, 90);
        assert.strictEqual(outs.appliedCanaryWeight, 10);
        assert.strictEqual(outs.previousCanaryWeight, 0);
        assert.strictEqual(outs.resourceVersion, vs.metadata.resourceVersion);
        assert.ok(info.some((m) => m.includes("routing 90/10")));
    });

    it("changes the weight with exactly one GET and one PUT carrying the read resourceVersion", async () => {
        const outs = await create();
        const before = stored()!;
        const { result } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20 })));
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET", "PUT"]);
        const after = stored()!;
        assert.deepStrictEqual(weightsOf(after), [80, 20]);
        assert.strictEqual(after.metadata.uid, before.metadata.uid, "replaced in place, not recreated");
        assert.strictEqual(after.metadata.generation, before.metadata.generation + 1);
        assert.strictEqual(after.metadata.annotations["eks-ingress-mesh/canary-weight"], "20");
        const newOuts = result!.outs as TrafficSplitOutputs;
        assert.deepStrictEqual([newOuts.stableWeight, newOuts.appliedCanaryWeight, newOuts.previousCanaryWeight], [80, 20, 10]);
        assert.strictEqual(newOuts.resourceVersion, after.metadata.resourceVersion);
    });

    it("re-reads and retries after a 409 Conflict", async () => {
        const outs = await create();
        api.injectOnce({ method: "PUT" }, { status: 409 });
        const { result, error } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20 })));
        assert.ifError(error);
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET", "PUT", "GET", "PUT"]);
        assert.deepStrictEqual(weightsOf(stored()), [80, 20]);
        assert.strictEqual((result!.outs as TrafficSplitOutputs).appliedCanaryWeight, 20);
    });

    it("a concurrent edit between GET and PUT is a real conflict: re-read, warn, correct", async () => {
        const outs = await create();
        api.beforeNext({ method: "PUT" }, () =>
            api.mutate(virtualService(ns, "app"), (o: Json) => {
                o.spec.http[1].timeout = "99s";
            }),
        );
        const { error, warn } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20 })));
        assert.ifError(error);
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET", "PUT", "GET", "PUT"]);
        assert.strictEqual(stored()!.spec.http[1].timeout, "10s");
        assert.ok(warn.some((m) => m.includes('spec.http[1].timeout (expected "10s", found "99s")')), warn.join("\n"));
    });

    it(`gives up after ${MAX_WRITE_ATTEMPTS} conflicts with a clear error`, async () => {
        const outs = await create();
        api.injectOnce({ method: "PUT" }, { status: 409, message: "the object has been modified", times: 10 });
        const { error } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20 })));
        assert.match(error!.message, new RegExp(`VirtualService ${ns}/app: gave up after ${MAX_WRITE_ATTEMPTS} attempts.*HTTP 409 Conflict: the object has been modified`));
        assert.strictEqual(vsRequests().filter((r) => r.method === "PUT").length, MAX_WRITE_ATTEMPTS);
        assert.deepStrictEqual(weightsOf(stored()), [90, 10], "nothing half-applied");
    });

    it("warns about a VirtualService changed behind Pulumi's back, naming the fields, and corrects it", async () => {
        const outs = await create();
        api.mutate(virtualService(ns, "app"), (o: Json) => {
            o.spec.http[1].route[0].weight = 50;
            o.spec.http[1].route[1].weight = 50;
            delete o.spec.http[1].retries;
            o.metadata.labels.team = "payments";
        });
        const { warn, error } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20 })));
        assert.ifError(error);
        assert.strictEqual(warn.length, 1, warn.join("\n"));
        assert.match(warn[0], new RegExp(`VirtualService ${ns}/app was changed outside Pulumi`));
        assert.ok(warn[0].includes("spec.http[1].route[0].weight (expected 90, found 50)"), warn[0]);
        assert.ok(warn[0].includes("spec.http[1].route[1].weight (expected 10, found 50)"), warn[0]);
        assert.ok(warn[0].includes("spec.http[1].retries (expected {"), warn[0]);
        const vs = stored()!;
        assert.deepStrictEqual(weightsOf(vs), [80, 20]);
        assert.deepStrictEqual(vs.spec.http[1].retries, { attempts: 2, perTryTimeout: "2s", retryOn: "gateway-error" });
        assert.strictEqual(vs.metadata.labels.team, "payments", "labels others own are kept");
    });

    it("recreates a VirtualService deleted behind Pulumi's back (404 on GET in update)", async () => {
        const outs = await create();
        api.remove(virtualService(ns, "app"));
        const { warn, error } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20 })));
        assert.ifError(error);
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET", "POST"]);
        assert.deepStrictEqual(weightsOf(stored()), [80, 20]);
        assert.ok(warn.some((m) => m.includes("was deleted outside Pulumi; recreating it")));
    });

    it("refuses to take over a VirtualService someone else owns, and adopts one labelled for this stack", async () => {
        api.seed(virtualServices(ns), { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "app" }, spec: { hosts: ["x"] } });
        const { error } = await captureLogs(() => provider.create(inputsFor({ owner })));
        assert.match(error!.message, new RegExp(`VirtualService ${ns}/app already exists and is not managed by eks-ingress-mesh .*hand it to this stack with: kubectl label virtualservice -n ${ns} app `));
        assert.deepStrictEqual(stored()!.spec, { hosts: ["x"] }, "left untouched");

        // The program label alone does not say which stack's it is.
        api.mutate(virtualService(ns, "app"), (o: Json) => {
            o.metadata.labels = { "app.kubernetes.io/managed-by": "eks-ingress-mesh" };
        });
        const legacy = await captureLogs(() => provider.create(inputsFor({ owner })));
        assert.match(legacy.error!.message, /carries only the label app\.kubernetes\.io\/managed-by=eks-ingress-mesh, which does not say which stack it belongs to/);

        api.mutate(virtualService(ns, "app"), (o: Json) => {
            Object.assign(o.metadata.labels, { "eks-ingress-mesh/project": "eks-ingress-mesh", "eks-ingress-mesh/stack": "dev", "eks-ingress-mesh/resource": "split" });
        });
        api.clearRequests();
        const adopted = await captureLogs(() => provider.create(inputsFor({ owner })));
        assert.ifError(adopted.error);
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET", "PUT"]);
        assert.deepStrictEqual(weightsOf(stored()), [90, 10]);
        assert.strictEqual(stored()!.metadata.annotations["eks-ingress-mesh/instance"], (adopted.result!.outs as TrafficSplitOutputs).instanceId);
        assert.ok(adopted.warn.some((m) => m.includes("owned by stack eks-ingress-mesh/dev (resource split); this resource took it over")), adopted.warn.join("\n"));
    });

    it("read reports the live weights and resourceVersion; a missing object reads as gone", async () => {
        const outs = await create();
        const live = api.mutate(virtualService(ns, "app"), (o: Json) => {
            o.spec.http[1].route[0].weight = 60;
            o.spec.http[1].route[1].weight = 40;
        });
        const { result, warn } = await captureLogs(() => provider.read(`${ns}/app`, outs as unknown as Json));
        const props = result!.props as TrafficSplitOutputs;
        assert.strictEqual(result!.id, `${ns}/app`);
        assert.deepStrictEqual([props.stableWeight, props.appliedCanaryWeight], [60, 40]);
        assert.strictEqual(props.resourceVersion, (live.metadata as Json).resourceVersion);
        assert.strictEqual(props.canaryWeight, 10, "the requested weight is an input, not live state");
        assert.ok(warn.some((m) => m.includes("spec.http[1].route[0].weight (expected 90, found 60)")));
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET"]);
        // The next diff sees the drift.
        assert.strictEqual((await provider.diff(`${ns}/app`, props as unknown as Json, inputsFor() as unknown as Json)).changes, true);

        api.remove(virtualService(ns, "app"));
        const gone = await captureLogs(() => provider.read(`${ns}/app`, outs as unknown as Json));
        assert.strictEqual(gone.result!.id, "");
    });

    it("deletes its own VirtualService with preconditions on uid and resourceVersion; deleting a missing one is fine", async () => {
        const outs = await create();
        assert.ifError((await captureLogs(() => provider.delete(`${ns}/app`, outs as unknown as Json))).error);
        assert.strictEqual(stored(), undefined);
        const { error, info } = await captureLogs(() => provider.delete(`${ns}/app`, outs as unknown as Json));
        assert.ifError(error);
        assert.ok(info.some((m) => m.includes("already gone")));
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET", "DELETE", "GET"]);
    });

    it("a takeover between delete's check and the delete itself makes the API server refuse it; the object stays", async () => {
        const outs = await create();
        api.beforeNext({ method: "DELETE" }, () =>
            api.mutate(virtualService(ns, "app"), (o: Json) => {
                o.metadata.annotations["eks-ingress-mesh/instance"] = "the-new-owner";
            }),
        );
        const { error, info } = await captureLogs(() => provider.delete(`${ns}/app`, outs as unknown as Json));
        assert.ifError(error);
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET", "DELETE", "GET"], "409 on the precondition, then a fresh look");
        assert.strictEqual(stored()!.metadata.annotations["eks-ingress-mesh/instance"], "the-new-owner");
        assert.ok(info.some((m) => m.includes("belongs to no stack of this program now; leaving it") || m.includes("now; leaving it")), info.join("\n"));
    });

    it("gate: a healthy canary keeps the raised weight; every measurement is logged", async () => {
        const outs = await create();
        prometheus.setScript([0.01, 0.02]);
        const started = Date.now();
        const { result, error, info } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 30, analysis })));
        assert.ifError(error);
        assert.ok(Date.now() - started >= 1900, "baked for bakeSeconds");
        assert.deepStrictEqual(prometheus.queries, [analysis.query, analysis.query]);
        assert.deepStrictEqual(weightsOf(stored()), [70, 30]);
        assert.strictEqual((result!.outs as TrafficSplitOutputs).appliedCanaryWeight, 30);
        assert.ok(info.includes("canary analysis 1/2: error rate 0.01 <= maxErrorRate 0.05 at 1s of 2s bake"), info.join("\n"));
        assert.ok(info.includes("canary analysis 2/2: error rate 0.02 <= maxErrorRate 0.05 at 2s of 2s bake"), info.join("\n"));
        // The proxy request went through the API server with the kubeconfig's credentials.
        assert.ok(api.requests.some((r) => r.path === "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query"));
    });

    it("gate: an unhealthy canary is rolled back and the update fails with the numbers", async () => {
        const outs = await create();
        prometheus.setScript([0.01, 0.12]);
        const { error, warn } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20, timeout: "5s", analysis })));
        assert.strictEqual(error?.message, "canary error rate 0.12 > maxErrorRate 0.05 at 2s of 2s bake; rolled back to 90/10");
        const vs = stored()!;
        assert.deepStrictEqual(weightsOf(vs), [90, 10], "previous weights restored");
        assert.strictEqual(vs.spec.http[1].timeout, "10s", "the whole previous spec is restored");
        assert.strictEqual(vs.metadata.annotations["eks-ingress-mesh/canary-weight"], "10");
        assert.ok(warn.some((m) => m.includes("rolled back to 90/10")));
        // GET + PUT for the raise, one PUT for the rollback on top of our own write.
        assert.deepStrictEqual(vsRequests().map((r) => r.method), ["GET", "PUT", "PUT"]);
    });

    it("gate: unreachable Prometheus rolls back", async () => {
        const outs = await create();
        const doomed = await PrometheusStub.start();
        api.registerService("monitoring", "doomed", 9090, doomed.port);
        await doomed.stop();
        const { error } = await captureLogs(() =>
            provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20, analysis: { ...analysis, prometheus: "monitoring/doomed:9090" } })),
        );
        assert.match(
            error!.message,
            /^canary analysis could not measure the error rate at 1s of 2s bake: Prometheus answered HTTP 503: error trying to reach service: dial tcp 127\.0\.0\.1:\d+: connect: connection refused; rolled back to 90\/10$/,
        );
        assert.deepStrictEqual(weightsOf(stored()), [90, 10]);
    });

    it("gate: no sample counts as failure", async () => {
        const outs = await create();
        prometheus.setScript([{ empty: true }]);
        const { error } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20, analysis })));
        assert.match(error!.message, /at 1s of 2s bake: Prometheus returned no sample for the query; rolled back to 90\/10$/);
        assert.deepStrictEqual(weightsOf(stored()), [90, 10]);
    });

    it("gate: lowering the weight does not wait for analysis", async () => {
        const outs = await create({ canaryWeight: 30 });
        prometheus.setScript([0.9]);
        const { error } = await captureLogs(() => provider.update(`${ns}/app`, outs, inputsFor({ canaryWeight: 20, analysis })));
        assert.ifError(error);
        assert.deepStrictEqual(prometheus.queries, []);
        assert.deepStrictEqual(weightsOf(stored()), [80, 20]);
    });

    it("gate on create: rolls back to 100/0 and fails as a partial create that records the rolled-back state", async () => {
        prometheus.setScript([0.5]);
        const inputs = { ...inputsFor({ canaryWeight: 20, analysis }), __provider: "serialized-provider" };
        const { error } = await captureLogs(() => provider.create(inputs));
        const partial = error as Error & { id?: string; properties?: Json; reasons?: string[] };
        assert.strictEqual(partial.message, "canary error rate 0.5 > maxErrorRate 0.05 at 1s of 2s bake; rolled back to 100/0");
        assert.strictEqual(partial.id, `${ns}/app`);
        assert.deepStrictEqual(partial.reasons, [partial.message]);
        assert.strictEqual(partial.properties!.appliedCanaryWeight, 0);
        assert.strictEqual(partial.properties!.stableWeight, 100);
        assert.strictEqual(partial.properties!.__provider, "serialized-provider", "state without __provider could not be deleted later");
        assert.strictEqual(partial.properties!.resourceVersion, stored()!.metadata.resourceVersion);
        assert.deepStrictEqual(weightsOf(stored()), [100, 0]);
        // The recorded state makes the next preview show the change again.
        assert.strictEqual((await provider.diff(`${ns}/app`, partial.properties!, inputs)).changes, true);
    });

    it("reports a wrong token and an unreachable API server clearly, without secrets", async () => {
        const badToken = inputsFor({ kubeconfig: api.kubeconfig("wrong-token") });
        const unauthorized = await captureLogs(() => provider.create(badToken));
        assert.strictEqual(unauthorized.error?.message, `get VirtualService ${ns}/app: HTTP 401 Unauthorized: Unauthorized`);

        const closed = await KubeApiDouble.start();
        const kubeconfig = closed.kubeconfig();
        await closed.stop();
        const unreachable = await captureLogs(() => provider.create(inputsFor({ kubeconfig })));
        assert.match(unreachable.error!.message, new RegExp(`^get VirtualService ${ns}/app: cannot reach the Kubernetes API at http://127\\.0\\.0\\.1:\\d+: `));
        assert.ok(!unreachable.error!.message.includes("test-token"));

        const broken = await captureLogs(() => provider.create(inputsFor({ kubeconfig: "clusters: [\n  token: abc" })));
        assert.match(broken.error!.message, /^kubeconfig: cannot be loaded \(/);
        assert.ok(!broken.error!.message.includes("abc"), broken.error!.message);
    });
});
