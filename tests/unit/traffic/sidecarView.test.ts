// The split as every caller sees it: the rendered VirtualService evaluated
// as the edge gateway's Envoy and as a sidecar's Envoy would (istioRouting.ts).
import * as assert from "assert";
import { loadStackConfig } from "../../../config";
import { trafficSplitSpec } from "../../../components/mesh/policies";
import { renderVirtualService } from "../../../providers/traffic/render";
import { routeFor } from "./istioRouting";

const EDGE = "istio-ingress/app-gateway";
const c = loadStackConfig({ domain: "example.com", canary: { weight: 1, maxStep: 25 }, resilience: { faultInjection: { abort: { httpStatus: 503, percent: 1 } } } }, { stack: "dev" });
const spec = trafficSplitSpec({ app: c.app, canary: c.canary, resilience: c.resilience, appServiceName: "app", gateway: EDGE });
const vs = renderVirtualService({ ...spec, kubeconfig: "unused" }, spec.canaryWeight) as unknown as Record<string, any>;

const edge = { kind: "gateway", gateway: EDGE } as const;
const sidecar = (namespace: string) => ({ kind: "sidecar", namespace }) as const;

describe("the canary split for every caller (edge gateway and sidecars)", () => {
    it("renders one VirtualService with both hosts and both gateways", () => {
        assert.deepStrictEqual(vs.spec.hosts, ["app.example.com", "app.demo.svc.cluster.local"]);
        assert.deepStrictEqual(vs.spec.gateways, [EDGE, "mesh"]);
    });

    for (const [who, proxy, host] of [
        ["an ALB request at the edge gateway", edge, "app.example.com"],
        ["a sidecar in the app's namespace calling app", sidecar("demo"), "app"],
        ["a sidecar in another namespace calling app.demo", sidecar("shop"), "app.demo"],
        ["a sidecar calling the full Service name", sidecar("shop"), "app.demo.svc.cluster.local"],
    ] as const) {
        it(`${who} gets the configured weights, with the same retries, timeout and faults`, () => {
            const route = routeFor(vs, proxy, { host });
            assert.ok(route, "the VirtualService applies");
            assert.deepStrictEqual(route.weights, { stable: 99, canary: 1 });
            assert.deepStrictEqual(route.retries, { attempts: 2, perTryTimeout: "2s", retryOn: "gateway-error,connect-failure,refused-stream" });
            assert.strictEqual(route.timeout, "10s");
            assert.deepStrictEqual(route.fault, { abort: { httpStatus: 503, percentage: { value: 1 } } });
            const forced = routeFor(vs, proxy, { host, headers: { "x-canary": "always" } });
            assert.deepStrictEqual(forced?.weights, { canary: 100 }, "the header route too");
        });
    }

    it("the model honours gateway binding: a VirtualService bound to the edge only leaves sidecars balancing by replica count", () => {
        const edgeOnly = { ...vs, spec: { ...vs.spec, hosts: ["app.example.com"], gateways: [EDGE] } };
        assert.deepStrictEqual(routeFor(edgeOnly, edge, { host: "app.example.com" })?.weights, { stable: 99, canary: 1 });
        assert.strictEqual(routeFor(edgeOnly, sidecar("demo"), { host: "app" }), undefined);
    });

    it("the model honours per-route match.gateways: an edge-only route does not apply at a sidecar", () => {
        const http = vs.spec.http.map((r: Record<string, any>) => (r.match ? { ...r, match: r.match.map((m: Record<string, any>) => ({ ...m, gateways: [EDGE] })) } : r));
        const perRoute = { ...vs, spec: { ...vs.spec, http } };
        assert.deepStrictEqual(routeFor(perRoute, edge, { host: "app.example.com", headers: { "x-canary": "always" } })?.weights, { canary: 100 });
        assert.deepStrictEqual(routeFor(perRoute, sidecar("demo"), { host: "app", headers: { "x-canary": "always" } })?.weights, { stable: 99, canary: 1 });
    });
});
