// The Monitoring component under Pulumi mocks, alone and composed with the
// ingress layer the way index.ts will compose it: the charts, versions,
// namespaces and values it installs, the routes and DNS names it adds to the
// shared ALB, and where the Grafana admin password does (and does not) go.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Monitoring, MonitoringArgs, MonitoringConfig } from "../../../components/monitoring";
import { ProgramRun, runUnderMocks } from "../../../synth/mockCloud";
import { validateManifest } from "../../../synth/validateManifest";
import { recordDependsOn, sourcedRecords } from "../ingress/fixtures";
import { composeMonitoring, internalTools, PASSWORD, publicTools } from "./fixtures";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

const PROMETHEUS_URL = "http://prometheus-server.istio-system.svc.cluster.local:80";

interface MonitoringRun {
    readonly run: ProgramRun;
    readonly monitoring?: Monitoring;
    readonly records: string[];
    readonly dependsOn: Map<string, string[]>;
    readonly error?: Error;
}

async function runMonitoring(monitoring: MonitoringConfig, over: Partial<MonitoringArgs> = {}, https = true): Promise<MonitoringRun> {
    let dependsOn = new Map<string, string[]>();
    const composed = composeMonitoring(monitoring, over, https);
    const run = await runUnderMocks(() => {
        dependsOn = recordDependsOn();
        return composed.program();
    }, { config: {} });
    const records = composed.ingress ? sourcedRecords(run).map((r) => r.hostname) : [];
    return { run, monitoring: composed.monitoring, records, dependsOn, error: composed.error };
}

const release = (run: ProgramRun, chart: string) => {
    const found = run.byType(RELEASE).filter((r) => r.inputs.chart === chart);
    assert.strictEqual(found.length, 1, `one ${chart} release`);
    return found[0];
};

describe("monitoring layer under mocks", () => {
    describe("Kiali and Grafana public over HTTPS, admin password from secret config", () => {
        let m: MonitoringRun;
        before(async () => {
            m = await runMonitoring(publicTools);
        });

        it("installs kiali-server 2.12.0 from kiali.org into istio-system, token login, view-only, on the mesh's Prometheus", () => {
            const kiali = release(m.run, "kiali-server");
            assert.deepStrictEqual([kiali.inputs.name, kiali.inputs.version, kiali.inputs.repositoryOpts.repo, kiali.inputs.namespace], ["kiali", "2.12.0", "https://kiali.org/helm-charts", "istio-system"]);
            const v = kiali.inputs.values;
            assert.strictEqual(v.auth.strategy, "token");
            assert.strictEqual(v.deployment.view_only_mode, true);
            assert.strictEqual(v.server.web_root, "/");
            assert.strictEqual(v.external_services.prometheus.url, PROMETHEUS_URL);
            assert.strictEqual(v.external_services.tracing.enabled, false);
            assert.deepStrictEqual(v.external_services.istio.component_status.components[1], { app_label: "istio-ingressgateway", namespace: "istio-ingress", is_core: true, is_proxy: true });
        });

        it("installs grafana 9.2.2 from grafana.github.io into istio-system with Prometheus as the default data source", () => {
            const grafana = release(m.run, "grafana");
            assert.deepStrictEqual(
                [grafana.inputs.name, grafana.inputs.version, grafana.inputs.repositoryOpts.repo, grafana.inputs.namespace],
                ["grafana", "9.2.2", "https://grafana.github.io/helm-charts", "istio-system"],
            );
            const [ds] = grafana.inputs.values.datasources["datasources.yaml"].datasources;
            assert.deepStrictEqual([ds.type, ds.url, ds.isDefault], ["prometheus", PROMETHEUS_URL, true]);
        });

        it("provisions Istio 1.27.1's mesh, service and workload dashboards, fetched by Grafana over verified TLS when it starts", () => {
            const v = release(m.run, "grafana").inputs.values;
            const base = "https://raw.githubusercontent.com/istio/istio/1.27.1/manifests/addons/dashboards";
            assert.deepStrictEqual(v.dashboards.istio, {
                "istio-mesh": { url: `${base}/istio-mesh-dashboard.gen.json`, curlOptions: "-sLf" },
                "istio-service": { url: `${base}/istio-service-dashboard.json`, curlOptions: "-sLf" },
                "istio-workload": { url: `${base}/istio-workload-dashboard.json`, curlOptions: "-sLf" },
            });
            const [provider] = v.dashboardProviders["dashboardproviders.yaml"].providers;
            assert.deepStrictEqual([provider.name, provider.options.path], ["istio", "/var/lib/grafana/dashboards/istio"]);
        });

        it("turns Grafana's anonymous access and sign-up off and serves it at its public HTTPS URL with secure cookies", () => {
            const ini = release(m.run, "grafana").inputs.values["grafana.ini"];
            assert.strictEqual(ini["auth.anonymous"].enabled, false);
            assert.strictEqual(ini.users.allow_sign_up, false);
            assert.strictEqual(ini.server.root_url, "https://grafana.example.com/");
            assert.strictEqual(ini.security.cookie_secure, true);
        });

        it("keeps the admin password in a Secret only: secret in the engine, absent from the Helm values and every output", () => {
            const secret = m.run.one(SECRET);
            assert.deepStrictEqual([secret.inputs.metadata.name, secret.inputs.metadata.namespace], ["grafana-admin", "istio-system"]);
            assert.deepStrictEqual(secret.inputs.stringData, { "admin-password": PASSWORD });
            // The provider marks all of stringData secret: the password travels inside that secret map.
            assert.ok([...m.run.secretValues].some((v) => v.includes(PASSWORD)), "the password reached the engine as a secret");
            const grafana = release(m.run, "grafana");
            // Grafana reads it from the mounted Secret (GF_..._PASSWORD__FILE); with that set the chart makes no password Secret of its own.
            assert.deepStrictEqual(grafana.inputs.values.env, { GF_SECURITY_ADMIN_USER: "admin", GF_SECURITY_ADMIN_PASSWORD__FILE: "/etc/secrets/grafana-admin/admin-password" });
            assert.deepStrictEqual(grafana.inputs.values.extraSecretMounts, [
                { name: "admin-password", secretName: "grafana-admin", mountPath: "/etc/secrets/grafana-admin", readOnly: true, defaultMode: 0o440 },
            ]);
            assert.strictEqual(grafana.inputs.values.admin, undefined);
            for (const r of m.run.byType(RELEASE)) {
                assert.ok(!JSON.stringify(r.inputs).includes(PASSWORD), `${r.name} inputs carry no password`);
            }
            assert.ok(!JSON.stringify(m.run.outputs).includes(PASSWORD));
            assert.deepStrictEqual(m.run.outputs, {
                urls: { kiali: "https://kiali.example.com", grafana: "https://grafana.example.com" },
                grafanaAdminSecretName: "istio-system/grafana-admin",
                kialiLoginServiceAccount: "istio-system/kiali-login",
            });
            const component = m.run.one("eks-ingress-mesh:index:Monitoring");
            assert.ok(!JSON.stringify(component.state).includes(PASSWORD), "registered outputs carry no password");
        });

        it("gives Kiali users a read-only login: a ServiceAccount bound to the chart's kiali-viewer ClusterRole", () => {
            const sa = m.run.one(SERVICE_ACCOUNT);
            assert.deepStrictEqual(sa.inputs.metadata, { name: "kiali-login", namespace: "istio-system" });
            const binding = m.run.one(BINDING);
            assert.deepStrictEqual(binding.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kiali-viewer" });
            assert.deepStrictEqual(binding.inputs.subjects, [{ kind: "ServiceAccount", name: "kiali-login", namespace: "istio-system" }]);
            for (const r of [sa, binding, m.run.one(SECRET)]) {
                const { apiVersion, kind, metadata, roleRef, subjects, stringData, type } = r.inputs;
                validateManifest(JSON.parse(JSON.stringify({ apiVersion, kind, metadata, roleRef, subjects, stringData, type })));
            }
        });

        it("installs everything after the mesh, the Grafana release after its admin Secret, the binding after the chart's role", () => {
            assert.deepStrictEqual(m.dependsOn.get(`${RELEASE}::monitoring-kiali`), ["mesh"]);
            assert.deepStrictEqual(m.dependsOn.get(`${RELEASE}::monitoring-grafana`), ["mesh", "monitoring-grafana-admin"]);
            assert.deepStrictEqual(m.dependsOn.get(`${SECRET}::monitoring-grafana-admin`), ["mesh"]);
            assert.deepStrictEqual(m.dependsOn.get(`${BINDING}::monitoring-kiali-login-viewer`), ["monitoring-kiali", "monitoring-kiali-login"]);
        });

        it("routes kiali.example.com and grafana.example.com through the shared ALB to the charts' Services, each with its DNS record", () => {
            assert.deepStrictEqual(
                m.monitoring!.routes.map((r) => [r.name, r.host, r.namespace, r.serviceName, r.servicePort, r.healthCheckPath]),
                [
                    ["kiali", "kiali.example.com", "istio-system", "kiali", 20001, "/healthz"],
                    ["grafana", "grafana.example.com", "istio-system", "grafana", 80, "/api/health"],
                ],
            );
            const ingresses = m.run.byType(INGRESS);
            assert.deepStrictEqual(ingresses.map((i) => i.inputs.spec.rules[0].host).sort(), ["grafana.example.com", "kiali.example.com"]);
            for (const i of ingresses) {
                assert.strictEqual(i.inputs.metadata.namespace, "istio-system");
                assert.ok(i.inputs.metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"], `${i.name} is served over HTTPS`);
            }
            assert.deepStrictEqual(m.records.sort(), ["grafana.example.com", "kiali.example.com"]);
        });
    });

    describe("internal only (no hostnames), password generated by the chart", () => {
        let m: MonitoringRun;
        before(async () => {
            m = await runMonitoring(internalTools, {}, false);
        });

        it("installs both charts but adds no route, Ingress or DNS record", () => {
            assert.deepStrictEqual(m.run.byType(RELEASE).map((r) => r.inputs.chart).sort(), ["aws-load-balancer-controller", "grafana", "kiali-server"]);
            assert.deepStrictEqual(m.monitoring!.routes, []);
            assert.deepStrictEqual(m.run.byType(INGRESS), []);
            assert.deepStrictEqual(m.records, []);
            assert.deepStrictEqual(m.run.outputs.urls, {});
        });

        it("leaves the admin password to the chart (Secret grafana), with plain-HTTP cookies for port-forward", () => {
            assert.deepStrictEqual(m.run.byType(SECRET), []);
            const v = release(m.run, "grafana").inputs.values;
            assert.strictEqual(v.env, undefined);
            assert.strictEqual(v.extraSecretMounts, undefined);
            assert.strictEqual(v.adminPassword, undefined);
            assert.deepStrictEqual(v["grafana.ini"].server, {});
            assert.strictEqual(v["grafana.ini"].security.cookie_secure, false);
            assert.strictEqual(m.run.outputs.grafanaAdminSecretName, "istio-system/grafana");
        });
    });

    it("only Kiali: no Grafana release, Secret or route", async () => {
        const m = await runMonitoring({ kiali: { enabled: true, hostname: "kiali.example.com" }, grafana: { enabled: false, hostname: "grafana.example.com" } });
        assert.deepStrictEqual(m.run.byType(RELEASE).map((r) => r.inputs.chart).sort(), ["aws-load-balancer-controller", "kiali-server"]);
        assert.deepStrictEqual(m.records, ["kiali.example.com"]);
        assert.strictEqual(m.run.outputs.grafanaAdminSecretName, undefined);
    });

    it("both off: nothing but the component itself", async () => {
        const m = await runMonitoring({ kiali: { enabled: false }, grafana: { enabled: false } });
        assert.deepStrictEqual(m.run.resources.filter((r) => r.parent === "eks-ingress-mesh:index:Monitoring::monitoring"), []);
        assert.deepStrictEqual(m.monitoring!.routes, []);
    });

    describe("bad settings fail with the key and the rule, and create nothing", () => {
        const created = (m: MonitoringRun) => m.run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes");

        it("a public hostname on an internet-facing ALB without a certificate", async () => {
            const m = await runMonitoring(publicTools, {}, false);
            assert.ok(m.error instanceof pulumi.RunError);
            assert.match(m.error!.message, /^monitoring\.kiali\.hostname: the shared ALB is internet-facing without HTTPS/);
            assert.match(m.error!.message, /monitoring\.grafana\.hostname: /);
            assert.deepStrictEqual(created(m), []);
        });

        it("a tool enabled without the mesh's Prometheus", async () => {
            const m = await runMonitoring(internalTools, { prometheus: undefined });
            assert.match(m.error!.message, /^monitoring\.kiali\.enabled: Kiali reads the mesh's Prometheus; set mesh\.prometheus\.enabled to true/);
            assert.deepStrictEqual(created(m), []);
        });
    });
});
