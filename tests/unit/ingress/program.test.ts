/**
 * The edge through the whole program (index.ts) under mocks: every host gets
 * an Ingress on the shared ALB and an alias record to that ALB.
 */
import * as assert from "assert";
import { ProgramRun, runUnderMocks } from "../../../synth/mockCloud";
import { readStackConfigFile } from "../../../synth/stackFiles";
import program from "../../../index";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

interface SyncRecord {
    name: string;
    type: string;
    alias?: { dnsName: string; hostedZoneId?: string };
    resource?: string;
}

function syncRecords(run: ProgramRun): SyncRecord[] {
    const syncs = run.resources.filter((r) => r.name === "dns-records");
    assert.strictEqual(syncs.length, 1, "one Route53RecordSync");
    return syncs[0].inputs.records as SyncRecord[];
}

function albOf(run: ProgramRun, name: string): string {
    return run.one(INGRESS, name).state.status.loadBalancer.ingress[0].hostname;
}

const strip = (s: string) => s.replace(/\.$/, "");

describe("ingress through the whole program (index.ts under mocks)", function () {
    this.timeout(120_000);

    describe("dev stack", () => {
        let run: ProgramRun;
        before(async () => {
            const { config, secretKeys } = readStackConfigFile("dev");
            run = await runUnderMocks(program, { stack: "dev", config, secretKeys });
        });

        it("aliases both hosts to the one ALB named in the Ingresses' status", () => {
            const alb = albOf(run, "ingress-app");
            assert.strictEqual(albOf(run, "ingress-kube-ops-view"), alb, "both Ingresses share one ALB");
            const byHost = new Map(syncRecords(run).map((r) => [strip(r.name), r]));
            for (const [host, resource] of [
                ["app.example.com", "ingress/istio-ingress/app"],
                ["kubeopsview.example.com", "ingress/kube-system/kube-ops-view"],
            ]) {
                const rec = byHost.get(host);
                assert.ok(rec, `a record for ${host}: ${[...byHost.keys()]}`);
                assert.strictEqual(rec.type, "A");
                assert.strictEqual(strip(rec.alias!.dnsName), alb, `${host} aliases the ALB`);
                assert.strictEqual(rec.resource, resource);
            }
        });

        it("routes the app host to the mesh's gateway Service and kube-ops-view to its chart's Service", () => {
            const app = run.one(INGRESS, "ingress-app").inputs;
            const kov = run.one(INGRESS, "ingress-kube-ops-view").inputs;
            assert.deepStrictEqual([app.metadata.namespace, app.spec.rules[0].http.paths[0].backend.service], ["istio-ingress", { name: "istio-ingressgateway", port: { number: 80 } }]);
            assert.deepStrictEqual([kov.metadata.namespace, kov.spec.rules[0].http.paths[0].backend.service], ["kube-system", { name: "kube-ops-view", port: { number: 8080 } }]);
            for (const i of [app, kov]) {
                assert.strictEqual(i.metadata.annotations["alb.ingress.kubernetes.io/group.name"], "eks-ingress-mesh-dev");
                assert.strictEqual(i.metadata.annotations["alb.ingress.kubernetes.io/target-type"], "ip");
            }
        });

        it("gives the controller an IRSA role trusted by the new cluster's OIDC provider, and the cluster's VPC", () => {
            const release = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "aws-load-balancer-controller")!;
            assert.strictEqual(release.inputs.values.clusterName, "eim-dev");
            assert.match(release.inputs.values.vpcId, /^vpc-/);
            const role = run.byType("aws:iam/role:Role").find((r) => r.state.arn === release.inputs.values.serviceAccount.annotations["eks.amazonaws.com/role-arn"]);
            assert.ok(role, "the annotated role exists");
            const trust = JSON.parse(role.inputs.assumeRolePolicy);
            const eks = run.one("eks:index:Cluster");
            assert.strictEqual(trust.Statement[0].Principal.Federated, eks.state.oidcProviderArn);
            assert.strictEqual(trust.Statement[0].Condition.StringEquals[`${eks.state.oidcIssuer}:sub`], "system:serviceaccount:kube-system:aws-load-balancer-controller");
        });

        it("exports a URL per host", () => {
            assert.deepStrictEqual(run.outputs.urls, { app: "http://app.example.com/", "kube-ops-view": "http://kubeopsview.example.com/" });
        });
    });

    it("with kube-ops-view disabled: no chart, no Ingress and no record for it", async () => {
        const { config, secretKeys } = readStackConfigFile("dev");
        const kubeOpsView = { ...(config.kubeOpsView as object), enabled: false };
        const run = await runUnderMocks(program, { stack: "dev", config: { ...config, kubeOpsView }, secretKeys });
        assert.deepStrictEqual(
            run.byType("kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "kube-ops-view"),
            [],
        );
        assert.deepStrictEqual(run.byType(INGRESS).map((i) => i.name), ["ingress-app"]);
        assert.deepStrictEqual(syncRecords(run).map((r) => strip(r.name)), ["app.example.com"]);
    });

    it("on an existing cluster (cluster.kubeconfig): the controller without IRSA and without a VPC id, hosts still aliased", async () => {
        const { config, secretKeys } = readStackConfigFile("dev");
        const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://10.0.0.1'}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {}}]\n";
        const cluster = { ...(config.cluster as object), kubeconfig };
        const run = await runUnderMocks(program, { stack: "dev", config: { ...config, cluster }, secretKeys: [...secretKeys, "cluster"] });
        assert.deepStrictEqual(run.byType("eks-ingress-mesh:index:IrsaRole"), []);
        const values = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "aws-load-balancer-controller")!.inputs.values;
        assert.deepStrictEqual(values.serviceAccount.annotations, {});
        assert.strictEqual(values.vpcId, undefined);
        assert.deepStrictEqual(syncRecords(run).map((r) => strip(r.name)).sort(), ["app.example.com", "kubeopsview.example.com"]);
    });
});
