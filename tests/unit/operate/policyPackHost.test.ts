/**
 * The policy pack as the Pulumi engine runs it: `policy/` started through the
 * SDK's own policy host (`@pulumi/pulumi/cmd/run-policy-pack`, TypeScript
 * type-checked by ts-node, cwd = the pack) and asked over gRPC, with the
 * engine's message types, what `pulumi preview --policy-pack policy` asks.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");
const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const root = path.resolve(__dirname, "../../..");
const policyHost = path.join(root, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js");

/** The engine's wire form of a secret value. */
const secretWire = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

interface Diagnostic {
    policy: string;
    message: string;
    urn: string;
    enforcement: number;
}

interface Response {
    diagnostics: Diagnostic[];
    notApplicable: Array<{ policy: string; reason: string }>;
}

function call<T>(client: Record<string, unknown>, method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) =>
        (client[method] as (r: unknown, cb: (e: Error | null, v: T) => void) => void).call(client, request, (e, v) => (e ? reject(e) : resolve(v))),
    );
}

function resourceMessage<T>(Message: new () => T, type: string, name: string, props: Record<string, unknown>, stack = "dev"): T {
    const message = new Message() as Record<string, (v: unknown) => void>;
    message.setType(type);
    message.setName(name);
    message.setUrn(`urn:pulumi:${stack}::eks-ingress-mesh::${type}::${name}`);
    message.setProperties(structproto.Struct.fromJavaScript(props));
    const options = new analyzerproto.AnalyzerResourceOptions();
    options.setCustomtimeouts(new analyzerproto.AnalyzerResourceOptions.CustomTimeouts());
    message.setOptions(options);
    return message as unknown as T;
}

function readResponse(response: { getDiagnosticsList(): unknown[]; getNotApplicableList(): unknown[] }): Response {
    return {
        diagnostics: response.getDiagnosticsList().map((d) => {
            const diag = d as Record<string, () => unknown>;
            return { policy: String(diag.getPolicyname()), message: String(diag.getMessage()), urn: String(diag.getUrn()), enforcement: Number(diag.getEnforcementlevel()) };
        }),
        notApplicable: response.getNotApplicableList().map((n) => {
            const na = n as Record<string, () => unknown>;
            return { policy: String(na.getPolicyName()), reason: String(na.getReason()) };
        }),
    };
}

describe("operate: the policy pack under the SDK's policy host (gRPC)", function () {
    this.timeout(120_000);
    let child: ChildProcess | undefined;
    let client: Record<string, unknown>;
    let stderr = "";

    before(async () => {
        child = spawn(process.execPath, [policyHost, "127.0.0.1:1", "."], { cwd: path.join(root, "policy"), stdio: ["ignore", "pipe", "pipe"] });
        child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const timer = setTimeout(() => reject(new Error(`policy host printed no port in 90 s\n${stderr}`)), 90_000);
            child!.stdout?.on("data", (chunk: Buffer) => {
                stdout += chunk.toString();
                const match = /^(\d+)\s*$/m.exec(stdout);
                if (match) {
                    clearTimeout(timer);
                    resolve(Number(match[1]));
                }
            });
            child!.once("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`policy host exited with ${code}\n${stderr}`));
            });
        });
        client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        (client?.close as (() => void) | undefined)?.call(client);
        child?.kill();
    });

    async function analyze(type: string, name: string, props: Record<string, unknown>, stack = "dev"): Promise<Response> {
        return readResponse(await call(client, "analyze", resourceMessage(analyzerproto.AnalyzeRequest, type, name, props, stack)));
    }

    it("loads, type-checks and describes the pack: five mandatory policies", async () => {
        const info = (await call(client, "getAnalyzerInfo", new emptyproto.Empty())) as { getName(): string; getPoliciesList(): Array<Record<string, () => unknown>> };
        assert.strictEqual(info.getName(), "eks-ingress-mesh");
        const policies = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
        assert.deepStrictEqual(policies.sort(), [
            ["alb-ingress-target-type-ip", analyzerproto.EnforcementLevel.MANDATORY],
            ["no-plaintext-secrets", analyzerproto.EnforcementLevel.MANDATORY],
            ["prod-canary-max-step", analyzerproto.EnforcementLevel.MANDATORY],
            ["prod-mtls-strict", analyzerproto.EnforcementLevel.MANDATORY],
            ["record-sync-owner-id", analyzerproto.EnforcementLevel.MANDATORY],
        ]);
        assert.doesNotMatch(stderr, /error/i);
    });

    it("reports an instance-mode ALB Ingress as a mandatory violation naming it, and passes an IP-mode one", async () => {
        const ingress = (targetType: string) => ({
            metadata: { name: "app", namespace: "istio-ingress", annotations: { "alb.ingress.kubernetes.io/target-type": targetType } },
            spec: { ingressClassName: "alb" },
        });
        const bad = await analyze("kubernetes:networking.k8s.io/v1:Ingress", "ingress-app", ingress("instance"));
        assert.strictEqual(bad.diagnostics.length, 1);
        const [d] = bad.diagnostics;
        assert.strictEqual(d.policy, "alb-ingress-target-type-ip");
        assert.strictEqual(d.enforcement, analyzerproto.EnforcementLevel.MANDATORY);
        assert.ok(d.message.includes('kubernetes:networking.k8s.io/v1:Ingress "ingress-app" (urn:pulumi:dev::eks-ingress-mesh::'), d.message);
        assert.deepStrictEqual((await analyze("kubernetes:networking.k8s.io/v1:Ingress", "ingress-app", ingress("ip"))).diagnostics, []);
    });

    it("reports prod PERMISSIVE mTLS and a forced prod canary raise; secret inputs arrive unwrapped", async () => {
        const pa = await analyze("kubernetes:security.istio.io/v1:PeerAuthentication", "mesh-peer-authentication", { spec: { mtls: { mode: "PERMISSIVE" } } }, "prod");
        assert.deepStrictEqual(pa.diagnostics.map((x) => x.policy), ["prod-mtls-strict"]);
        const split = await analyze(
            "pulumi-nodejs:dynamic/eks-ingress-mesh:TrafficSplit",
            "mesh-traffic-split",
            { kubeconfig: secretWire("{}"), hosts: ["app.example.com"], destination: "app.demo.svc.cluster.local", canaryWeight: 60, maxStep: 10, force: true },
            "prod",
        );
        assert.deepStrictEqual(split.diagnostics.map((x) => x.policy), ["prod-canary-max-step"]);
        const sync = await analyze("pulumi-nodejs:dynamic/eks-ingress-mesh:Route53RecordSync", "dns-records", { zoneName: "example.com", ownerId: "", records: [] });
        assert.deepStrictEqual(sync.diagnostics.map((x) => x.policy), ["record-sync-owner-id"]);
    });

    it("hands stack policies secrets without their markers, so no-plaintext-secrets reports itself not applicable (pulumi/pulumi-policy#241)", async () => {
        const request = new analyzerproto.AnalyzeStackRequest();
        request.setResourcesList([
            resourceMessage(analyzerproto.AnalyzerResource, "pulumi:pulumi:Stack", "eks-ingress-mesh-dev", { kubeconfig: secretWire("users: [{user: {token: t}}]") }),
        ]);
        const response = readResponse(await call(client, "analyzeStack", request));
        assert.deepStrictEqual(response.diagnostics, []);
        assert.deepStrictEqual(response.notApplicable.map((n) => n.policy), ["no-plaintext-secrets"]);
        assert.match(response.notApplicable[0].reason, /pulumi-policy#241/);
    });
});
