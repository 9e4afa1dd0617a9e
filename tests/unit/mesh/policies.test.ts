// The mesh's Istio objects as rendered from stack config: every object passes
// Istio's CRD schema (@kubernetes-models/istio) and carries the fields the
// config asks for; the VirtualService comes from the TrafficSplit's own renderer.
import * as assert from "assert";
import * as fc from "fast-check";
import { loadStackConfig, StackConfig } from "../../../config";
import {
    gatewayEndpoint,
    gatewayRelease,
    gatewaySelector,
    istioBaseRelease,
    istiodRelease,
    PROMETHEUS_SERVICE,
    prometheusRelease,
} from "../../../components/mesh/istio";
import {
    analysisSpec,
    appPodLabels,
    canaryErrorRateQuery,
    canaryLatencyQuery,
    canaryRequestsQuery,
    renderDestinationRule,
    renderGateway,
    renderLocalRateLimit,
    renderPeerAuthentication,
    serviceHost,
    toProtoDuration,
    trafficSplitSpec,
} from "../../../components/mesh/policies";
import { renderVirtualService } from "../../../providers/traffic/render";
import { validateManifest } from "../../../synth/validateManifest";

function config(raw: Record<string, unknown> = {}): StackConfig {
    return loadStackConfig({ domain: "example.com", ...raw }, { stack: "dev" });
}

function get(obj: unknown, path: string): any {
    return path.split(".").reduce<any>((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

describe("mesh policies", () => {
    describe("Gateway", () => {
        it("serves the app hostname over HTTP on the gateway pods and passes the schema", () => {
            const c = config();
            const gw = renderGateway({ name: "app-gateway", namespace: "istio-ingress", hostname: c.app.hostname, selector: gatewaySelector, port: 80 });
            validateManifest(gw);
            assert.strictEqual(gw.apiVersion, "networking.istio.io/v1");
            assert.deepStrictEqual(gw.spec.selector, { istio: "ingressgateway" });
            assert.deepStrictEqual(gw.spec.servers, [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["app.example.com"] }]);
        });

        it("schema validation catches a broken object (the check is not vacuous)", () => {
            const gw = renderGateway({ name: "g", namespace: "n", hostname: "a.example.com", selector: gatewaySelector, port: 80 });
            const broken = { ...gw, spec: { ...gw.spec, servers: [{ port: { number: "80", name: "http", protocol: "HTTP" }, hosts: ["a"] }] } };
            assert.throws(() => validateManifest(broken), /Gateway n\/g.*port\/number must be integer/);
        });
    });

    describe("PeerAuthentication", () => {
        it("defaults to STRICT mTLS for the app namespace", () => {
            const c = config();
            const pa = renderPeerAuthentication(c.app.namespace, c.mesh.mtls);
            validateManifest(pa);
            assert.strictEqual(pa.metadata.namespace, "demo");
            assert.strictEqual(pa.metadata.name, "default");
            assert.deepStrictEqual(pa.spec, { mtls: { mode: "STRICT" } });
        });

        it("follows mesh.mtls = PERMISSIVE", () => {
            const c = config({ mesh: { mtls: "PERMISSIVE" } });
            const pa = renderPeerAuthentication(c.app.namespace, c.mesh.mtls);
            validateManifest(pa);
            assert.strictEqual(pa.spec.mtls?.mode, "PERMISSIVE");
        });
    });

    describe("DestinationRule", () => {
        const dr = (c: StackConfig) =>
            renderDestinationRule({ name: "app", namespace: c.app.namespace, host: serviceHost("app", c.app.namespace), circuitBreaker: c.resilience.circuitBreaker, mtls: c.mesh.mtls });

        it("has stable and canary subsets by the version label, matching the pod labels", () => {
            const obj = dr(config());
            validateManifest(obj);
            assert.strictEqual(obj.spec.host, "app.demo.svc.cluster.local");
            assert.deepStrictEqual(obj.spec.subsets, [
                { name: "stable", labels: { version: "stable" } },
                { name: "canary", labels: { version: "canary" } },
            ]);
            for (const subset of obj.spec.subsets ?? []) {
                const pod = appPodLabels("app", subset.name as "stable" | "canary");
                for (const [k, v] of Object.entries(subset.labels ?? {})) {
                    assert.strictEqual(pod[k], v, `pods of subset ${subset.name} must carry ${k}=${v}`);
                }
            }
        });

        it("maps resilience.circuitBreaker onto connectionPool and outlierDetection", () => {
            const obj = dr(
                config({
                    resilience: {
                        circuitBreaker: {
                            maxConnections: 7,
                            http1MaxPendingRequests: 3,
                            maxRequestsPerConnection: 1,
                            consecutive5xxErrors: 2,
                            interval: "5s",
                            baseEjectionTime: "1m",
                            maxEjectionPercent: 30,
                        },
                    },
                }),
            );
            validateManifest(obj);
            assert.deepStrictEqual(obj.spec.trafficPolicy?.connectionPool, {
                tcp: { maxConnections: 7 },
                http: { http1MaxPendingRequests: 3, maxRequestsPerConnection: 1 },
            });
            assert.deepStrictEqual(obj.spec.trafficPolicy?.outlierDetection, {
                consecutive5xxErrors: 2,
                interval: "5s",
                baseEjectionTime: "1m",
                maxEjectionPercent: 30,
            });
        });

        it("pins ISTIO_MUTUAL under STRICT and leaves TLS to auto mTLS under PERMISSIVE", () => {
            assert.deepStrictEqual(dr(config()).spec.trafficPolicy?.tls, { mode: "ISTIO_MUTUAL" });
            const permissive = dr(config({ mesh: { mtls: "PERMISSIVE" } }));
            validateManifest(permissive);
            assert.strictEqual(permissive.spec.trafficPolicy?.tls, undefined);
        });

        it("every circuit breaker config.ts accepts passes the schema (property)", () => {
            const duration = fc.tuple(fc.integer({ min: 1, max: 600 }), fc.constantFrom("ms", "s", "m", "h")).map(([n, u]) => `${n}${u}`);
            fc.assert(
                fc.property(
                    fc.record({
                        maxConnections: fc.integer({ min: 1, max: 1_000_000 }),
                        http1MaxPendingRequests: fc.integer({ min: 1, max: 1_000_000 }),
                        maxRequestsPerConnection: fc.integer({ min: 0, max: 1_000_000 }),
                        consecutive5xxErrors: fc.integer({ min: 1, max: 1000 }),
                        interval: duration,
                        baseEjectionTime: duration,
                        maxEjectionPercent: fc.integer({ min: 0, max: 100 }),
                    }),
                    fc.constantFrom("STRICT", "PERMISSIVE"),
                    (circuitBreaker, mtls) => {
                        const c = config({ resilience: { circuitBreaker: { ...circuitBreaker } }, mesh: { mtls } });
                        assert.deepStrictEqual(c.resilience.circuitBreaker, { ...circuitBreaker });
                        validateManifest(dr(c));
                    },
                ),
                { numRuns: 60 },
            );
        });
    });

    describe("local rate limit EnvoyFilter", () => {
        const ef = (c: StackConfig) => renderLocalRateLimit({ name: "app-local-ratelimit", namespace: c.app.namespace, workloadLabels: { app: "app" }, rateLimit: c.resilience.rateLimit });

        it("inserts envoy.filters.http.local_ratelimit into the app sidecars' inbound HTTP chain", () => {
            const obj = ef(config());
            validateManifest(obj);
            assert.strictEqual(obj.apiVersion, "networking.istio.io/v1alpha3");
            assert.deepStrictEqual(obj.spec.workloadSelector, { labels: { app: "app" } });
            assert.strictEqual(obj.spec.configPatches?.length, 1);
            const patch = obj.spec.configPatches![0];
            assert.strictEqual(patch.applyTo, "HTTP_FILTER");
            assert.strictEqual(get(patch, "match.context"), "SIDECAR_INBOUND");
            assert.strictEqual(get(patch, "match.listener.filterChain.filter.name"), "envoy.filters.network.http_connection_manager");
            assert.strictEqual(get(patch, "patch.operation"), "INSERT_BEFORE");
            assert.strictEqual(get(patch, "patch.value.name"), "envoy.filters.http.local_ratelimit");
            assert.strictEqual(get(patch, "patch.value.typed_config.@type"), "type.googleapis.com/xds.type.v3.TypedStruct");
            assert.strictEqual(get(patch, "patch.value.typed_config.type_url"), "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit");
        });

        it("takes the token bucket from resilience.rateLimit, enforces it for 100% and answers 429 with x-local-rate-limit", () => {
            const obj = ef(config({ resilience: { rateLimit: { maxTokens: 50, tokensPerFill: 10, fillInterval: "500ms" } } }));
            validateManifest(obj);
            const value = get(obj.spec.configPatches![0], "patch.value.typed_config.value");
            assert.deepStrictEqual(value.token_bucket, { max_tokens: 50, tokens_per_fill: 10, fill_interval: "0.5s" });
            for (const key of ["filter_enabled", "filter_enforced"]) {
                assert.deepStrictEqual(value[key].default_value, { numerator: 100, denominator: "HUNDRED" }, key);
            }
            assert.strictEqual(value.filter_enabled.runtime_key, "local_rate_limit_enabled");
            assert.strictEqual(value.filter_enforced.runtime_key, "local_rate_limit_enforced");
            assert.deepStrictEqual(value.status, { code: "TooManyRequests" });
            assert.deepStrictEqual(value.response_headers_to_add, [{ append_action: "OVERWRITE_IF_EXISTS_OR_ADD", header: { key: "x-local-rate-limit", value: "true" } }]);
            assert.strictEqual(value.stat_prefix, "http_local_rate_limiter");
        });
    });

    describe("toProtoDuration", () => {
        it("converts config durations to protobuf JSON seconds", () => {
            const cases: Array<[string, string]> = [
                ["1s", "1s"],
                ["500ms", "0.5s"],
                ["1.5s", "1.5s"],
                ["1m", "60s"],
                ["2h", "7200s"],
                ["1ms", "0.001s"],
                ["0.1m", "6s"],
            ];
            for (const [input, want] of cases) {
                assert.strictEqual(toProtoDuration(input, "k"), want, input);
            }
        });

        it("rejects anything else, naming the key", () => {
            for (const bad of ["", "1", "1d", "-1s", "1 s", "s"]) {
                assert.throws(() => toProtoDuration(bad, "resilience.x"), /^Error: resilience\.x: must be a duration/, bad);
            }
        });
    });

    describe("TrafficSplit inputs and the VirtualService they render", () => {
        const gateway = "istio-ingress/app-gateway";

        it("carries weights, step rule, header, retries, timeout and faults from config", () => {
            const c = config({
                canary: { weight: 25, maxStep: 30, force: true, header: { name: "x-canary", value: "always" } },
                resilience: {
                    retries: { attempts: 3, perTryTimeout: "1s", retryOn: "5xx,reset" },
                    timeout: "4s",
                    faultInjection: { delay: { fixedDelay: "2s", percent: 5 }, abort: { httpStatus: 503, percent: 1.5 } },
                },
            });
            const spec = trafficSplitSpec({ app: c.app, canary: c.canary, resilience: c.resilience, appServiceName: "app", gateway });
            assert.deepStrictEqual(spec, {
                namespace: "demo",
                name: "app",
                hosts: ["app.example.com", "app.demo.svc.cluster.local"],
                gateways: [gateway, "mesh"],
                destination: "app.demo.svc.cluster.local",
                port: 80,
                stableSubset: "stable",
                canarySubset: "canary",
                canaryWeight: 25,
                maxStep: 30,
                force: true,
                canaryHeader: { name: "x-canary", value: "always" },
                retries: { attempts: 3, perTryTimeout: "1s", retryOn: "5xx,reset" },
                timeout: "4s",
                fault: { delay: { fixedDelay: "2s", percent: 5 }, abort: { httpStatus: 503, percent: 1.5 } },
            });

            const vs = renderVirtualService({ ...spec, kubeconfig: "unused" }, spec.canaryWeight);
            validateManifest(vs);
            const http = get(vs, "spec.http") as any[];
            // One VirtualService for every caller: the edge hostname at the edge Gateway, the Service's name for sidecars.
            assert.deepStrictEqual(get(vs, "spec.gateways"), [gateway, "mesh"]);
            assert.deepStrictEqual(get(vs, "spec.hosts"), ["app.example.com", "app.demo.svc.cluster.local"]);
            assert.ok(http.every((r) => r.match === undefined || r.match.every((m: any) => m.gateways === undefined)), "no route is limited to one gateway");
            const header = http.find((r) => Array.isArray(r.match));
            assert.deepStrictEqual(header.match, [{ headers: { "x-canary": { exact: "always" } } }]);
            assert.deepStrictEqual(header.route.map((r: any) => r.destination.subset), ["canary"]);
            const weighted = http.find((r) => !r.match);
            assert.deepStrictEqual(
                weighted.route.map((r: any) => [r.destination.host, r.destination.subset, r.destination.port?.number, r.weight]),
                [
                    ["app.demo.svc.cluster.local", "stable", 80, 75],
                    ["app.demo.svc.cluster.local", "canary", 80, 25],
                ],
            );
            for (const route of http) {
                assert.deepStrictEqual(route.retries, { attempts: 3, perTryTimeout: "1s", retryOn: "5xx,reset" });
                assert.strictEqual(route.timeout, "4s");
                assert.deepStrictEqual(route.fault, { delay: { fixedDelay: "2s", percentage: { value: 5 } }, abort: { httpStatus: 503, percentage: { value: 1.5 } } });
            }
        });

        it("leaves out faults that hit no request, and the header route when disabled", () => {
            const c = config({
                canary: { weight: 0, header: { enabled: false } },
                resilience: { faultInjection: { delay: { fixedDelay: "2s", percent: 0 }, abort: { httpStatus: 500, percent: 10 } } },
            });
            const spec = trafficSplitSpec({ app: c.app, canary: c.canary, resilience: c.resilience, appServiceName: "app", gateway });
            assert.deepStrictEqual(spec.fault, { abort: { httpStatus: 500, percent: 10 } });
            assert.strictEqual(spec.canaryHeader, undefined);
            const none = trafficSplitSpec({ ...c, appServiceName: "app", gateway, resilience: config().resilience });
            assert.strictEqual("fault" in none, false);
            const vs = renderVirtualService({ ...spec, kubeconfig: "unused" }, 0);
            validateManifest(vs);
            assert.strictEqual((get(vs, "spec.http") as any[]).length, 1);
        });

        it("adds the analysis gate against the chart's Prometheus service, refusing it without Prometheus", () => {
            const c = config({ mesh: { prometheus: { enabled: true } }, canary: { weight: 10, analysis: { query: "vector(0)", maxErrorRate: 0.02, bakeSeconds: 120, intervalSeconds: 20 } } });
            const spec = trafficSplitSpec({ app: c.app, canary: c.canary, resilience: c.resilience, appServiceName: "app", gateway, prometheus: PROMETHEUS_SERVICE });
            assert.deepStrictEqual(spec.analysis, {
                prometheus: "istio-system/prometheus-server:80",
                query: "vector(0)",
                requestsQuery: canaryRequestsQuery("demo", "app", 60),
                minRequests: 20,
                maxErrorRate: 0.02,
                bakeSeconds: 120,
                intervalSeconds: 20,
            });
            assert.throws(
                () => trafficSplitSpec({ app: c.app, canary: c.canary, resilience: c.resilience, appServiceName: "app", gateway }),
                /^Error: canary\.analysis: needs Prometheus: set mesh\.prometheus\.enabled to true/,
            );
        });

        it("uses the default canary error-rate query when the configured one is empty, over the traffic the weights govern", () => {
            const spec = analysisSpec({ query: "  ", maxErrorRate: 0.05, bakeSeconds: 60, intervalSeconds: 10, minRequests: 5 }, PROMETHEUS_SERVICE, "demo", "app");
            assert.strictEqual(spec.query, canaryErrorRateQuery("demo", "app", 60));
            const q = spec.query;
            assert.match(q, /istio_requests_total\{[^}]*destination_version="canary"[^}]*response_code=~"5\.\."[^}]*\}\[60s\]/);
            // Reported by the proxies that apply the VirtualService (edge gateway, callers' sidecars), not by the canary itself.
            assert.match(q, /reporter="source"/);
            assert.match(q, /destination_service_namespace="demo"/);
            assert.match(q, /destination_service_name="app"/);
            // The numerator falls back to 0 (no 5xx series yet); the denominator does not (no traffic = no data).
            assert.match(q, /^\(sum\(rate\(.*\)\) or on\(\) vector\(0\)\) \/ sum\(rate\(istio_requests_total\{[^}]*\}\[60s\]\)\)$/);
            // The request count selects the same series over the same window.
            assert.strictEqual(spec.requestsQuery, `sum(increase(istio_requests_total{${/\{([^}]*),response_code/.exec(q)![1]}}[60s]))`);
            assert.strictEqual(spec.minRequests, 5);
            assert.strictEqual(analysisSpec({ query: "", maxErrorRate: 0.05, bakeSeconds: 600, intervalSeconds: 120, minRequests: 5 }, PROMETHEUS_SERVICE, "demo", "app").requestsQuery, canaryRequestsQuery("demo", "app", 120));
        });

        it("adds the p99 latency criterion only with canary.analysis.maxLatencyMs, over the same canary traffic and window", () => {
            const base = { query: "", maxErrorRate: 0.05, bakeSeconds: 600, intervalSeconds: 120, minRequests: 5 };
            const without = analysisSpec(base, PROMETHEUS_SERVICE, "demo", "app");
            assert.ok(!("latencyQuery" in without) && !("maxLatencyMs" in without), "unset: latency is not judged (and nothing extra in state)");
            const spec = analysisSpec({ ...base, maxLatencyMs: 400 }, PROMETHEUS_SERVICE, "demo", "app");
            assert.strictEqual(spec.maxLatencyMs, 400);
            assert.strictEqual(spec.latencyQuery, canaryLatencyQuery("demo", "app", 120));
            const selector = /\{([^}]*)\}/.exec(spec.requestsQuery!)![1];
            assert.strictEqual(spec.latencyQuery, `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${selector}}[120s])))`);
            assert.match(selector, /reporter="source"/);
            // Even a custom error-rate query keeps Istio's histogram for the latency.
            assert.strictEqual(analysisSpec({ ...base, query: "vector(0)", maxLatencyMs: 400 }, PROMETHEUS_SERVICE, "demo", "app").latencyQuery, spec.latencyQuery);
        });
    });

    describe("Helm releases", () => {
        it("pins all three Istio charts to mesh.istioVersion from Istio's chart repository", () => {
            const v = config({ mesh: { istioVersion: "1.26.4" } }).mesh.istioVersion;
            const releases = [istioBaseRelease(v), istiodRelease(v), gatewayRelease(v)];
            assert.deepStrictEqual(releases.map((r) => [r.chart, r.version, r.repo]), [
                ["base", "1.26.4", "https://istio-release.storage.googleapis.com/charts"],
                ["istiod", "1.26.4", "https://istio-release.storage.googleapis.com/charts"],
                ["gateway", "1.26.4", "https://istio-release.storage.googleapis.com/charts"],
            ]);
            assert.deepStrictEqual(releases.map((r) => r.namespace), ["istio-system", "istio-system", "istio-ingress"]);
        });

        it("runs the gateway as a ClusterIP service, 80 → 8080, with the status port the ALB health-checks", () => {
            const values = gatewayRelease("1.27.1").values as any;
            assert.strictEqual(values.service.type, "ClusterIP");
            const http = values.service.ports.find((p: any) => p.port === gatewayEndpoint.port);
            assert.strictEqual(http.targetPort, 8080);
            const status = values.service.ports.find((p: any) => p.port === gatewayEndpoint.healthCheckPort);
            assert.strictEqual(status.targetPort, 15021);
            assert.strictEqual(values.service.ports.some((p: any) => p.port === 443), false, "TLS ends at the ALB");
            assert.deepStrictEqual(gatewayEndpoint, { namespace: "istio-ingress", serviceName: "istio-ingressgateway", port: 80, healthCheckPort: 15021, healthCheckPath: "/healthz/ready" });
        });

        it("installs Prometheus server only, scraping Istio proxies", () => {
            const r = prometheusRelease();
            assert.match(r.version, /^\d+\.\d+\.\d+$/);
            const values = r.values as any;
            for (const sub of ["alertmanager", "kube-state-metrics", "prometheus-node-exporter", "prometheus-pushgateway"]) {
                assert.strictEqual(values[sub].enabled, false, sub);
            }
            const jobs = values.serverFiles["prometheus.yml"].scrape_configs;
            assert.strictEqual(jobs.length, 1);
            assert.ok(jobs[0].relabel_configs.some((rc: any) => rc.action === "keep" && rc.source_labels[0] === "__meta_kubernetes_pod_annotationpresent_sidecar_istio_io_status"));
            assert.ok(jobs[0].relabel_configs.some((rc: any) => rc.action === "labelmap"), "pod labels (version) must reach the series");
            assert.strictEqual(PROMETHEUS_SERVICE, `${r.namespace}/${r.name}-server:80`);
        });
    });
});
