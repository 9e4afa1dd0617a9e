/**
 * The Kubernetes API double itself: the behaviours provider tests rely on
 * must match the real API server's (status codes, Status bodies, resourceVersion rules).
 */
import * as assert from "assert";
import { Json, KubeApiDouble, virtualService, virtualServices } from "../fixtures/kubeApiDouble";
import { PrometheusStub } from "../fixtures/prometheusStub";

describe("Kubernetes API double", () => {
    let api: KubeApiDouble;
    const base = "/apis/networking.istio.io/v1/namespaces/d/virtualservices";

    before(async () => {
        api = await KubeApiDouble.start();
    });
    after(async () => {
        await api.stop();
    });

    const call = async (method: string, path: string, body?: unknown, contentType = "application/json", token = api.token) => {
        const res = await fetch(api.url + path, {
            method,
            headers: { Authorization: `Bearer ${token}`, "Content-Type": contentType },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Json };
    };
    const vs = (name: string, extra: Json = {}) => ({
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name, ...extra },
        spec: { hosts: ["a"] },
    });
    const expectStatus = (r: { status: number; body: Json }, code: number, reason: string, message?: RegExp) => {
        assert.strictEqual(r.status, code, JSON.stringify(r.body));
        assert.strictEqual(r.body.kind, "Status");
        assert.strictEqual(r.body.status, "Failure");
        assert.strictEqual(r.body.code, code);
        assert.strictEqual(r.body.reason, reason);
        if (message) {
            assert.match(r.body.message, message);
        }
    };

    it("creates with server-owned metadata and refuses duplicates and bad bodies", async () => {
        const created = await call("POST", base, vs("one"));
        assert.strictEqual(created.status, 201);
        const meta = created.body.metadata;
        assert.strictEqual(meta.namespace, "d");
        assert.strictEqual(meta.generation, 1);
        assert.match(meta.uid, /^[0-9a-f-]{36}$/);
        assert.match(meta.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.match(meta.resourceVersion, /^\d+$/);

        expectStatus(await call("POST", base, vs("one")), 409, "AlreadyExists", /virtualservices\.networking\.istio\.io "one" already exists/);
        expectStatus(await call("POST", base, { ...vs(""), metadata: {} }), 422, "Invalid", /metadata\.name: Required value/);
        expectStatus(await call("POST", base, { ...vs("x"), apiVersion: "networking.istio.io/v1beta1" }), 400, "BadRequest", /does not match the expected API version/);
        expectStatus(await call("POST", base, vs("x", { namespace: "other" })), 400, "BadRequest", /namespace of the provided object does not match/);
        expectStatus(await call("POST", base, vs("x", { resourceVersion: "5" })), 500, "InternalError", /resourceVersion should not be set/);
        expectStatus(await call("GET", `${base}/one`, undefined, "application/json", "wrong"), 401, "Unauthorized");
    });

    it("enforces resourceVersion on PUT, bumps generation only for spec changes, keeps it for no-ops", async () => {
        const { body: created } = await call("POST", base, vs("two"));
        const rv = created.metadata.resourceVersion;
        expectStatus(await call("PUT", `${base}/two`, vs("two")), 422, "Invalid", /metadata\.resourceVersion: Invalid value: 0x0: must be specified for an update/);
        expectStatus(await call("PUT", `${base}/two`, vs("two", { resourceVersion: "1" })), 409, "Conflict", /the object has been modified; please apply your changes to the latest version/);
        expectStatus(await call("PUT", `${base}/two`, vs("zwei", { resourceVersion: rv })), 400, "BadRequest", /the name of the object \(zwei\) does not match the name on the URL \(two\)/);
        expectStatus(await call("PUT", `${base}/none`, vs("none", { resourceVersion: rv })), 404, "NotFound", /virtualservices\.networking\.istio\.io "none" not found/);

        const same = await call("PUT", `${base}/two`, { ...created });
        assert.strictEqual(same.body.metadata.resourceVersion, rv, "a no-op write keeps the resourceVersion");

        const labelled = await call("PUT", `${base}/two`, { ...created, metadata: { ...created.metadata, labels: { a: "b" } } });
        assert.notStrictEqual(labelled.body.metadata.resourceVersion, rv);
        assert.strictEqual(labelled.body.metadata.generation, 1, "metadata changes do not bump generation");
        assert.strictEqual(labelled.body.metadata.uid, created.metadata.uid);

        const respec = await call("PUT", `${base}/two`, { ...labelled.body, spec: { hosts: ["b"] } });
        assert.strictEqual(respec.body.metadata.generation, 2);
        assert.ok(Number(respec.body.metadata.resourceVersion) > Number(labelled.body.metadata.resourceVersion));
    });

    it("merge-patches (RFC 7386), checks a resourceVersion in the patch, refuses other patch types", async () => {
        await call("POST", base, { ...vs("three"), spec: { hosts: ["a"], http: [{ name: "r" }], gateways: ["g"] } });
        const patched = await call("PATCH", `${base}/three`, { spec: { gateways: null, hosts: ["c"] } }, "application/merge-patch+json");
        assert.strictEqual(patched.status, 200);
        assert.deepStrictEqual(patched.body.spec, { hosts: ["c"], http: [{ name: "r" }] });
        expectStatus(await call("PATCH", `${base}/three`, { metadata: { resourceVersion: "1" } }, "application/merge-patch+json"), 409, "Conflict");
        expectStatus(await call("PATCH", `${base}/three`, [{ op: "remove", path: "/spec" }], "application/json-patch+json"), 415, "UnsupportedMediaType");
    });

    it("lists, deletes (404 when gone), and records every request", async () => {
        api.clearRequests();
        const list = await call("GET", base);
        assert.strictEqual(list.body.kind, "VirtualServiceList");
        assert.deepStrictEqual(list.body.items.map((i: Json) => i.metadata.name).sort(), ["one", "three", "two"]);
        const deleted = await call("DELETE", `${base}/one`);
        assert.strictEqual(deleted.status, 200);
        assert.strictEqual(deleted.body.status, "Success");
        expectStatus(await call("DELETE", `${base}/one`), 404, "NotFound");
        expectStatus(await call("GET", `${base}/one`), 404, "NotFound");
        expectStatus(await call("GET", "/apis/unknown"), 404, "NotFound", /could not find the requested resource/);
        assert.deepStrictEqual(api.requests.map((r) => r.method), ["GET", "DELETE", "DELETE", "GET", "GET"]);
        assert.strictEqual(api.requestsMatching({ method: "DELETE", path: "/virtualservices/one" }).length, 2);
    });

    it("injects one-off answers and runs hooks before a request; mutate changes objects behind the client's back", async () => {
        api.injectOnce({ method: "GET", path: /\/two$/ }, { status: 409 });
        expectStatus(await call("GET", `${base}/two`), 409, "Conflict");
        assert.strictEqual((await call("GET", `${base}/two`)).status, 200, "only once");

        const before = api.get(virtualService("d", "two"))!;
        api.beforeNext({ method: "GET" }, () => api.mutate(virtualService("d", "two"), (o) => (o.spec.hosts = ["z"])));
        const read = await call("GET", `${base}/two`);
        assert.deepStrictEqual(read.body.spec.hosts, ["z"]);
        assert.strictEqual(read.body.metadata.generation, before.metadata.generation + 1);
        assert.notStrictEqual(read.body.metadata.resourceVersion, before.metadata.resourceVersion);

        const seeded = api.seed(virtualServices("e"), vs("seeded"));
        assert.strictEqual(seeded.metadata.namespace, "e");
        assert.strictEqual(api.list(virtualServices("e")).length, 1);
    });

    it("serves the service proxy through a registered upstream, with real error shapes", async () => {
        const prometheus = await PrometheusStub.start(["0.25"]);
        try {
            api.registerService("monitoring", "prometheus", 9090, prometheus.port);
            const ok = await call("GET", "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query?query=up%7Bjob%3D%22x%22%7D");
            assert.strictEqual(ok.status, 200);
            assert.strictEqual(ok.body.data.result[0].value[1], "0.25");
            assert.deepStrictEqual(prometheus.queries, ['up{job="x"}']);
            const schemed = await call("GET", "/api/v1/namespaces/monitoring/services/http:prometheus:9090/proxy/api/v1/query?query=1");
            assert.strictEqual(schemed.status, 200);

            expectStatus(await call("GET", "/api/v1/namespaces/monitoring/services/nope:9090/proxy/api/v1/query"), 404, "NotFound", /services "nope" not found/);
            expectStatus(await call("GET", "/api/v1/namespaces/monitoring/services/prometheus:9999/proxy/x"), 503, "ServiceUnavailable", /no endpoints available/);
        } finally {
            await prometheus.stop();
        }
        expectStatus(
            await call("GET", "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query"),
            503,
            "ServiceUnavailable",
            /error trying to reach service: dial tcp 127\.0\.0\.1:\d+: connect: connection refused/,
        );
    });
});
