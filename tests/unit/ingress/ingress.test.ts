import * as assert from "assert";
import { appRoute, Ingress, kubeOpsViewRoutes } from "../../../components/ingress";
import { ProgramRun, runUnderMocks } from "../../../synth/mockCloud";
import { assertValidManifests, config, ingressArgs, k8sOptions, manifestOf, mockIssuer, mockOidcArn, mockVpcId, recordDependsOn, sourcedRecords } from "./fixtures";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const certificateArn = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";
const gateway = { namespace: "istio-ingress", serviceName: "istio-ingressgateway", port: 80 };
const kubeOpsViewService = { namespace: "kube-system", name: "kube-ops-view", port: 8080, dependsOn: [] };

interface Result {
    run: ProgramRun;
    records: Array<{ hostname: string; aliasTarget: string; resource?: string }>;
    urls: Record<string, string>;
    edges: Map<string, string[]>;
}

async function runIngress(raw: Record<string, unknown>, overrides: Parameters<typeof ingressArgs>[1] = {}): Promise<Result> {
    const cfg = config(raw);
    let ingress: Ingress | undefined;
    let edges = new Map<string, string[]>();
    const run = await runUnderMocks(
        () => {
            edges = recordDependsOn();
            const routes = [appRoute(cfg.app, gateway), ...kubeOpsViewRoutes(cfg.kubeOpsView, kubeOpsViewService)];
            ingress = new Ingress("ingress", ingressArgs(cfg, { routes, ...overrides }), k8sOptions());
            return { urls: ingress.urls };
        },
        { config: {} },
    );
    assert.ok(ingress);
    const records = sourcedRecords(run).map((r) => ({ hostname: r.hostname, aliasTarget: r.aliasTarget!, resource: r.resource }));
    return { run, records, urls: run.outputs.urls as Record<string, string>, edges };
}

describe("ingress layer under mocks", () => {
    describe("new EKS cluster, HTTP only", () => {
        let r: Result;
        before(async () => {
            r = await runIngress({ app: { hostname: "app.example.com" }, kubeOpsView: { hostname: "kubeopsview.example.com" } });
        });

        it("creates one Ingress per host, all in IP mode and in one ALB group, with class alb", () => {
            const ingresses = r.run.byType(INGRESS);
            assert.deepStrictEqual(ingresses.map((i) => i.inputs.spec.rules[0].host).sort(), ["app.example.com", "kubeopsview.example.com"]);
            for (const i of ingresses) {
                const ann = i.inputs.metadata.annotations;
                assert.strictEqual(ann["alb.ingress.kubernetes.io/target-type"], "ip", i.name);
                assert.strictEqual(i.inputs.spec.ingressClassName, "alb", i.name);
                assert.deepStrictEqual(JSON.parse(ann["alb.ingress.kubernetes.io/listen-ports"]), [{ HTTP: 80 }]);
            }
            const groups = new Set(ingresses.map((i) => i.inputs.metadata.annotations["alb.ingress.kubernetes.io/group.name"]));
            assert.deepStrictEqual([...groups], ["eks-ingress-mesh"]);
        });

        it("sends the app host to the gateway Service and checks the gateway's readiness port", () => {
            const app = r.run.one(INGRESS, "ingress-app");
            assert.strictEqual(app.inputs.metadata.namespace, "istio-ingress");
            assert.deepStrictEqual(app.inputs.spec.rules[0].http.paths[0], {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: "istio-ingressgateway", port: { number: 80 } } },
            });
            assert.strictEqual(app.inputs.metadata.annotations["alb.ingress.kubernetes.io/healthcheck-path"], "/healthz/ready");
            assert.strictEqual(app.inputs.metadata.annotations["alb.ingress.kubernetes.io/healthcheck-port"], "15021");
            const kov = r.run.one(INGRESS, "ingress-kube-ops-view");
            assert.strictEqual(kov.inputs.metadata.namespace, "kube-system");
            assert.strictEqual(kov.inputs.spec.rules[0].http.paths[0].backend.service.port.number, 8080);
        });

        it("installs the pinned controller chart in kube-system with explicit cluster, region, VPC and IRSA annotation", () => {
            const release = r.run.one(RELEASE);
            assert.strictEqual(release.inputs.chart, "aws-load-balancer-controller");
            assert.strictEqual(release.inputs.version, "1.13.4");
            assert.strictEqual(release.inputs.repositoryOpts.repo, "https://aws.github.io/eks-charts");
            assert.strictEqual(release.inputs.namespace, "kube-system");
            const values = release.inputs.values;
            assert.strictEqual(values.clusterName, "eim-dev");
            assert.strictEqual(values.region, "ap-northeast-2");
            assert.strictEqual(values.vpcId, mockVpcId);
            assert.strictEqual(values.replicaCount, 2);
            assert.strictEqual(values.enableServiceMutatorWebhook, false);
            assert.strictEqual(values.createIngressClassResource, false, "the IngressClass is this program's, not the chart's");
            assert.strictEqual(values.serviceAccount.create, true);
            assert.strictEqual(values.serviceAccount.name, "aws-load-balancer-controller");
            const role = r.run.one("aws:iam/role:Role");
            assert.strictEqual(values.serviceAccount.annotations["eks.amazonaws.com/role-arn"], role.state.arn);
            assert.match(role.state.arn, /^arn:aws:iam::\d{12}:role\//);
        });

        it("trusts only the controller's service account, and only for STS, through the cluster's OIDC provider", () => {
            const trust = JSON.parse(r.run.one("aws:iam/role:Role").inputs.assumeRolePolicy);
            assert.strictEqual(trust.Statement.length, 1);
            const [s] = trust.Statement;
            assert.strictEqual(s.Action, "sts:AssumeRoleWithWebIdentity");
            assert.deepStrictEqual(s.Principal, { Federated: mockOidcArn });
            assert.deepStrictEqual(s.Condition, {
                StringEquals: {
                    [`${mockIssuer}:sub`]: "system:serviceaccount:kube-system:aws-load-balancer-controller",
                    [`${mockIssuer}:aud`]: "sts.amazonaws.com",
                },
            });
            const policy = JSON.parse(r.run.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
            assert.ok(policy.Statement.some((st: { Action: string[] }) => st.Action.includes("elasticloadbalancing:CreateLoadBalancer")));
        });

        it("creates the alb IngressClass for the controller, after the controller", () => {
            const cls = r.run.one("kubernetes:networking.k8s.io/v1:IngressClass");
            assert.strictEqual(cls.inputs.metadata.name, "alb");
            assert.strictEqual(cls.inputs.spec.controller, "ingress.k8s.aws/alb");
            assert.deepStrictEqual(r.edges.get("kubernetes:networking.k8s.io/v1:IngressClass::ingress-class"), ["ingress-controller"]);
        });

        it("creates Ingresses only after the controller (its webhooks admit them) and the IRSA role", () => {
            for (const name of ["ingress-app", "ingress-kube-ops-view"]) {
                const deps = r.edges.get(`${INGRESS}::${name}`) ?? [];
                assert.ok(deps.includes("ingress-controller"), `${name} depends on the controller: ${deps}`);
                assert.ok(deps.includes("ingress-class"), `${name} depends on the IngressClass: ${deps}`);
            }
            assert.deepStrictEqual(r.edges.get(`${RELEASE}::ingress-controller`), ["ingress-controller-irsa"]);
        });

        it("annotates each Ingress with its host, so the DNS sources alias it to the shared ALB from the Ingress status", () => {
            assert.deepStrictEqual(r.records.map((x) => [x.hostname, x.resource]).sort(), [
                ["app.example.com", "ingress/istio-ingress/app"],
                ["kubeopsview.example.com", "ingress/kube-system/kube-ops-view"],
            ]);
            const targets = new Set(r.records.map((x) => x.aliasTarget));
            assert.strictEqual(targets.size, 1, "every host aliases the one ALB");
            assert.match([...targets][0], /^k8s-eksingressmes|^k8s-eks-ingress-m/);
            assert.match([...targets][0], /\.ap-northeast-2\.elb\.amazonaws\.com$/);
            const status = r.run.one(INGRESS, "ingress-app").state.status;
            assert.strictEqual([...targets][0], status.loadBalancer.ingress[0].hostname);
        });

        it("reports http URLs without a certificate", () => {
            assert.deepStrictEqual(r.urls, { app: "http://app.example.com/", "kube-ops-view": "http://kubeopsview.example.com/" });
        });

        it("renders Ingress and IngressClass objects that match the Kubernetes schemas", () => {
            assertValidManifests([...r.run.byType(INGRESS), ...r.run.byType("kubernetes:networking.k8s.io/v1:IngressClass")]);
            const broken = { ...manifestOf(r.run.one(INGRESS, "ingress-app")) } as Record<string, any>;
            broken.spec.rules[0].http.paths[0].pathType = "Glob";
            assert.throws(() => assertValidManifests([{ ...r.run.one(INGRESS, "ingress-app"), inputs: broken }]), /Ingress istio-ingress\/app does not match/);
        });
    });

    describe("with an ACM certificate", () => {
        let r: Result;
        before(async () => {
            r = await runIngress({ ingress: { certificateArn, groupName: "shop-edge" } });
        });

        it("adds the HTTPS listener, the certificate and the redirect to every Ingress", () => {
            for (const i of r.run.byType(INGRESS)) {
                const ann = i.inputs.metadata.annotations;
                assert.deepStrictEqual(JSON.parse(ann["alb.ingress.kubernetes.io/listen-ports"]), [{ HTTP: 80 }, { HTTPS: 443 }], i.name);
                assert.strictEqual(ann["alb.ingress.kubernetes.io/certificate-arn"], certificateArn);
                assert.strictEqual(ann["alb.ingress.kubernetes.io/ssl-redirect"], "443");
                assert.strictEqual(ann["alb.ingress.kubernetes.io/group.name"], "shop-edge");
            }
            assert.deepStrictEqual(Object.values(r.urls).map((u) => u.split(":")[0]), ["https", "https"]);
        });
    });

    describe("existing cluster without an OIDC provider", () => {
        let r: Result;
        before(async () => {
            r = await runIngress({}, { vpcId: undefined, oidcProviderArn: undefined, oidcProviderUrl: undefined });
        });

        it("installs the controller without IRSA and without a VPC id", () => {
            assert.strictEqual(r.run.byType("aws:iam/role:Role").length, 0);
            assert.strictEqual(r.run.byType("aws:iam/rolePolicy:RolePolicy").length, 0);
            const values = r.run.one(RELEASE).inputs.values;
            assert.deepStrictEqual(values.serviceAccount.annotations, {});
            assert.strictEqual("vpcId" in values, false);
            assert.strictEqual(values.clusterName, "eim-dev");
            assert.strictEqual(r.run.byType(INGRESS).length, 2);
        });
    });

    it("names both routes when two claim one host, before creating anything", async () => {
        const cfg = config();
        const route = appRoute(cfg.app, gateway);
        await assert.rejects(
            runUnderMocks(
                () => {
                    new Ingress("ingress", ingressArgs(cfg, { routes: [route, { ...route, name: "copy" }] }), k8sOptions());
                    return {};
                },
                { config: {} },
            ),
            /route "copy": host app\.example\.com is already routed by "app"/,
        );
    });

    it("fails clearly when an OIDC provider output resolves to nothing", async () => {
        const cfg = config();
        const pulumi = await import("@pulumi/pulumi");
        await assert.rejects(
            runUnderMocks(
                () => {
                    const ingress = new Ingress("ingress", ingressArgs(cfg, { oidcProviderArn: pulumi.output(undefined) }), k8sOptions());
                    return { role: ingress.controllerRole!.roleArn };
                },
                { config: {} },
            ),
            /ingress: oidcProviderArn resolved to nothing/,
        );
    });
});
