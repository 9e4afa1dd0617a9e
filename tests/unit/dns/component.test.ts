import * as assert from "assert";
import { Dns, DnsArgs } from "../../../components/dns";
import { runUnderMocks } from "../../../synth/mockCloud";

const SYNC = "pulumi-nodejs:dynamic/eks-ingress-mesh:Route53RecordSync";
const DNS = "eks-ingress-mesh:index:Dns";

const args: DnsArgs = {
    domain: "example.com",
    ownerId: "eks-ingress-mesh-test",
    records: [
        { hostname: "app.example.com", aliasTarget: "k8s-web-0123456789-111.ap-northeast-2.elb.amazonaws.com", resource: "ingress/demo/app" },
        { hostname: "ops.example.com", aliasTarget: "ops-lb.example.net", aliasHostedZoneId: "Z0OPS123" },
    ],
};

async function run(a: DnsArgs) {
    let dns: Dns | undefined;
    const result = await runUnderMocks(() => {
        dns = new Dns("dns", a);
        return { fqdns: dns.fqdns, zoneId: dns.zoneId, policy: dns.syncPolicyJson, syncId: dns.recordSync.id };
    }, { config: {} });
    return { ...result, dns: dns! };
}

describe("Dns component under mocks", () => {
    it("looks the zone up and registers one Route53RecordSync child whose serialized provider passes check", async () => {
        const r = await run(args);
        r.one(DNS, "dns");
        const sync = r.one(SYNC, "dns-records");
        assert.strictEqual(sync.parent, `${DNS}::dns`);
        assert.strictEqual(typeof sync.inputs.__provider, "string", "the provider was serialized, deserialized and its check ran");
        assert.match(String(r.outputs.zoneId), /^Z[0-9A-F]{20}$/, "zone id from aws.route53.getZone");
        assert.strictEqual(sync.inputs.zoneId, r.outputs.zoneId, "the looked-up zone is pinned on the sync");
        // checked (normalized) inputs: alias A records with target health, zone ids inferred or given
        assert.deepStrictEqual(sync.inputs.records, [
            {
                name: "app.example.com.",
                type: "A",
                alias: { dnsName: "k8s-web-0123456789-111.ap-northeast-2.elb.amazonaws.com.", hostedZoneId: "ZWKZPGTI48KDX", evaluateTargetHealth: true },
                resource: "ingress/demo/app",
            },
            { name: "ops.example.com.", type: "A", alias: { dnsName: "ops-lb.example.net.", hostedZoneId: "Z0OPS123", evaluateTargetHealth: true } },
        ]);
        assert.strictEqual(sync.inputs.policy, "sync");
        assert.deepStrictEqual(r.outputs.fqdns, ["app.example.com", "ops.example.com"]);
    });

    it("exports the least-privilege policy for the zone and the managed names", async () => {
        const r = await run({ ...args, zoneId: "Z0PINNED", txtPrefix: "ext-" });
        assert.strictEqual(r.outputs.zoneId, "Z0PINNED");
        assert.strictEqual(r.one(SYNC).inputs.zoneId, "Z0PINNED");
        const policy = JSON.parse(String(r.outputs.policy));
        const change = policy.Statement[0];
        assert.strictEqual(change.Resource, "arn:aws:route53:::hostedzone/Z0PINNED");
        assert.deepStrictEqual(change.Condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"], [
            "app.example.com",
            "ext-a-app.example.com",
            "ext-a-ops.example.com",
            "ext-app.example.com",
            "ext-cname-app.example.com",
            "ext-cname-ops.example.com",
            "ext-ops.example.com",
            "ops.example.com",
        ]);
        assert.ok(!policy.Statement.some((s: { Action: string[] }) => s.Action.includes("route53:ListHostedZonesByName")), "zone pinned: no lookup permission");
    });

    it("fails like preview would when a hostname is outside the domain", async () => {
        await assert.rejects(run({ ...args, records: [{ hostname: "app.example.org", aliasTarget: "d1.cloudfront.net" }] }), /records\[0\] \(app\.example\.org A\): name "app\.example\.org\." is not inside zone "example\.com\."/);
    });
});
