import * as assert from "assert";
import { MonitoringConfig, monitoringProblems, parsePrometheus } from "../../../components/monitoring/settings";

const PROMETHEUS = "istio-system/prometheus-server:80";
const https = { scheme: "internet-facing", certificateArn: "arn:aws:acm:ap-northeast-2:123456789012:certificate/abc" } as const;
const plainHttp = { scheme: "internet-facing" } as const;

function cfg(over: { kiali?: Partial<MonitoringConfig["kiali"]>; grafana?: Partial<MonitoringConfig["grafana"]> } = {}): MonitoringConfig {
    return { kiali: { enabled: true, ...over.kiali }, grafana: { enabled: true, ...over.grafana } };
}

describe("monitoring settings", () => {
    it("parses the mesh's Prometheus reference into its in-cluster URL", () => {
        assert.deepStrictEqual(parsePrometheus(PROMETHEUS), {
            namespace: "istio-system",
            service: "prometheus-server",
            port: 80,
            url: "http://prometheus-server.istio-system.svc.cluster.local:80",
        });
        for (const bad of ["prometheus-server:80", "istio-system/prometheus-server", "istio-system/Prom:80", "istio-system/prometheus-server:0", "istio-system/prometheus-server:70000"]) {
            assert.strictEqual(parsePrometheus(bad), undefined, bad);
        }
    });

    it("accepts both tools internal only (no hostname) on a plain-HTTP ALB, and public ones behind HTTPS", () => {
        assert.deepStrictEqual(monitoringProblems(cfg(), PROMETHEUS, plainHttp), []);
        assert.deepStrictEqual(monitoringProblems(cfg({ kiali: { hostname: "kiali.example.net" }, grafana: { hostname: "grafana.example.net" } }), PROMETHEUS, https), []);
        assert.deepStrictEqual(monitoringProblems(cfg({ kiali: { hostname: "kiali.corp.example" } }), PROMETHEUS, { scheme: "internal" }), []);
    });

    it("needs the mesh's Prometheus for each enabled tool, naming the key to change", () => {
        assert.deepStrictEqual(monitoringProblems(cfg(), undefined, https), [
            "monitoring.kiali.enabled: Kiali reads the mesh's Prometheus; set mesh.prometheus.enabled to true, or monitoring.kiali.enabled to false",
            "monitoring.grafana.enabled: Grafana reads the mesh's Prometheus; set mesh.prometheus.enabled to true, or monitoring.grafana.enabled to false",
        ]);
        assert.deepStrictEqual(monitoringProblems({ kiali: { enabled: false }, grafana: { enabled: false } }, undefined, https), []);
        assert.deepStrictEqual(monitoringProblems(cfg(), "prometheus", https), ['monitoring: the mesh\'s Prometheus must be given as "namespace/service:port", got "prometheus"']);
    });

    it("refuses a public hostname on an internet-facing ALB without HTTPS: credentials would travel in clear text", () => {
        const problems = monitoringProblems(cfg({ kiali: { hostname: "kiali.example.com" }, grafana: { hostname: "grafana.example.com" } }), PROMETHEUS, plainHttp);
        assert.strictEqual(problems.length, 2);
        assert.match(problems[0], /^monitoring\.kiali\.hostname: .*login tokens in clear text; set ingress\.certificateArn, or unset monitoring\.kiali\.hostname and reach Kiali with kubectl port-forward$/);
        assert.match(problems[1], /^monitoring\.grafana\.hostname: .*the admin password in clear text/);
    });

    it("rejects a hostname that is not a DNS name, and one hostname for both tools", () => {
        for (const bad of ["Kiali.example.com", "kiali", "kiali_.example.com", "-kiali.example.com", "kiali.example.com."]) {
            assert.deepStrictEqual(
                monitoringProblems(cfg({ kiali: { hostname: bad } }), PROMETHEUS, https),
                [`monitoring.kiali.hostname: must be a fully qualified DNS name (lower-case letters, digits and inner hyphens in dot-separated labels), got ${JSON.stringify(bad)}`],
            );
        }
        assert.deepStrictEqual(monitoringProblems(cfg({ kiali: { hostname: "ops.example.net" }, grafana: { hostname: "ops.example.net" } }), PROMETHEUS, https), [
            "monitoring.grafana.hostname: ops.example.net is already monitoring.kiali.hostname; give each its own hostname",
        ]);
    });

    it("rejects a short Grafana admin password without echoing it", () => {
        const problems = monitoringProblems(cfg({ grafana: { adminPassword: "hunter2" } }), PROMETHEUS, https);
        assert.deepStrictEqual(problems, ["monitoring.grafana.adminPassword: must be at least 12 characters, got 7"]);
        assert.ok(!problems.join().includes("hunter2"));
        assert.deepStrictEqual(monitoringProblems(cfg({ grafana: { adminPassword: "correct-horse-battery" } }), PROMETHEUS, https), []);
    });

    it("ignores the settings of a disabled tool", () => {
        assert.deepStrictEqual(monitoringProblems({ kiali: { enabled: false, hostname: "Not A Host" }, grafana: { enabled: false, adminPassword: "x" } }, undefined, plainHttp), []);
    });
});
