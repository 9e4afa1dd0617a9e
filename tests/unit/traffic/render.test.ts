import * as assert from "assert";
import * as fc from "fast-check";
import { parseLiveWeights, renderVirtualService, WEIGHTED_ROUTE } from "../../../providers/traffic/render";
import { diffFields, formatDrift } from "../../../providers/traffic/specDiff";
import { TrafficSplitInputs } from "../../../providers/traffic/types";
import { validateManifest } from "../../../synth/validateManifest";

const minimal: TrafficSplitInputs = {
    kubeconfig: "unused",
    namespace: "demo",
    name: "app",
    hosts: ["app.example.com"],
    destination: "app.demo.svc.cluster.local",
    canaryWeight: 10,
};

const full: TrafficSplitInputs = {
    ...minimal,
    gateways: ["istio-ingress/app-gateway"],
    port: 8080,
    stableSubset: "v1",
    canarySubset: "v2",
    canaryHeader: { name: "x-canary", value: "always" },
    retries: { attempts: 3, perTryTimeout: "2s", retryOn: "gateway-error,connect-failure" },
    timeout: "10s",
    fault: { delay: { fixedDelay: "250ms", percent: 5 }, abort: { httpStatus: 503, percent: 1.5 } },
};

describe("VirtualService rendering", () => {
    it("renders the whole VirtualService: header route first, then the weighted route, with resilience on both", () => {
        const vs = renderVirtualService(full, 25);
        const destination = (subset: string) => ({ host: "app.demo.svc.cluster.local", subset, port: { number: 8080 } });
        const resilience = {
            retries: { attempts: 3, perTryTimeout: "2s", retryOn: "gateway-error,connect-failure" },
            timeout: "10s",
            fault: { delay: { fixedDelay: "250ms", percentage: { value: 5 } }, abort: { httpStatus: 503, percentage: { value: 1.5 } } },
        };
        assert.deepStrictEqual(vs, {
            apiVersion: "networking.istio.io/v1",
            kind: "VirtualService",
            metadata: {
                name: "app",
                namespace: "demo",
                labels: { "app.kubernetes.io/managed-by": "eks-ingress-mesh" },
                annotations: { "eks-ingress-mesh/canary-weight": "25" },
            },
            spec: {
                hosts: ["app.example.com"],
                gateways: ["istio-ingress/app-gateway"],
                http: [
                    { name: "canary-header", match: [{ headers: { "x-canary": { exact: "always" } } }], route: [{ destination: destination("v2") }], ...resilience },
                    { name: "weighted", route: [{ destination: destination("v1"), weight: 75 }, { destination: destination("v2"), weight: 25 }], ...resilience },
                ],
            },
        });
        validateManifest(vs);
    });

    it("renders a mesh-internal service without gateways, port or policies", () => {
        const vs = renderVirtualService(minimal, 0);
        assert.deepStrictEqual(vs.spec, {
            hosts: ["app.example.com"],
            http: [
                {
                    name: "weighted",
                    route: [
                        { destination: { host: "app.demo.svc.cluster.local", subset: "stable" }, weight: 100 },
                        { destination: { host: "app.demo.svc.cluster.local", subset: "canary" }, weight: 0 },
                    ],
                },
            ],
        });
        validateManifest(vs);
    });

    it("validates against the Istio schema for every weight and any mix of optional parts", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 100 }),
                fc.boolean(),
                fc.boolean(),
                fc.boolean(),
                fc.boolean(),
                (weight, header, retries, fault, gateways) => {
                    const inputs: TrafficSplitInputs = {
                        ...minimal,
                        canaryHeader: header ? full.canaryHeader : undefined,
                        retries: retries ? full.retries : undefined,
                        fault: fault ? full.fault : undefined,
                        gateways: gateways ? full.gateways : undefined,
                    };
                    const vs = renderVirtualService(inputs, weight);
                    validateManifest(vs);
                    assert.deepStrictEqual(parseLiveWeights(vs.spec), { stable: 100 - weight, canary: weight });
                },
            ),
            { numRuns: 60 },
        );
    });

    it("the schema check is not a rubber stamp", () => {
        const vs = renderVirtualService(full, 10) as unknown as { spec: { http: { route: { weight?: unknown }[] }[] } };
        vs.spec.http[1].route[0].weight = "90";
        assert.throws(() => validateManifest(vs as never), /weight must be integer/);
    });

    it("refuses to render an invalid weight", () => {
        assert.throws(() => renderVirtualService(minimal, 101), /canary weight must be an integer from 0 to 100; got 101/);
    });

    it("reads live weights back, following Istio's defaults", () => {
        const route = (...r: unknown[]) => ({ http: [{ name: WEIGHTED_ROUTE, route: r }] });
        const d = (subset: string) => ({ destination: { host: "h", subset } });
        assert.deepStrictEqual(parseLiveWeights(route({ ...d("stable"), weight: 50 }, { ...d("canary"), weight: 30 })), { stable: 50, canary: 30 });
        assert.deepStrictEqual(parseLiveWeights(route(d("stable"))), { stable: 100, canary: 0 });
        assert.deepStrictEqual(parseLiveWeights(route(d("stable"), d("canary"))), { stable: 0, canary: 0 });
        // Without the name, the last route without a match is the weighted one.
        assert.deepStrictEqual(
            parseLiveWeights({ http: [{ match: [{}], route: [d("canary")] }, { route: [{ ...d("v1"), weight: 60 }, { ...d("v2"), weight: 40 }] }] }, "v1", "v2"),
            { stable: 60, canary: 40 },
        );
        assert.strictEqual(parseLiveWeights({ hosts: ["x"] }), undefined);
        assert.strictEqual(parseLiveWeights(undefined), undefined);
    });
});

describe("spec drift", () => {
    it("names every changed, added and removed field", () => {
        const expected = renderVirtualService(full, 10).spec;
        const live = JSON.parse(JSON.stringify(expected));
        live.http[1].route[0].weight = 50;
        live.http[1].route[1].weight = 50;
        delete live.http[1].retries;
        live.http[1].mirror = { host: "x" };
        const drift = diffFields(expected, live);
        assert.deepStrictEqual(
            drift.map((d) => d.path),
            ["spec.http[1].mirror", "spec.http[1].retries", "spec.http[1].route[0].weight", "spec.http[1].route[1].weight"],
        );
        assert.match(formatDrift(drift), /spec\.http\[1\]\.route\[0\]\.weight \(expected 90, found 50\)/);
        assert.match(formatDrift(drift), /spec\.http\[1\]\.mirror \(expected absent, found \{"host":"x"\}\)/);
    });

    it("finds no drift between equal specs, whatever the key order", () => {
        const a = { hosts: ["a"], http: [{ name: "w", route: [{ weight: 1 }] }] };
        const b = { http: [{ route: [{ weight: 1 }], name: "w" }], hosts: ["a"] };
        assert.deepStrictEqual(diffFields(a, b), []);
    });

    it("stops at the limit", () => {
        const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
        assert.strictEqual(diffFields(many, {}, "spec", 5).length, 5);
    });
});
