/**
 * `npm run synth -- --state FILE`: the dynamic resources' check and diff run
 * against an export written the way `pulumi stack export` writes it
 * (apitype.UntypedDeployment version 3: deployment.resources[] with urn,
 * custom, id, type, inputs, outputs, parent; secrets as ciphertext objects).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runSynth } from "../../synth";
import { parseState, UNDECRYPTABLE } from "../../synth/state";
import { projectRoot } from "../../synth/stackFiles";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const ciphertext = { [SIG]: SECRET, ciphertext: "v1:7bQ0mXk2kXfK2k9F:Yx3VZ0pU2+QzWmZ0Kk4n0m8Xx2l1c3VtZQ==" };
const stackUrn = "urn:pulumi:dev::eks-ingress-mesh::pulumi:pulumi:Stack::eks-ingress-mesh-dev";
const meshUrn = "urn:pulumi:dev::eks-ingress-mesh::eks-ingress-mesh:index:Mesh::mesh";
const dnsUrn = "urn:pulumi:dev::eks-ingress-mesh::eks-ingress-mesh:index:Dns::dns";
const provider = "exports.handler = function () { throw new Error('the state\\'s provider is not run by synth'); };";
const alb = "k8s-eks-ingress-m-331f0f478a-857673543.ap-northeast-2.elb.amazonaws.com.";

function trafficSplitInputs(canaryWeight: number) {
    return {
        __provider: provider,
        kubeconfig: ciphertext,
        namespace: "demo",
        name: "app",
        hosts: ["app.example.com"],
        gateways: ["istio-ingress/app-gateway"],
        destination: "app.demo.svc.cluster.local",
        port: 80,
        stableSubset: "stable",
        canarySubset: "canary",
        canaryWeight,
        maxStep: 25,
        force: false,
        canaryHeader: { name: "x-canary", value: "always" },
        retries: { attempts: 3, perTryTimeout: "2s", retryOn: "gateway-error,connect-failure,refused-stream" },
        timeout: "10s",
    };
}

const record = (name: string, resource: string) => ({ name, type: "A", alias: { dnsName: alb, hostedZoneId: "ZWKZPGTI48KDX", evaluateTargetHealth: true }, resource });

/** A dev stack deployed at canary weight `applied`, with app and a since-removed old record in DNS. */
function exportedState(applied: number): Record<string, unknown> {
    const dnsInputs = {
        __provider: provider,
        zoneName: "example.com",
        zoneId: "ZA379A6F6EEAFB9A55E37",
        ownerId: "eks-ingress-mesh-dev",
        policy: "sync",
        txtPrefix: "",
        records: [record("app.example.com", "ingress/istio-ingress/app"), record("old.example.com", "ingress/demo/old")],
    };
    const normalized = [record("app.example.com.", "ingress/istio-ingress/app"), record("old.example.com.", "ingress/demo/old")];
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-11-20T10:00:00.000Z", magic: "0c5ba9a0e6e5e9ebc5ca9c6e0c8d83c3", version: "v3.270.0" },
            secrets_providers: { type: "awskms", state: { url: "awskms://alias/eks-ingress-mesh" } },
            resources: [
                { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: { kubeconfig: ciphertext } },
                { urn: meshUrn, custom: false, type: "eks-ingress-mesh:index:Mesh", parent: stackUrn },
                {
                    urn: `urn:pulumi:dev::eks-ingress-mesh::eks-ingress-mesh:index:Mesh$pulumi-nodejs:dynamic/eks-ingress-mesh:TrafficSplit::mesh-traffic-split`,
                    custom: true,
                    id: "demo/app",
                    type: "pulumi-nodejs:dynamic/eks-ingress-mesh:TrafficSplit",
                    inputs: trafficSplitInputs(applied),
                    outputs: { ...trafficSplitInputs(applied), stableWeight: 100 - applied, appliedCanaryWeight: applied, previousCanaryWeight: 0, resourceVersion: "48213" },
                    parent: meshUrn,
                    provider: "urn:pulumi:dev::eks-ingress-mesh::pulumi:providers:pulumi-nodejs::default::4b1f7ad8-7e43-4b49-8c4f-3a1b0c1f2e3d",
                    additionalSecretOutputs: ["kubeconfig"],
                },
                { urn: dnsUrn, custom: false, type: "eks-ingress-mesh:index:Dns", parent: stackUrn },
                {
                    urn: `urn:pulumi:dev::eks-ingress-mesh::eks-ingress-mesh:index:Dns$pulumi-nodejs:dynamic/eks-ingress-mesh:Route53RecordSync::dns-records`,
                    custom: true,
                    id: "ZA379A6F6EEAFB9A55E37/eks-ingress-mesh-dev",
                    type: "pulumi-nodejs:dynamic/eks-ingress-mesh:Route53RecordSync",
                    inputs: dnsInputs,
                    outputs: {
                        ...dnsInputs,
                        zoneName: "example.com.",
                        privateZone: false,
                        records: normalized,
                        fqdns: ["app.example.com", "old.example.com"],
                        changeIds: ["C0123456789ABCDEFGHIJ"],
                        changeCounts: { create: 4, upsert: 0, delete: 0 },
                        apiCalls: { read: 2, change: 1 },
                    },
                    parent: dnsUrn,
                },
            ],
        },
    };
}

describe("offline synth --state (pulumi stack export)", function () {
    this.timeout(120_000);
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eim-state-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    async function synthWith(canaryWeight: number, applied: number) {
        const dev = fs.readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8");
        const stackFile = dev.replace(/(canary:\n\s+weight:) 1\b/, `$1 ${canaryWeight}`);
        assert.notStrictEqual(stackFile, dev);
        fs.writeFileSync(path.join(tmp, "Pulumi.dev.yaml"), stackFile);
        const state = path.join(tmp, `state-${applied}.json`);
        fs.writeFileSync(state, JSON.stringify(exportedState(applied), null, 2));
        const out: string[] = [];
        const err: string[] = [];
        const result = await runSynth({ stack: "dev", stackDir: tmp, statePath: state, outDir: path.join(tmp, "out"), print: (l) => out.push(l), printError: (l) => err.push(l) });
        return { result, stdout: out.join("\n"), stderr: err.join("\n") };
    }

    it("reads the export: resources by type and name, ciphertext secrets marked undecryptable", () => {
        const state = parseState(JSON.stringify(exportedState(1)));
        assert.strictEqual(state.stack, "dev");
        const split = state.find("pulumi-nodejs:dynamic/eks-ingress-mesh:TrafficSplit", "mesh-traffic-split");
        assert.ok(split);
        assert.strictEqual(split.inputs.kubeconfig, UNDECRYPTABLE);
        assert.deepStrictEqual(split.undecryptable, ["kubeconfig"]);
        assert.strictEqual(split.outputs.appliedCanaryWeight, 1);
        const plain = parseState(JSON.stringify({ version: 3, deployment: { resources: [{ urn: stackUrn, type: "pulumi:pulumi:Stack", outputs: { x: { [SIG]: SECRET, plaintext: '"shown"' } } }] } }));
        assert.strictEqual(plain.resources[0].outputs.x, "shown", "--show-secrets plaintext is decoded");
        assert.throws(() => parseState(JSON.stringify({ version: 2 })), /version 2; expected 3 or 4/);
    });

    it("a step over canary.maxStep fails as preview fails, naming canary.maxStep", async () => {
        const { result, stdout, stderr } = await synthWith(50, 1);
        assert.strictEqual(result.exitCode, 1, stdout);
        assert.match(
            stderr,
            /^error: pulumi-nodejs:dynamic\/eks-ingress-mesh:TrafficSplit resource 'mesh-traffic-split': property canaryWeight value \{50\} has a problem: canary\.weight: moving from 1 to 50 is a step of 49, more than canary\.maxStep 25; set canary\.weight to 26/m,
        );
        assert.doesNotMatch(stderr, /error serializing|failed to register|\n\s+at /);
        assert.strictEqual(fs.existsSync(path.join(tmp, "out")), false, "nothing is written");
    });

    it("an allowed step prints the weights from → to and the DNS records to create and delete", async () => {
        const { result, stdout, stderr } = await synthWith(20, 1);
        assert.strictEqual(result.exitCode, 0, stderr);
        assert.match(stdout, /mesh-traffic-split: update: weights stable 99% \/ canary 1% → stable 80% \/ canary 20% \(step 19, canary\.maxStep 25\) \[encrypted in the state, taken as unchanged: kubeconfig\]/);
        assert.match(stdout, /dns-records: update: create A kubeopsview\.example\.com; delete A old\.example\.com/);
        assert.doesNotMatch(stdout, /not checked without --state/);
    });

    it("refuses a state that is not an export of this project, without a trace", async () => {
        const other = path.join(tmp, "other.json");
        fs.writeFileSync(other, JSON.stringify(exportedState(1)).replace(/::eks-ingress-mesh::/g, "::other-project::"));
        const err: string[] = [];
        const result = await runSynth({ stack: "dev", statePath: other, outDir: path.join(tmp, "other"), print: () => undefined, printError: (l) => err.push(l) });
        assert.strictEqual(result.exitCode, 1);
        assert.match(err.join("\n"), /^error: .*other\.json: is a state of project other-project, not eks-ingress-mesh$/);
        const missing = await runSynth({ stack: "dev", statePath: path.join(tmp, "nope.json"), print: () => undefined, printError: (l) => err.push(l) });
        assert.strictEqual(missing.exitCode, 1);
        assert.match(err.join("\n"), /nope\.json: no such file \(write one with `pulumi stack export --file/);
    });

    it("without --state says which state-dependent rules it did not check", async () => {
        const out: string[] = [];
        const result = await runSynth({ stack: "dev", outDir: path.join(tmp, "plain"), print: (l) => out.push(l), printError: () => undefined });
        assert.strictEqual(result.exitCode, 0);
        const text = out.join("\n");
        assert.match(text, /not checked without --state/);
        assert.match(text, /mesh-traffic-split: canary\.maxStep \/ canary\.force/);
        assert.match(text, /dns-records: records to create \/ update \/ delete since the last sync/);
    });
});
