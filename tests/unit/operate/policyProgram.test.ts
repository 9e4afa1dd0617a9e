/**
 * The policy pack over real runs of the program (index.ts under the project's
 * mocks, policy/offline.ts): every stack file passes every rule, and a
 * mutated config or program fails exactly the rule it breaks, naming the
 * offending resource.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { evaluateProgram, OfflineRun } from "../../../policy/offline";
import { readStackConfigFile, stackNames } from "../../../synth/stackFiles";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const program = require("../../../index") as () => Promise<Record<string, unknown>>;

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

function devConfig(): Record<string, unknown> {
    return readStackConfigFile("dev").config;
}

function withConfig(config: Record<string, unknown>, key: string, patch: Record<string, unknown>): Record<string, unknown> {
    return { ...config, [key]: { ...(config[key] as Record<string, unknown>), ...patch } };
}

function rulesFailed(result: OfflineRun): string[] {
    return [...new Set(result.evaluation.findings.map((f) => f.policy))].sort();
}

function subjects(result: OfflineRun, predicate: (type: string) => boolean): string[] {
    return result.resources.filter((r) => predicate(r.type)).map((r) => r.urn);
}

describe("operate: policy pack over program runs", () => {
    for (const stack of stackNames()) {
        it(`stack ${stack} passes every rule, each with something to check`, async () => {
            const { config, secretKeys } = readStackConfigFile(stack);
            const result = await evaluateProgram(program, { stack, config, secretKeys });
            assert.deepStrictEqual(result.evaluation.findings, []);
            assert.deepStrictEqual(result.evaluation.notApplicable, {}, "secret markers survive the offline run, so every rule applies");
            // Not vacuous: the run holds what each rule inspects.
            assert.ok(subjects(result, (t) => t === INGRESS).length >= 1, "ALB Ingresses");
            assert.ok(subjects(result, (t) => t.endsWith(":TrafficSplit")).length === 1, "the TrafficSplit");
            assert.ok(subjects(result, (t) => t.endsWith(":PeerAuthentication")).length === 1, "the PeerAuthentication");
            assert.ok(subjects(result, (t) => t.endsWith(":Route53RecordSync")).length === 1, "the Route53RecordSync");
            const stackResource = result.resources.find((r) => r.type === "pulumi:pulumi:Stack");
            assert.ok(stackResource && "kubeconfig" in stackResource.props, "the stack's outputs, kubeconfig among them");
        });
    }

    it("prod with mesh.mtls PERMISSIVE fails prod-mtls-strict only, naming the PeerAuthentication", async () => {
        const config = withConfig(devConfig(), "mesh", { mtls: "PERMISSIVE" });
        const result = await evaluateProgram(program, { stack: "prod", config });
        assert.deepStrictEqual(rulesFailed(result), ["prod-mtls-strict"]);
        const [finding] = result.evaluation.findings;
        assert.strictEqual(finding.urn, "urn:pulumi:prod::eks-ingress-mesh::kubernetes:security.istio.io/v1:PeerAuthentication::mesh-peer-authentication");
        assert.match(finding.message, /^\[prod-mtls-strict\] kubernetes:security\.istio\.io\/v1:PeerAuthentication "mesh-peer-authentication" .*got "PERMISSIVE"$/);
        // The same config on a non-production stack passes.
        const dev = await evaluateProgram(program, { stack: "dev", config });
        assert.deepStrictEqual(dev.evaluation.findings, []);
    });

    it("prod with canary.force raising the weight to 50 fails prod-canary-max-step only, naming the TrafficSplit", async () => {
        const config = withConfig(devConfig(), "canary", { weight: 50, force: true });
        const result = await evaluateProgram(program, { stack: "prod", config });
        assert.deepStrictEqual(rulesFailed(result), ["prod-canary-max-step"]);
        assert.match(result.evaluation.findings[0].message, /^\[prod-canary-max-step\] pulumi-nodejs:dynamic\/eks-ingress-mesh:TrafficSplit "mesh-traffic-split" \(urn:pulumi:prod::/);
    });

    it('dns.ownerId "default" fails record-sync-owner-id only, naming the Route53RecordSync', async () => {
        const config = withConfig(devConfig(), "dns", { ownerId: "default" });
        const result = await evaluateProgram(program, { stack: "dev", config });
        assert.deepStrictEqual(rulesFailed(result), ["record-sync-owner-id"]);
        assert.match(result.evaluation.findings[0].message, /Route53RecordSync "dns-records" .*ExternalDNS's default owner/);
    });

    it("a program whose Ingresses lose target-type ip fails alb-ingress-target-type-ip for each of them", async () => {
        const instanceMode = () => {
            pulumi.runtime.registerStackTransformation((args) => {
                if (args.type !== INGRESS) {
                    return undefined;
                }
                const metadata = args.props.metadata as pulumi.Unwrap<{ annotations: Record<string, string> }>;
                const annotations = { ...metadata.annotations, "alb.ingress.kubernetes.io/target-type": "instance" };
                return { props: { ...args.props, metadata: { ...metadata, annotations } }, opts: args.opts };
            });
            return program();
        };
        const result = await evaluateProgram(instanceMode, { stack: "dev", config: devConfig() });
        assert.deepStrictEqual(rulesFailed(result), ["alb-ingress-target-type-ip"]);
        assert.deepStrictEqual(
            result.evaluation.findings.map((f) => f.urn).sort(),
            subjects(result, (t) => t === INGRESS).sort(),
            "one finding per Ingress",
        );
    });

    describe("no-plaintext-secrets with an existing cluster's kubeconfig (a static token)", () => {
        const kubeconfig = [
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: c, cluster: {server: 'https://10.0.0.1'}}]",
            "users:",
            "- name: ci",
            "  user:",
            "    token: policy-sentinel-token",
            "contexts: [{name: c, context: {cluster: c, user: ci}}]",
            "current-context: c",
        ].join("\n");
        const config = () => withConfig(devConfig(), "cluster", { kubeconfig });

        it("passes when the kubeconfig stays secret everywhere (config, provider, TrafficSplit, outputs)", async () => {
            const result = await evaluateProgram(program, { stack: "dev", config: config(), secretKeys: ["cluster"] });
            assert.deepStrictEqual(result.evaluation.findings, []);
        });

        it("fails when the program exports it unsecret, naming the stack", async () => {
            const leaky = async () => {
                const outputs = await program();
                return { ...outputs, kubeconfigPlain: pulumi.unsecret(outputs.kubeconfig as pulumi.Output<string>) };
            };
            const result = await evaluateProgram(leaky, { stack: "dev", config: config(), secretKeys: ["cluster"] });
            assert.deepStrictEqual(rulesFailed(result), ["no-plaintext-secrets"]);
            assert.deepStrictEqual(
                result.evaluation.findings.map((f) => f.message),
                [
                    '[no-plaintext-secrets] pulumi:pulumi:Stack "eks-ingress-mesh-dev" (urn:pulumi:dev::eks-ingress-mesh::pulumi:pulumi:Stack::eks-ingress-mesh-dev): ' +
                        "property kubeconfigPlain holds a credential in plain text; make it a secret (pulumi.secret, or additionalSecretOutputs)",
                ],
            );
        });
    });
});
