/**
 * Offline synth of an Azure-DNS stack and a Google-DNS stack (temporary stack files, runSynth's
 * path): one DnsRecordSync whose serialized provider passed its check, its change plan written to
 * out/, the least-privilege permission as the dnsSyncPolicy output, no credential in out/.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { runSynth } from "../../../synth";
import { projectRoot } from "../../../synth/stackFiles";

const SECRET = "azure-client-secret-do-not-print";
const KEY = JSON.stringify({ type: "service_account", client_email: "sync@dns-project.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nMIIsecretkeymaterial\n-----END PRIVATE KEY-----\n" });

function stackFile(dns: Record<string, unknown>): string {
    const dev = yaml.load(fs.readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    return yaml.dump({ config: { ...dev.config, "eks-ingress-mesh:dns": { ...(dev.config["eks-ingress-mesh:dns"] as object), ...dns } } }, { lineWidth: 400 });
}

function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe("offline synth of Azure DNS and Google Cloud DNS stacks", function () {
    this.timeout(300_000);
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eim-dns-backends-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    async function synth(stack: string, dns: Record<string, unknown>) {
        fs.writeFileSync(path.join(tmp, `Pulumi.${stack}.yaml`), stackFile(dns));
        const out: string[] = [];
        const err: string[] = [];
        const outDir = path.join(tmp, "out", stack);
        const result = await runSynth({ stack, stackDir: tmp, outDir, print: (l) => out.push(l), printError: (l) => err.push(l) });
        return { exitCode: result.exitCode, stdout: out.join("\n"), stderr: err.join("\n"), outDir };
    }

    function planOf(outDir: string): Record<string, unknown> {
        const file = filesUnder(outDir).find((f) => f.endsWith("dns-records.plan.json"));
        assert.ok(file, `no plan for dns-records in ${filesUnder(outDir).join(", ")}`);
        return JSON.parse(fs.readFileSync(file, "utf8"));
    }

    it("azure: CNAMEs to the ALB, marker writes before records, the role definition as output, no secret in out/", async () => {
        const r = await synth("azdns", {
            provider: "azure",
            azure: { subscriptionId: "00000000-0000-4000-8000-000000000001", resourceGroup: "dns-rg", tenantId: "11111111-1111-4111-8111-111111111111", clientId: "22222222-2222-4222-8222-222222222222", clientSecret: SECRET },
        });
        assert.strictEqual(r.exitCode, 0, r.stderr);
        assert.match(r.stdout, /DnsRecordSync {2}dns-records {2}\(2 records in example\.com \(Azure DNS, resource group dns-rg\): CNAME app\.example\.com ← ingress\/istio-ingress\/app, CNAME kubeopsview\.example\.com ← ingress\/kube-system\/kube-ops-view\)/);
        assert.doesNotMatch(r.stdout, /Route53RecordSync/);
        const plan = planOf(r.outDir) as { backend: string; changes: Array<{ deletions: unknown[]; additions: Array<{ name: string; type: string }> }> };
        assert.strictEqual(plan.backend, "azure/00000000-0000-4000-8000-000000000001/dns-rg");
        assert.deepStrictEqual(
            plan.changes.map((c) => c.additions.map((a) => `${a.type} ${a.name}`).sort()),
            [
                ["TXT cname-app.example.com.", "TXT cname-kubeopsview.example.com."],
                ["CNAME app.example.com.", "CNAME kubeopsview.example.com."],
            ],
            "markers first, then the records",
        );
        const outputs = fs.readFileSync(filesUnder(r.outDir).find((f) => f.endsWith("outputs.json")) ?? "", "utf8");
        assert.match(outputs, /Microsoft\.Network\/dnszones\/CNAME\/write/);
        assert.match(outputs, /dnsZones\/example\.com/);
        for (const f of filesUnder(r.outDir)) assert.ok(!fs.readFileSync(f, "utf8").includes(SECRET), `${f} holds the client secret`);
    });

    it("google: one atomic change with records and markers, the custom role as output, no key in out/", async () => {
        const r = await synth("gdns", { provider: "google", google: { project: "dns-project", managedZone: "example-com", serviceAccountKey: KEY } });
        assert.strictEqual(r.exitCode, 0, r.stderr);
        assert.match(r.stdout, /DnsRecordSync {2}dns-records {2}\(2 records in example\.com \(Cloud DNS managed zone example-com\)/);
        const plan = planOf(r.outDir) as { changes: Array<{ additions: unknown[] }> };
        assert.strictEqual(plan.changes.length, 1);
        assert.strictEqual(plan.changes[0].additions.length, 4);
        const outputs = fs.readFileSync(filesUnder(r.outDir).find((f) => f.endsWith("outputs.json")) ?? "", "utf8");
        assert.match(outputs, /dns\.changes\.create/);
        for (const f of filesUnder(r.outDir)) assert.ok(!fs.readFileSync(f, "utf8").includes("secretkeymaterial"), `${f} holds the key`);
    });

    it("refuses dns.provider azure without dns.azure, and Route53-only keys with another provider, naming them", async () => {
        const a = await synth("azmissing", { provider: "azure" });
        assert.strictEqual(a.exitCode, 1);
        assert.match(a.stderr, /dns\.provider: .*set dns\.azure\.subscriptionId and dns\.azure\.resourceGroup/);
        const b = await synth("gzone", { provider: "google", zoneId: "Z0123456789ABCDEFGHIJ", google: { project: "dns-project", managedZone: "example-com" } });
        assert.strictEqual(b.exitCode, 1);
        assert.match(b.stderr, /dns\.zoneId would be ignored/);
        const c = await synth("badprov", { provider: "cloudflare" });
        assert.strictEqual(c.exitCode, 1);
        assert.match(c.stderr, /dns\.provider: .*route53, azure, google/);
    });
});
