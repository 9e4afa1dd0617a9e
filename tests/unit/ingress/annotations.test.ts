import * as assert from "assert";
import { albAnnotations, listenPorts } from "../../../components/ingress/annotations";
import { appRoute, checkRoutes, IngressRoute, kubeOpsViewRoutes } from "../../../components/ingress/routes";
import { config } from "./fixtures";

const certificateArn = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";
const a = (key: string) => `alb.ingress.kubernetes.io/${key}`;

describe("ingress: ALB annotations", () => {
    it("targets pod IPs, joins the configured group and listens on HTTP only without a certificate", () => {
        const ann = albAnnotations(config({ ingress: { groupName: "edge", scheme: "internal" } }).ingress, { path: "/healthz/ready", port: 15021 });
        assert.strictEqual(ann[a("target-type")], "ip");
        assert.strictEqual(ann[a("group.name")], "edge");
        assert.strictEqual(ann[a("scheme")], "internal");
        assert.deepStrictEqual(JSON.parse(ann[a("listen-ports")]), [{ HTTP: 80 }]);
        assert.strictEqual(ann[a("healthcheck-path")], "/healthz/ready");
        assert.strictEqual(ann[a("healthcheck-port")], "15021");
        assert.strictEqual(ann[a("certificate-arn")], undefined);
        assert.strictEqual(ann[a("ssl-redirect")], undefined);
        assert.ok(Object.values(ann).every((v) => typeof v === "string"), "annotation values are strings");
    });

    it("adds the HTTPS listener, the certificate and the redirect when a certificate is configured", () => {
        const ingress = config({ ingress: { certificateArn } }).ingress;
        const ann = albAnnotations(ingress, { path: "/health" });
        assert.deepStrictEqual(JSON.parse(ann[a("listen-ports")]), [{ HTTP: 80 }, { HTTPS: 443 }]);
        assert.strictEqual(ann[a("certificate-arn")], certificateArn);
        assert.strictEqual(ann[a("ssl-redirect")], "443");
        assert.strictEqual(ann[a("healthcheck-port")], "traffic-port");
    });

    it("keeps HTTP open without a redirect when sslRedirect is false", () => {
        const ingress = config({ ingress: { certificateArn, sslRedirect: false } }).ingress;
        const ann = albAnnotations(ingress, { path: "/" });
        assert.deepStrictEqual(listenPorts(ingress), [{ HTTP: 80 }, { HTTPS: 443 }]);
        assert.strictEqual(ann[a("ssl-redirect")], undefined);
    });

    it("defaults the scheme to internet-facing and the group to the project name", () => {
        const ann = albAnnotations(config().ingress, { path: "/" });
        assert.strictEqual(ann[a("scheme")], "internet-facing");
        assert.strictEqual(ann[a("group.name")], "eks-ingress-mesh");
    });
});

describe("ingress: routes", () => {
    const cfg = config({ app: { hostname: "shop.example.com" }, kubeOpsView: { hostname: "ops.example.com" } });
    const gateway = { namespace: "istio-ingress", serviceName: "istio-ingressgateway", port: 80 };
    const kov = { namespace: "kube-system", name: "kube-ops-view", port: 8080, dependsOn: [] };

    it("routes the app host to the gateway Service with the gateway's readiness check", () => {
        const r = appRoute(cfg.app, gateway);
        assert.deepStrictEqual(
            { name: r.name, host: r.host, namespace: r.namespace, serviceName: r.serviceName, servicePort: r.servicePort, path: r.healthCheckPath, port: r.healthCheckPort },
            { name: "app", host: "shop.example.com", namespace: "istio-ingress", serviceName: "istio-ingressgateway", servicePort: 80, path: "/healthz/ready", port: 15021 },
        );
    });

    it("routes kube-ops-view only when it is enabled and deployed", () => {
        assert.deepStrictEqual(kubeOpsViewRoutes(cfg.kubeOpsView, kov).map((r) => [r.name, r.host, r.serviceName, r.servicePort]), [["kube-ops-view", "ops.example.com", "kube-ops-view", 8080]]);
        assert.deepStrictEqual(kubeOpsViewRoutes(config({ kubeOpsView: { enabled: false } }).kubeOpsView, kov), []);
        assert.deepStrictEqual(kubeOpsViewRoutes(cfg.kubeOpsView, undefined), []);
    });

    it("accepts distinct routes and names every collision", () => {
        const app = appRoute(cfg.app, gateway);
        checkRoutes([app, ...kubeOpsViewRoutes(cfg.kubeOpsView, kov)]);
        const clash: IngressRoute = { ...app, name: "other" };
        assert.throws(() => checkRoutes([app, clash]), /route "other": host shop\.example\.com is already routed by "app"/);
        assert.throws(() => checkRoutes([app, { ...app, host: "x.example.com" }]), /route "app": name is used by another route/);
        assert.throws(() => checkRoutes([{ ...app, name: "App_1" }]), /route "App_1": name must be a DNS-1123 label/);
        assert.throws(() => checkRoutes([{ ...app, servicePort: 0 }]), /servicePort must be an integer in 1\.\.65535, got 0/);
        assert.throws(() => checkRoutes([{ ...app, healthCheckPath: "healthz" }]), /healthCheckPath must start with "\/"/);
    });
});
