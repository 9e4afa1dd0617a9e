import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { appRoute, Ingress, kubeOpsViewRoutes } from "../../../components/ingress";
import { Workloads } from "../../../components/workloads";
import { StackConfig } from "../../../config";
import { ProgramRun, runUnderMocks, settle } from "../../../synth/mockCloud";
import { assertValidManifests, config, ingressArgs, k8sOptions, manifestOf, sourcedRecords } from "../ingress/fixtures";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const CONFIGMAP = "kubernetes:core/v1:ConfigMap";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

const devRaw = { app: { replicas: 3 }, kubeOpsView: { timezone: "Asia/Seoul" } };

async function runWorkloads(cfg: StackConfig): Promise<{ run: ProgramRun; workloads: Workloads }> {
    let workloads: Workloads | undefined;
    const run = await runUnderMocks(
        () => {
            workloads = new Workloads("workloads", { app: cfg.app, kubeOpsView: cfg.kubeOpsView, appNamespace: pulumi.output(cfg.app.namespace) }, k8sOptions());
            return { appService: workloads.appService.name };
        },
        { config: {} },
    );
    return { run, workloads: workloads! };
}

/** Workloads and the ingress layer composed the way index.ts composes them. */
async function runEdge(cfg: StackConfig): Promise<{ run: ProgramRun; records: string[] }> {
    let ingress: Ingress | undefined;
    const run = await runUnderMocks(
        () => {
            const opts = k8sOptions();
            const workloads = new Workloads("workloads", { app: cfg.app, kubeOpsView: cfg.kubeOpsView, appNamespace: cfg.app.namespace }, opts);
            const gateway = { namespace: "istio-ingress", serviceName: "istio-ingressgateway", port: 80 };
            const routes = [appRoute(cfg.app, gateway), ...kubeOpsViewRoutes(cfg.kubeOpsView, workloads.kubeOpsViewService)];
            ingress = new Ingress("ingress", ingressArgs(cfg, { routes }), opts);
            return {};
        },
        { config: {} },
    );
    assert.ok(ingress);
    const records = sourcedRecords(run).map((r) => r.hostname);
    return { run, records };
}

describe("workloads layer under mocks", () => {
    describe("dev config (kube-ops-view on, Asia/Seoul, 3 replicas)", () => {
        let run: ProgramRun;
        let workloads: Workloads;
        before(async () => {
            ({ run, workloads } = await runWorkloads(config(devRaw)));
        });

        it("installs kube-ops-view 1.2.2 from geek-cookbook into kube-system with the configured time zone", () => {
            const release = run.one(RELEASE);
            assert.strictEqual(release.inputs.chart, "kube-ops-view");
            assert.strictEqual(release.inputs.version, "1.2.2");
            assert.strictEqual(release.inputs.repositoryOpts.repo, "https://geek-cookbook.github.io/charts/");
            assert.strictEqual(release.inputs.namespace, "kube-system");
            assert.strictEqual(release.inputs.values.env.TZ, "Asia/Seoul");
            assert.strictEqual(release.inputs.values.service.main.type, "ClusterIP");
            assert.strictEqual(release.inputs.values.fullnameOverride, "kube-ops-view");
            assert.strictEqual(release.inputs.values.ingress.main.enabled, false);
        });

        it("exposes the kube-ops-view Service the chart creates, for the ingress route", () => {
            const svc = workloads.kubeOpsViewService!;
            assert.deepStrictEqual([svc.namespace, svc.name, svc.port], ["kube-system", "kube-ops-view", 8080]);
            assert.strictEqual(svc.dependsOn.length, 1);
        });

        it("runs stable and canary nginx Deployments with the configured images and replica count", () => {
            const deployments = run.byType(DEPLOYMENT);
            assert.deepStrictEqual(deployments.map((d) => d.inputs.metadata.name).sort(), ["app-canary", "app-stable"]);
            for (const d of deployments) {
                const version = d.inputs.metadata.name.replace("app-", "");
                assert.strictEqual(d.inputs.metadata.namespace, "demo");
                assert.strictEqual(d.inputs.spec.replicas, 3, `${d.name} replicas`);
                assert.deepStrictEqual(d.inputs.spec.template.metadata.labels, { app: "app", version });
                const [c] = d.inputs.spec.template.spec.containers;
                assert.strictEqual(c.image, version === "stable" ? "nginx:1.27-alpine" : "nginx:1.28-alpine");
                assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, "requests and limits set");
                assert.deepStrictEqual(c.readinessProbe.httpGet, { path: "/healthz", port: "http" });
            }
        });

        it("mounts each version's own nginx config", () => {
            for (const version of ["stable", "canary"]) {
                const cm = run.byType(CONFIGMAP).find((c) => c.inputs.metadata.name === `app-${version}-nginx`)!;
                assert.match(cm.inputs.data["default.conf"], new RegExp(`return 200 "${version}\\\\n"`));
                const d = run.byType(DEPLOYMENT).find((x) => x.inputs.metadata.name === `app-${version}`)!;
                assert.strictEqual(d.inputs.spec.template.spec.volumes[0].configMap.name, `app-${version}-nginx`);
            }
        });

        it("puts one Service named app over both versions", async () => {
            const svc = run.one(SERVICE);
            assert.deepStrictEqual(svc.inputs.metadata, { name: "app", namespace: "demo", labels: { app: "app" } });
            assert.deepStrictEqual(svc.inputs.spec.selector, { app: "app" });
            assert.deepStrictEqual(svc.inputs.spec.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
            assert.deepStrictEqual(
                [await settle(workloads.appService.namespace), await settle(workloads.appService.name), workloads.appService.port],
                ["demo", "app", 80],
            );
        });

        it("renders Deployments, Services and ConfigMaps that match the Kubernetes schemas", () => {
            assertValidManifests([...run.byType(DEPLOYMENT), ...run.byType(SERVICE), ...run.byType(CONFIGMAP)]);
            const broken = manifestOf(run.byType(DEPLOYMENT)[0]) as Record<string, any>;
            broken.spec.replicas = "three";
            assert.throws(() => assertValidManifests([{ ...run.byType(DEPLOYMENT)[0], inputs: broken }]), /Deployment demo\/app-\w+ does not match/);
        });
    });

    it("follows app.replicas", async () => {
        const { run } = await runWorkloads(config({ app: { replicas: 1 } }));
        assert.deepStrictEqual(run.byType(DEPLOYMENT).map((d) => d.inputs.spec.replicas), [1, 1]);
    });

    describe("kube-ops-view on and off, composed with the ingress layer", () => {
        it("with kube-ops-view: its chart, its Ingress and its DNS record all exist", async () => {
            const { run, records } = await runEdge(config(devRaw));
            assert.strictEqual(run.byType(RELEASE).filter((r) => r.inputs.chart === "kube-ops-view").length, 1);
            assert.deepStrictEqual(run.byType(INGRESS).map((i) => i.inputs.spec.rules[0].host).sort(), ["app.example.com", "kubeopsview.example.com"]);
            assert.deepStrictEqual(records.sort(), ["app.example.com", "kubeopsview.example.com"]);
        });

        it("without kube-ops-view: its chart, its Ingress rule and its DNS record are all gone, the app's stay", async () => {
            const { run, records } = await runEdge(config({ ...devRaw, kubeOpsView: { enabled: false } }));
            assert.deepStrictEqual(run.byType(RELEASE).map((r) => r.inputs.chart), ["aws-load-balancer-controller"]);
            assert.deepStrictEqual(run.byType(INGRESS).map((i) => i.inputs.spec.rules[0].host), ["app.example.com"]);
            assert.deepStrictEqual(records, ["app.example.com"]);
        });
    });
});
