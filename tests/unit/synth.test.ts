import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { projectRoot } from "../../synth/stackFiles";
import * as k8s from "@pulumi/kubernetes";
import { redact, writeSynthOutput } from "../../synth/output";
import { runUnderMocks } from "../../synth/mockCloud";

function synth(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/synth.ts", ...args], {
        cwd: projectRoot,
        encoding: "utf8",
        env: { ...process.env, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "" },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe("offline synth", function () {
    this.timeout(120_000);
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eim-synth-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    describe("the dev stack", () => {
        let result: ReturnType<typeof synth>;
        let out: string;
        before(() => {
            out = path.join(tmp, "dev");
            result = synth(["--stack", "dev", "--out", out]);
        });

        it("exits 0 and prints the tree with the cluster, node group, VPC and subnets", () => {
            assert.strictEqual(result.status, 0, result.stderr);
            for (const line of [
                "eks-ingress-mesh:index:Cluster  cluster",
                "eks:index:Cluster  cluster-eks",
                "eks:index:ManagedNodeGroup  cluster-nodes",
                "aws:ec2/vpc:Vpc  cluster-network-vpc",
                "aws:ec2/subnet:Subnet  cluster-network-public-0",
                "aws:ec2/subnet:Subnet  cluster-network-private-1",
            ]) {
                assert.ok(result.stdout.includes(line), `tree lists ${line}`);
            }
            assert.match(result.stdout, /│ {2}├─ aws:ec2\/subnet:Subnet/, "subnets are drawn under their parent");
        });

        it("lists the edge, workloads and the DNS sync with its two records", () => {
            for (const pattern of [
                /kubernetes:helm\.sh\/v3:Release {2}ingress-controller {2}\(chart aws-load-balancer-controller 1\.13\.4\)/,
                /kubernetes:networking\.k8s\.io\/v1:IngressClass {2}ingress-class/,
                /kubernetes:networking\.k8s\.io\/v1:Ingress {2}ingress-app/,
                /kubernetes:networking\.k8s\.io\/v1:Ingress {2}ingress-kube-ops-view/,
                /kubernetes:helm\.sh\/v3:Release {2}workloads-kube-ops-view {2}\(chart kube-ops-view 1\.2\.2\)/,
                /kubernetes:apps\/v1:Deployment {2}workloads-app-stable/,
                /kubernetes:apps\/v1:Deployment {2}workloads-app-canary/,
                /Route53RecordSync {2}dns-records {2}\(2 records in example\.com: A app\.example\.com ← ingress\/istio-ingress\/app, A kubeopsview\.example\.com ← ingress\/kube-system\/kube-ops-view\)/,
                /TrafficSplit {2}mesh-traffic-split {2}\(VirtualService demo\/app: stable 99% \/ canary 1%\)/,
            ]) {
                assert.match(result.stdout, pattern);
            }
        });

        it("writes resources.json with every resource and its parent", () => {
            const resources = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8"));
            const vpc = resources.find((r: { type: string }) => r.type === "aws:ec2/vpc:Vpc");
            assert.strictEqual(vpc.parent, "eks-ingress-mesh:index:Network::cluster-network");
            assert.strictEqual(vpc.inputs.cidrBlock, "10.20.0.0/16");
        });

        it("writes no secret into out/ (the kubeconfig is redacted)", () => {
            for (const file of filesUnder(out)) {
                const text = fs.readFileSync(file, "utf8");
                assert.ok(!text.includes("get-token"), `${file} contains the kubeconfig`);
            }
            const outputs = JSON.parse(fs.readFileSync(path.join(out, "outputs.json"), "utf8"));
            assert.strictEqual(outputs.kubeconfig, "[secret]");
        });

        it("writes every layer's Kubernetes objects and Helm releases as YAML", () => {
            const files = fs.readdirSync(path.join(out, "manifests")).sort();
            for (const expected of [
                "virtualservice-demo-app.yaml",
                "destinationrule-demo-app.yaml",
                "gateway-istio-ingress-app-gateway.yaml",
                "peerauthentication-demo-default.yaml",
                "envoyfilter-demo-app-local-ratelimit.yaml",
                "ingress-istio-ingress-app.yaml",
                "ingress-kube-system-kube-ops-view.yaml",
                "ingressclass-alb.yaml",
                "deployment-demo-app-stable.yaml",
                "deployment-demo-app-canary.yaml",
                "service-demo-app.yaml",
                "helmrelease-kube-system-aws-load-balancer-controller.yaml",
                "helmrelease-kube-system-kube-ops-view.yaml",
                "helmrelease-istio-system-istiod.yaml",
            ]) {
                assert.ok(files.includes(expected), `manifests/${expected} (have: ${files.join(", ")})`);
            }
            for (const file of files) {
                const doc = yaml.load(fs.readFileSync(path.join(out, "manifests", file), "utf8")) as { kind?: string };
                assert.ok(doc.kind, `${file} has a kind`);
            }
            assert.match(result.stdout, /\d+ resources; \d+ manifests validated/);
        });

        it("writes the traffic weights and the DNS record plan (records with their TXT markers, one batch)", () => {
            const traffic = JSON.parse(fs.readFileSync(path.join(out, "mesh-traffic-split.plan.json"), "utf8"));
            assert.deepStrictEqual(traffic.weights, { stable: 99, canary: 1 });
            const dns = JSON.parse(fs.readFileSync(path.join(out, "dns-records.plan.json"), "utf8"));
            assert.strictEqual(dns.batches.length, 1);
            const names = dns.batches[0].map((c: { rrset: { Name: string; Type: string } }) => `${c.rrset.Type} ${c.rrset.Name}`).sort();
            assert.deepStrictEqual(names, ["A app.example.com.", "A kubeopsview.example.com.", "TXT a-app.example.com.", "TXT a-kubeopsview.example.com."]);
        });
    });

    describe("a bad config", () => {
        it("exits 1 naming desiredNodes, weight and domain, without a stack trace", () => {
            const dev = fs.readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8");
            const bad = dev
                .replace("desiredNodes: 3", "desiredNodes: 9")
                .replace(/(canary:\n\s+weight:) 1/, "$1 150")
                .replace("eks-ingress-mesh:domain: example.com", "eks-ingress-mesh:domain: exa mple.com");
            assert.notStrictEqual(bad, dev);
            fs.writeFileSync(path.join(tmp, "Pulumi.bad.yaml"), bad);
            const result = synth(["--stack", "bad", "--stack-dir", tmp, "--out", path.join(tmp, "bad")]);
            assert.strictEqual(result.status, 1);
            assert.match(result.stderr, /cluster\.desiredNodes: must be between cluster\.minNodes \(2\) and cluster\.maxNodes \(5\); got 9/);
            assert.match(result.stderr, /canary\.weight: must be an integer from 0 to 100 \(the stable subset gets 100 - weight\); got 150/);
            assert.match(result.stderr, /domain: must be a DNS name.*got "exa mple\.com"/);
            assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
            assert.strictEqual(fs.existsSync(path.join(tmp, "bad")), false, "nothing is written");
        });

        it("exits 1 on a policy violation, naming the policy and the resource", () => {
            const dev = fs.readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8");
            const prod = dev.replace("mtls: STRICT", "mtls: PERMISSIVE");
            assert.notStrictEqual(prod, dev);
            fs.writeFileSync(path.join(tmp, "Pulumi.prod.yaml"), prod);
            const result = synth(["--stack", "prod", "--stack-dir", tmp, "--out", path.join(tmp, "prod")]);
            assert.strictEqual(result.status, 1, result.stdout);
            assert.match(result.stderr, /policy pack: 1 violation/);
            assert.match(result.stderr, /PeerAuthentication/);
            assert.match(result.stderr, /STRICT/);
        });

        it("names a missing stack file", () => {
            const result = synth(["--stack", "nope", "--stack-dir", tmp]);
            assert.strictEqual(result.status, 1);
            assert.match(result.stderr, /no stack file .*Pulumi\.nope\.yaml/);
        });
    });

    describe("redaction", () => {
        it("redacts values that were secret, at any depth, not fields whose names look like one", () => {
            const value = { a: { kubeconfig: "x" }, b: ["prefix-s3cr3t-value-suffix"], c: "plain", token_bucket: { max_tokens: 100 } };
            assert.deepStrictEqual(redact(value, ["s3cr3t-value"]), { a: { kubeconfig: "x" }, b: ["[secret]"], c: "plain", token_bucket: { max_tokens: 100 } });
        });

        it("shows the EnvoyFilter's token bucket (a rate limit, not a token)", () => {
            const filter = yaml.load(fs.readFileSync(path.join(tmp, "dev", "manifests", "envoyfilter-demo-app-local-ratelimit.yaml"), "utf8")) as Record<string, any>;
            const value = filter.spec.configPatches[0].patch.value.typed_config.value;
            assert.deepStrictEqual(value.token_bucket, { max_tokens: 100, tokens_per_fill: 50, fill_interval: "1s" });
        });
    });
});

describe("offline synth: one Kubernetes object per identity", () => {
    it("fails naming both resources when two declare the same object, and writes nothing", async () => {
        const run = await runUnderMocks(() => {
            new k8s.core.v1.Namespace("first", { metadata: { name: "istio-ingress" } });
            new k8s.core.v1.Namespace("second", { metadata: { name: "istio-ingress" } });
            new k8s.core.v1.ConfigMap("same-name-other-kind", { metadata: { name: "istio-ingress", namespace: "demo" } });
        }, { config: {} });
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "eim-dup-"));
        fs.rmSync(out, { recursive: true });
        assert.throws(
            () => writeSynthOutput(run, out),
            (e: Error) =>
                e.message.includes('Namespace.core istio-ingress is declared by both kubernetes:core/v1:Namespace "first" and kubernetes:core/v1:Namespace "second"') &&
                !e.message.includes("same-name-other-kind"),
        );
        assert.strictEqual(fs.existsSync(out), false, "nothing written");
    });
});
