/**
 * The policy pack's rules with plain objects: each rule passes its good
 * example and fails its bad one, through the registered policy's own
 * `validateResource` / `validateStack` (arguments shaped like the ones
 * @pulumi/policy builds), and every message names the rule and the resource.
 */
import * as assert from "assert";
import { ReportViolation, ResourceValidationPolicy, Secret, StackValidationPolicy } from "@pulumi/policy";
import { EvaluatedResource, resourceArgs, stackArgs } from "../../../policy/evaluate";
import { albIngressTargetTypeIp, noPlaintextSecrets, policies, prodCanaryMaxStep, prodMtlsStrict, recordSyncOwnerId } from "../../../policy/policies";
import { kubeconfigHasCredentials } from "../../../policy/rules/plaintextSecrets";
import { isProductionStack, stackOfUrn } from "../../../policy/rules/subject";

function resource(stack: string, type: string, name: string, props: Record<string, unknown>, extra: Partial<EvaluatedResource> = {}): EvaluatedResource {
    return { type, name, urn: `urn:pulumi:${stack}::eks-ingress-mesh::${type}::${name}`, props, ...extra };
}

/** Messages `policy.validateResource` reports for one resource. */
async function validate(policy: ResourceValidationPolicy, subject: EvaluatedResource): Promise<string[]> {
    const messages: string[] = [];
    const report: ReportViolation = (message) => messages.push(message);
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    for (const v of validations) {
        await v(resourceArgs(subject), report);
    }
    return messages;
}

async function validateStack(policy: StackValidationPolicy, resources: EvaluatedResource[]): Promise<Array<{ message: string; urn?: string }>> {
    const found: Array<{ message: string; urn?: string }> = [];
    await policy.validateStack(stackArgs(resources), (message, urn) => found.push({ message, urn }));
    return found;
}

function assertNames(message: string, rule: string, subject: EvaluatedResource): void {
    assert.ok(message.includes(`[${rule}]`), `names the rule ${rule}: ${message}`);
    assert.ok(message.includes(subject.type) && message.includes(`"${subject.name}"`) && message.includes(subject.urn), `names the resource: ${message}`);
}

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const PEER_AUTH = "kubernetes:security.istio.io/v1:PeerAuthentication";
const TRAFFIC_SPLIT = "pulumi-nodejs:dynamic/eks-ingress-mesh:TrafficSplit";
const RECORD_SYNC = "pulumi-nodejs:dynamic/eks-ingress-mesh:Route53RecordSync";

function ingress(annotations: Record<string, string>, className?: string): Record<string, unknown> {
    return {
        metadata: { name: "app", namespace: "istio-ingress", annotations },
        spec: { ...(className ? { ingressClassName: className } : {}), rules: [{ host: "app.example.com" }] },
    };
}

function split(props: Record<string, unknown>): Record<string, unknown> {
    return { kubeconfig: new Secret("{}"), namespace: "demo", name: "app", hosts: ["app.example.com"], destination: "app.demo.svc.cluster.local", canaryWeight: 10, maxStep: 10, force: false, ...props };
}

describe("operate: policy rules", () => {
    it("the pack registers five uniquely named mandatory policies with descriptions", () => {
        assert.deepStrictEqual(
            policies.map((p) => p.name),
            ["alb-ingress-target-type-ip", "prod-canary-max-step", "prod-mtls-strict", "record-sync-owner-id", "no-plaintext-secrets"],
        );
        for (const p of policies) {
            assert.strictEqual(p.enforcementLevel, "mandatory", p.name);
            assert.ok(p.description.length > 20, p.name);
            assert.match(p.name, /^[a-z0-9-]+$/);
        }
    });

    it("reads the stack from a URN and recognises production stacks", () => {
        assert.strictEqual(stackOfUrn("urn:pulumi:prod::eks-ingress-mesh::kubernetes:core/v1:Namespace::ns"), "prod");
        assert.strictEqual(stackOfUrn("not-a-urn"), undefined);
        for (const s of ["prod", "production", "prod-eu", "eu-prod", "PROD"]) {
            assert.ok(isProductionStack(s), s);
        }
        for (const s of ["dev", "staging", "products", "preprod", undefined]) {
            assert.ok(!isProductionStack(s), String(s));
        }
    });

    describe(albIngressTargetTypeIp.name, () => {
        it("passes an ALB Ingress with target-type ip, and Ingresses of other classes", async () => {
            assert.deepStrictEqual(await validate(albIngressTargetTypeIp, resource("dev", INGRESS, "ingress-app", ingress({ "alb.ingress.kubernetes.io/target-type": "ip" }, "alb"))), []);
            assert.deepStrictEqual(await validate(albIngressTargetTypeIp, resource("dev", INGRESS, "nginx", ingress({}, "nginx"))), []);
            assert.deepStrictEqual(await validate(albIngressTargetTypeIp, resource("dev", "kubernetes:core/v1:Service", "svc", ingress({}, "alb"))), []);
        });

        it("fails an ALB Ingress in instance mode, or without the annotation, by class name or legacy annotation", async () => {
            const instance = resource("dev", INGRESS, "ingress-app", ingress({ "alb.ingress.kubernetes.io/target-type": "instance" }, "alb"));
            const [message] = await validate(albIngressTargetTypeIp, instance);
            assertNames(message, "alb-ingress-target-type-ip", instance);
            assert.match(message, /target-type: "ip"; got "instance"/);

            const legacy = resource("dev", INGRESS, "legacy", ingress({ "kubernetes.io/ingress.class": "alb" }));
            const [missing] = await validate(albIngressTargetTypeIp, legacy);
            assertNames(missing, "alb-ingress-target-type-ip", legacy);
            assert.match(missing, /no annotation \(the controller then defaults to instance\)/);
        });
    });

    describe(prodMtlsStrict.name, () => {
        const pa = (stack: string, spec: Record<string, unknown>) => resource(stack, PEER_AUTH, "mesh-peer-authentication", { metadata: { name: "default", namespace: "demo" }, spec });

        it("passes STRICT on prod, and PERMISSIVE on other stacks", async () => {
            assert.deepStrictEqual(await validate(prodMtlsStrict, pa("prod", { mtls: { mode: "STRICT" } })), []);
            assert.deepStrictEqual(await validate(prodMtlsStrict, pa("dev", { mtls: { mode: "PERMISSIVE" } })), []);
        });

        it("fails PERMISSIVE, a missing mode, or a relaxed port on prod", async () => {
            const permissive = pa("prod", { mtls: { mode: "PERMISSIVE" } });
            const [message] = await validate(prodMtlsStrict, permissive);
            assertNames(message, "prod-mtls-strict", permissive);
            assert.match(message, /spec\.mtls\.mode must be "STRICT" \(set mesh\.mtls: STRICT\); got "PERMISSIVE"/);

            assert.match((await validate(prodMtlsStrict, pa("prod-eu", {})))[0], /got nothing/);
            const port = await validate(prodMtlsStrict, pa("prod", { mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "DISABLE" } } }));
            assert.strictEqual(port.length, 1);
            assert.match(port[0], /portLevelMtls\["8080"\]\.mode must be "STRICT"; got "DISABLE"/);
        });
    });

    describe(prodCanaryMaxStep.name, () => {
        it("passes steps within maxStep on prod, a forced rollback to 0, and anything on other stacks", async () => {
            assert.deepStrictEqual(await validate(prodCanaryMaxStep, resource("prod", TRAFFIC_SPLIT, "mesh-traffic-split", split({ canaryWeight: 20, previousCanaryWeight: 10, appliedCanaryWeight: 20 }))), []);
            assert.deepStrictEqual(await validate(prodCanaryMaxStep, resource("prod", TRAFFIC_SPLIT, "mesh-traffic-split", split({ canaryWeight: 0, force: true }))), []);
            // Lowering by more than maxStep is a rollback, not a raise.
            assert.deepStrictEqual(await validate(prodCanaryMaxStep, resource("prod", TRAFFIC_SPLIT, "mesh-traffic-split", split({ canaryWeight: 0, previousCanaryWeight: 50 }))), []);
            assert.deepStrictEqual(await validate(prodCanaryMaxStep, resource("dev", TRAFFIC_SPLIT, "mesh-traffic-split", split({ canaryWeight: 100, force: true, previousCanaryWeight: 0 }))), []);
        });

        it("fails a forced non-zero weight on prod", async () => {
            const forced = resource("prod", TRAFFIC_SPLIT, "mesh-traffic-split", split({ canaryWeight: 50, force: true }));
            const [message] = await validate(prodCanaryMaxStep, forced);
            assertNames(message, "prod-canary-max-step", forced);
            assert.match(message, /canary\.force may only roll the canary back to 0; got canary\.weight 50/);
        });

        it("fails a raise larger than maxStep on prod, identifying a plain dynamic resource by its inputs", async () => {
            const raised = resource("prod", "pulumi-nodejs:dynamic:Resource", "split", split({ canaryWeight: 40, appliedCanaryWeight: 40, previousCanaryWeight: 10, maxStep: 25 }));
            const [message] = await validate(prodCanaryMaxStep, raised);
            assertNames(message, "prod-canary-max-step", raised);
            assert.match(message, /rise by at most canary\.maxStep \(25\) per update; it rose from 10 to 40 \(a step of 30\)/);
            // maxStep defaults to 100 like the provider's, so without it only the force rule applies.
            assert.deepStrictEqual(await validate(prodCanaryMaxStep, resource("prod", TRAFFIC_SPLIT, "s", split({ canaryWeight: 90, maxStep: undefined, previousCanaryWeight: 0 }))), []);
        });
    });

    describe(recordSyncOwnerId.name, () => {
        const sync = (ownerId: unknown) => resource("dev", RECORD_SYNC, "dns-records", { zoneName: "example.com", ownerId, records: [] });

        it("passes a stack-specific owner id", async () => {
            assert.deepStrictEqual(await validate(recordSyncOwnerId, sync("eks-ingress-mesh-dev")), []);
        });

        it("fails an empty, blank or missing owner id, and ExternalDNS's default", async () => {
            for (const bad of ["", "   ", undefined]) {
                const subject = sync(bad);
                const [message] = await validate(recordSyncOwnerId, subject);
                assertNames(message, "record-sync-owner-id", subject);
                assert.match(message, /ownerId must be a non-empty TXT registry owner id \(dns\.ownerId\)/);
            }
            const [shared] = await validate(recordSyncOwnerId, resource("dev", "pulumi-nodejs:dynamic:Resource", "records", { zoneName: "example.com", ownerId: "default", records: [] }));
            assert.match(shared, /ExternalDNS's default owner/);
        });
    });

    describe(noPlaintextSecrets.name, () => {
        const tokenKubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token: sentinel-token-123\n";
        const execKubeconfig = JSON.stringify({ users: [{ name: "aws", user: { exec: { command: "aws", args: ["eks", "get-token", "--cluster-name", "c"] } } }] });
        const stack = (props: Record<string, unknown>) => resource("dev", "pulumi:pulumi:Stack", "eks-ingress-mesh-dev", props);

        it("tells kubeconfigs that embed credentials from exec-only ones", () => {
            assert.ok(kubeconfigHasCredentials(tokenKubeconfig));
            assert.ok(kubeconfigHasCredentials({ users: [{ user: { "client-key-data": "LS0t" } }] }));
            assert.ok(kubeconfigHasCredentials('{"users":[{"user":{"auth-provider":{"config":{"id-token":"x"}}}}]}'));
            assert.ok(!kubeconfigHasCredentials(execKubeconfig));
            assert.ok(!kubeconfigHasCredentials("users:\n- user:\n    token: \n"));
        });

        it("passes secret credentials, exec-only kubeconfigs, references and non-credential fields", async () => {
            const resources = [
                stack({ kubeconfig: new Secret(tokenKubeconfig), clusterName: "eim-dev" }),
                resource("dev", "eks:index:Cluster", "cluster-eks", { kubeconfig: JSON.parse(execKubeconfig), kubeconfigJson: execKubeconfig }),
                resource("dev", "kubernetes:core/v1:Secret", "creds", { data: new Secret({ password: "cGFzcw==" }), stringData: {} }),
                resource("dev", "kubernetes:core/v1:Secret", "listed", { data: { token: "dG9r" } }, { additionalSecretOutputs: ["data"] }),
                resource("dev", "kubernetes:helm.sh/v3:Release", "chart", {
                    values: { tls: { secretName: "app-tls" }, rateLimit: { maxTokens: 100 }, automountServiceAccountToken: true, auth: new Secret({ password: "x" }) },
                }),
            ];
            assert.deepStrictEqual(await validateStack(noPlaintextSecrets, resources), []);
        });

        it("fails a plaintext kubeconfig output, a nested password and a Kubernetes Secret with plain data, naming each resource", async () => {
            const leakyStack = stack({ kubeconfig: tokenKubeconfig, marker: new Secret("m") });
            const chart = resource("dev", "kubernetes:helm.sh/v3:Release", "grafana", { values: { adminPassword: "hunter2", env: [{ apiToken: "t" }] } });
            const k8sSecret = resource("dev", "kubernetes:core/v1:Secret", "creds", { stringData: { password: "pass" } });
            const found = await validateStack(noPlaintextSecrets, [leakyStack, chart, k8sSecret]);
            assert.deepStrictEqual(
                found.map((f) => [f.urn, f.message.replace(/^.*\): /, "")]),
                [
                    [leakyStack.urn, "property kubeconfig holds a credential in plain text; make it a secret (pulumi.secret, or additionalSecretOutputs)"],
                    [chart.urn, "property values.adminPassword holds a credential in plain text; make it a secret (pulumi.secret, or additionalSecretOutputs)"],
                    [chart.urn, "property values.env[0].apiToken holds a credential in plain text; make it a secret (pulumi.secret, or additionalSecretOutputs)"],
                    [k8sSecret.urn, "property stringData.password holds a credential in plain text; make it a secret (pulumi.secret, or additionalSecretOutputs)"],
                    [k8sSecret.urn, "a Kubernetes Secret's stringData must be marked secret; it is in plain text"],
                ],
            );
            assertNames(found[0].message, "no-plaintext-secrets", leakyStack);
            assertNames(found[3].message, "no-plaintext-secrets", k8sSecret);
        });

        it("declares itself not applicable where the engine strips secret markers (pulumi/pulumi-policy#241)", async () => {
            const args = stackArgs([stack({ kubeconfig: tokenKubeconfig })]);
            await assert.rejects(
                async () => noPlaintextSecrets.validateStack(args, () => undefined),
                (e: Error) => /pulumi-policy#241/.test(e.message),
            );
        });
    });
});
