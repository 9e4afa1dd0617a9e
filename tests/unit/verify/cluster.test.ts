import * as assert from "assert";
import { listenerOrigin, targetFromCluster } from "../../../verify/cluster";

const prefix = "alb.ingress.kubernetes.io/";

const ingress = (hosts: string[], annotations: Record<string, string> = {}, alb?: string) => ({
    metadata: { annotations },
    spec: { rules: hosts.map((host) => ({ host })) },
    status: alb ? { loadBalancer: { ingress: [{ hostname: alb }] } } : {},
});
const vs = (stable: number, canary: number) => ({
    spec: {
        http: [
            { name: "canary-header", match: [{ headers: {} }], route: [{ destination: { subset: "canary" } }] },
            { name: "weighted", route: [{ destination: { subset: "stable" }, weight: stable }, { destination: { subset: "canary" }, weight: canary }] },
        ],
    },
});

describe("verify: target from the cluster's objects", () => {
    it("derives scheme and port from the ALB listeners the Ingress asks for", () => {
        assert.deepStrictEqual(listenerOrigin({ [`${prefix}listen-ports`]: '[{"HTTP":80},{"HTTPS":443}]' }, "x"), { scheme: "https" });
        assert.deepStrictEqual(listenerOrigin({ [`${prefix}listen-ports`]: '[{"HTTP":80}]' }, "x"), { scheme: "http" });
        assert.deepStrictEqual(listenerOrigin({ [`${prefix}listen-ports`]: '[{"HTTP":8080}]' }, "x"), { scheme: "http", port: 8080 });
        assert.deepStrictEqual(listenerOrigin({ [`${prefix}certificate-arn`]: "arn:aws:acm:..." }, "x"), { scheme: "https" });
        assert.deepStrictEqual(listenerOrigin({}, "x"), { scheme: "http" });
        assert.throws(() => listenerOrigin({ [`${prefix}listen-ports`]: "80" }, "Ingress a/b"), /Ingress a\/b: annotation alb\.ingress\.kubernetes\.io\/listen-ports must list HTTP or HTTPS ports/);
    });

    it("reads hostnames inside the domain, the URLs, the ALB and the live canary weight", () => {
        const target = targetFromCluster(
            {
                appIngress: ingress(["App.Example.com", "other.org"], { [`${prefix}listen-ports`]: '[{"HTTP":80},{"HTTPS":443}]' }, "K8s-Eim-1.elb.amazonaws.com"),
                kubeOpsViewIngress: ingress(["kubeopsview.example.com"]),
                virtualService: vs(95, 5),
            },
            "example.com",
        );
        assert.deepStrictEqual(target, {
            hostnames: ["app.example.com", "kubeopsview.example.com"],
            appUrl: "https://app.example.com/",
            kubeOpsViewUrl: "http://kubeopsview.example.com/",
            canaryWeight: 5,
            albDnsName: "k8s-eim-1.elb.amazonaws.com",
        });
    });

    it("names the missing object or the broken rule", () => {
        assert.throws(() => targetFromCluster({ virtualService: vs(100, 0) }, "example.com"), /--kubeconfig: Ingress istio-ingress\/app not found/);
        assert.throws(() => targetFromCluster({ appIngress: ingress(["app.example.com"]) }, "example.com"), /VirtualService demo\/app not found, so the canary weight is unknown/);
        assert.throws(() => targetFromCluster({ appIngress: ingress(["app.example.com"]), virtualService: vs(60, 30) }, "example.com"), /routes no stable\/canary weights adding up to 100 \(got 60\/30\)/);
        assert.throws(() => targetFromCluster({ appIngress: ingress(["app.example.org"]), virtualService: vs(100, 0) }, "example.com"), /none of its hosts \(app\.example\.org\) is inside --domain example\.com/);
        assert.throws(() => targetFromCluster({ appIngress: ingress(["badexample.com"]), virtualService: vs(100, 0) }, "example.com"), /is inside --domain/);
    });
});
