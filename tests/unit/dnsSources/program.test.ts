/**
 * The DNS sources through the whole program (index.ts under mocks): a user's
 * annotated Service and Ingress, declared with no DNS wiring at all, get
 * their records; kube-ops-view in both exposure modes; static records from
 * stack config; and the refusals, each naming the object or config key.
 */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { ProgramRun, runUnderMocks } from "../../../synth/mockCloud";
import { dynamicPlanOf } from "../../../synth/plans";
import { readStackConfigFile } from "../../../synth/stackFiles";
import { UserResources } from "../../../userResources";
import program from "../../../index";

const H = "external-dns.alpha.kubernetes.io/hostname";
const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

interface SyncRecord {
    name: string;
    type: string;
    ttl?: number;
    values?: string[];
    alias?: { dnsName: string; hostedZoneId?: string; evaluateTargetHealth?: boolean };
    resource?: string;
    setIdentifier?: string;
    weight?: number;
}

const strip = (s: string) => s.replace(/\.$/, "");

function syncRecords(run: ProgramRun): SyncRecord[] {
    return run.one("pulumi-nodejs:dynamic/eks-ingress-mesh:Route53RecordSync", "dns-records").inputs.records as SyncRecord[];
}

function byName(run: ProgramRun): Map<string, SyncRecord> {
    return new Map(syncRecords(run).map((r) => [`${r.type} ${strip(r.name)}`, r]));
}

async function runDev(user?: UserResources, change: (config: Record<string, any>) => Record<string, any> = (c) => c): Promise<ProgramRun> {
    const { config, secretKeys } = readStackConfigFile("dev");
    return runUnderMocks(() => program(user), { stack: "dev", config: change({ ...config }), secretKeys });
}

/** A user's echo server: an NLB Service and an Ingress on the shared ALB, both only annotated. */
const echo = (serviceHost: string, ingressHost: string, serviceAnnotations: Record<string, string> = {}): UserResources => ({ kubernetes }) => {
    new k8s.core.v1.Service(
        "echo",
        {
            metadata: { name: "echo", namespace: "demo", annotations: { [H]: serviceHost, "external-dns.alpha.kubernetes.io/ttl": "60", ...serviceAnnotations } },
            spec: { type: "LoadBalancer", selector: { app: "echo" }, ports: [{ port: 80 }] },
        },
        { provider: kubernetes },
    );
    new k8s.networking.v1.Ingress(
        "echo-web",
        {
            metadata: { name: "echo-web", namespace: "demo", annotations: { [H]: ingressHost, "alb.ingress.kubernetes.io/group.name": "eks-ingress-mesh-dev" } },
            spec: { ingressClassName: "alb", rules: [{ host: ingressHost.split(",")[0], http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "echo", port: { number: 80 } } } }] } }] },
        },
        { provider: kubernetes },
    );
    // Not a source: no annotation, and a ClusterIP Service.
    new k8s.core.v1.Service("echo-internal", { metadata: { name: "echo-internal", namespace: "demo" }, spec: { selector: { app: "echo" }, ports: [{ port: 80 }] } }, { provider: kubernetes });
};

describe("DNS records from annotated objects (index.ts under mocks)", function () {
    this.timeout(120_000);

    describe("a user's annotated Service and Ingress", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runDev(echo("echo.example.com", "www.example.com, shop.example.com"));
        });

        it("alias the Service's hostname to its NLB from the Service status, marked service/<ns>/<name>", () => {
            const nlb = run.one(SERVICE, "echo").state.status.loadBalancer.ingress[0].hostname as string;
            assert.match(nlb, /^k8s-demo-echo-[0-9a-f]{10}-[0-9a-f]{16}\.elb\.ap-northeast-2\.amazonaws\.com$/, "an NLB hostname as AWS names them");
            const rec = byName(run).get("A echo.example.com");
            assert.ok(rec, [...byName(run).keys()].join(", "));
            assert.deepStrictEqual(rec.alias, { dnsName: `${nlb}.`, hostedZoneId: "ZIBE1TIR4HY56", evaluateTargetHealth: true }, "the NLB zone of ap-northeast-2");
            assert.strictEqual(rec.ttl, undefined, "alias records carry no TTL (ExternalDNS drops it too)");
            assert.strictEqual(rec.resource, "service/demo/echo");
        });

        it("alias every name of the Ingress's comma-separated annotation to the shared ALB, marked ingress/<ns>/<name>", () => {
            const alb = run.one(INGRESS, "ingress-app").state.status.loadBalancer.ingress[0].hostname as string;
            for (const host of ["www.example.com", "shop.example.com"]) {
                const rec = byName(run).get(`A ${host}`);
                assert.ok(rec, host);
                assert.strictEqual(strip(rec.alias!.dnsName), alb);
                assert.strictEqual(rec.resource, "ingress/demo/echo-web");
            }
        });

        it("keep the program's own records, now from the same annotations, and nothing for unannotated objects", () => {
            assert.deepStrictEqual([...byName(run).keys()].sort(), ["A app.example.com", "A echo.example.com", "A kubeopsview.example.com", "A shop.example.com", "A www.example.com"]);
            assert.strictEqual(byName(run).get("A app.example.com")!.resource, "ingress/istio-ingress/app");
        });

        it("export every name and grant the sync exactly those names", () => {
            assert.deepStrictEqual([...(run.outputs.fqdns as string[])].sort(), ["app.example.com", "echo.example.com", "kubeopsview.example.com", "shop.example.com", "www.example.com"]);
            const policy = JSON.parse(run.outputs.dnsSyncPolicy as string);
            assert.ok(JSON.stringify(policy).includes("echo.example.com"), "the policy names the user's record");
        });
    });

    it("removing the annotation removes the records (the sync then deletes what it owns)", async () => {
        const run = await runDev(({ kubernetes }) => {
            new k8s.core.v1.Service("echo", { metadata: { name: "echo", namespace: "demo" }, spec: { type: "LoadBalancer", selector: { app: "echo" }, ports: [{ port: 80 }] } }, { provider: kubernetes });
        });
        assert.deepStrictEqual([...byName(run).keys()].sort(), ["A app.example.com", "A kubeopsview.example.com"]);
    });

    it("honours the target annotation: an IP gives a plain A record with the annotated TTL", async () => {
        const run = await runDev(echo("echo.example.com", "www.example.com", { "external-dns.alpha.kubernetes.io/target": "192.0.2.80" }));
        assert.deepStrictEqual(byName(run).get("A echo.example.com"), { name: "echo.example.com.", type: "A", ttl: 60, values: ["192.0.2.80"], resource: "service/demo/echo" });
    });

    it("refuses a user's hostname outside the domain, naming the object, before any record is written", async () => {
        await assert.rejects(runDev(echo("echo.example.org", "www.example.com")), (e: Error) => {
            assert.match(e.message, /service\/demo\/echo: external-dns\.alpha\.kubernetes\.io\/hostname "echo\.example\.org" is outside the domain example\.com/);
            return true;
        });
    });

    it("refuses one hostname claimed by two objects, naming both", async () => {
        await assert.rejects(runDev(echo("www.example.com", "www.example.com")), /ingress\/demo\/echo-web: .*"www\.example\.com" is already claimed by service\/demo\/echo/);
    });

    it("one hostname on two Services with their own set-identifier and aws-weight gives two weighted records (ExternalDNS #2245)", async () => {
        const P = "external-dns.alpha.kubernetes.io/";
        const svc = (name: string, setIdentifier: string, weight: string, kubernetes: Parameters<UserResources>[0]["kubernetes"]) =>
            new k8s.core.v1.Service(
                name,
                {
                    metadata: { name, namespace: "demo", annotations: { [H]: "shared.example.com", [`${P}set-identifier`]: setIdentifier, [`${P}aws-weight`]: weight } },
                    spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ port: 80 }] },
                },
                { provider: kubernetes },
            );
        const run = await runDev(({ kubernetes }) => {
            svc("echo-a", "a", "30", kubernetes);
            svc("echo-b", "b", "70", kubernetes);
        });
        const shared = syncRecords(run).filter((r) => r.name === "shared.example.com.");
        assert.deepStrictEqual(
            shared.map((r) => [r.resource, r.setIdentifier, r.weight, r.type, r.alias !== undefined]).sort(),
            [
                ["service/demo/echo-a", "a", 30, "A", true],
                ["service/demo/echo-b", "b", 70, "A", true],
            ],
        );
    });

    it("refuses one hostname on a weighted and a simple source, naming both", async () => {
        const weighted = { "external-dns.alpha.kubernetes.io/set-identifier": "x", "external-dns.alpha.kubernetes.io/aws-weight": "1" };
        await assert.rejects(runDev(echo("www.example.com", "www.example.com", weighted)), /ingress\/demo\/echo-web: .*"www\.example\.com" is already claimed by service\/demo\/echo; a name is either one simple record or routed records/);
    });

    it("dns.setIdentifier and dns.weight make the stack's hostnames weighted alias records (cluster canary); maxWeightStep reaches the sync", async () => {
        const run = await runDev(undefined, (c) => ({ ...c, dns: { ...c.dns, setIdentifier: "green", weight: 10, maxWeightStep: 20 } }));
        const records = syncRecords(run);
        assert.deepStrictEqual(
            records.map((r) => [strip(r.name), r.type, r.setIdentifier, r.weight, r.alias !== undefined]),
            [
                ["app.example.com", "A", "green", 10, true],
                ["kubeopsview.example.com", "A", "green", 10, true],
            ],
        );
        const sync = run.one("pulumi-nodejs:dynamic/eks-ingress-mesh:Route53RecordSync", "dns-records");
        assert.strictEqual(sync.inputs.maxWeightStep, 20);
        // synth's DNS plan shows the weighted records
        assert.match(dynamicPlanOf(sync)?.label ?? "", /A app\.example\.com \[green weight 10\] ← ingress\/istio-ingress\/app, A kubeopsview\.example\.com \[green weight 10\] ← /);
    });

    describe("kube-ops-view", () => {
        it("expose: ingress (default): a rule on the shared ALB and an alias to it", async () => {
            const run = await runDev();
            assert.ok(run.byType(INGRESS).some((i) => i.name === "ingress-kube-ops-view"));
            assert.deepStrictEqual(run.byType(SERVICE).filter((s) => s.inputs.spec?.type === "LoadBalancer"), []);
            assert.strictEqual(byName(run).get("A kubeopsview.example.com")!.resource, "ingress/kube-system/kube-ops-view");
        });

        it("expose: service: its own NLB (IP targets, port 8080, chart pods) aliased from the Service status; no ALB rule", async () => {
            const run = await runDev(undefined, (c) => ({ ...c, kubeOpsView: { ...c.kubeOpsView, expose: "service" } }));
            assert.ok(!run.byType(INGRESS).some((i) => i.name === "ingress-kube-ops-view"), "no Ingress for kube-ops-view");
            assert.deepStrictEqual(Object.keys(run.outputs.urls as object), ["app"]);
            const svc = run.one(SERVICE, "workloads-kube-ops-view-nlb");
            assert.strictEqual(svc.inputs.metadata.namespace, "kube-system");
            const a = svc.inputs.metadata.annotations;
            assert.strictEqual(a["service.beta.kubernetes.io/aws-load-balancer-type"], "external");
            assert.strictEqual(a["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"], "ip");
            assert.strictEqual(a["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internet-facing");
            assert.strictEqual(a[H], "kubeopsview.example.com");
            assert.strictEqual(svc.inputs.spec.type, "LoadBalancer");
            assert.deepStrictEqual(svc.inputs.spec.ports, [{ name: "http", port: 8080, targetPort: 8080, protocol: "TCP" }]);
            assert.deepStrictEqual(svc.inputs.spec.selector, { "app.kubernetes.io/name": "kube-ops-view", "app.kubernetes.io/instance": "kube-ops-view" });
            const rec = byName(run).get("A kubeopsview.example.com")!;
            assert.strictEqual(strip(rec.alias!.dnsName), svc.state.status.loadBalancer.ingress[0].hostname);
            assert.strictEqual(rec.alias!.hostedZoneId, "ZIBE1TIR4HY56", "NLB zone, not the ALB's");
            assert.strictEqual(rec.resource, "service/kube-system/kube-ops-view-nlb");
        });
    });

    describe("static records (dns.records)", () => {
        const verification = { name: "_amazonses.example.com", type: "TXT", values: ["pmBGN/7MjnfhTKUZ06Enqq1PeGUaOkw8lGhcfwefcHU="] };

        it("are synced beside the sourced ones, owned and marked config/dns.records", async () => {
            const run = await runDev(undefined, (c) => ({ ...c, dns: { ...c.dns, records: [verification, { name: "mail", type: "A", ttl: 600, values: ["192.0.2.25"] }] } }));
            const records = byName(run);
            assert.deepStrictEqual(records.get("TXT _amazonses.example.com"), { name: "_amazonses.example.com.", type: "TXT", ttl: 300, values: ['"pmBGN/7MjnfhTKUZ06Enqq1PeGUaOkw8lGhcfwefcHU="'], resource: "config/dns.records" });
            assert.deepStrictEqual(records.get("A mail.example.com"), { name: "mail.example.com.", type: "A", ttl: 600, values: ["192.0.2.25"], resource: "config/dns.records" });
            assert.ok(records.has("A app.example.com"));
        });

        it("are refused in config by the sync's own rules, naming dns.records[i] and the rule", async () => {
            const bad = [verification, { name: "example.com", type: "CNAME", values: ["elsewhere.example.net"] }];
            await assert.rejects(runDev(undefined, (c) => ({ ...c, dns: { ...c.dns, records: bad } })), /dns\.records: dns\.records\[1\] \(example\.com\. CNAME\): a CNAME is not allowed at the zone apex/);
            await assert.rejects(runDev(undefined, (c) => ({ ...c, dns: { ...c.dns, records: [{ name: "x", type: "MX", values: ["10 mx"] }] } })), /dns\.records: must be a list of \{ name, type: A\|AAAA\|CNAME\|TXT/);
        });
    });
});
