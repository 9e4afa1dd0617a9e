import * as assert from "assert";
import { Route53RecordSyncProvider } from "../../../providers/dns";
import { checkBackendInputs } from "../../../providers/dns/backendInputs";
import { diffRecords } from "../../../providers/dns/diff";
import { fromRrset, sameRecordData, toRrset } from "../../../providers/dns/records";
import { routedMarker } from "../../../providers/dns/routing";
import type { NormalizedInputs, NormalizedRecord, Rrset } from "../../../providers/dns/types";
import { checkInputs, UNKNOWN } from "../../../providers/dns/validate";

const inputs = (records: unknown[]) => ({ zoneName: "example.com", ownerId: "blue", records });
const ALB = { dnsName: "blue-alb-1.us-east-1.elb.amazonaws.com" };
const weighted = (setIdentifier: string, weight: number, extra: Record<string, unknown> = {}) => ({ name: "app", type: "A", alias: ALB, setIdentifier, weight, ...extra });

function rules(records: unknown[]): Array<{ property: string; rule: string; reason: string }> {
    return checkInputs(inputs(records)).failures.map((f) => ({ property: f.property, reason: f.reason, rule: /\[rule: ([^\]]+)\]/.exec(f.reason)?.[1] ?? "" }));
}

function oneFailure(records: unknown[], rule: string, property: string, mentions: string[]): void {
    const hits = rules(records).filter((f) => f.rule === rule);
    assert.strictEqual(hits.length, 1, `expected one ${rule}, got ${JSON.stringify(rules(records), null, 2)}`);
    assert.strictEqual(hits[0].property, property);
    for (const text of mentions) assert.ok(hits[0].reason.includes(text), `"${hits[0].reason}" should mention "${text}"`);
}

describe("dns routing policies: check", () => {
    it("normalizes weighted, failover and latency records (failover upper-cased, health check id lower-cased)", () => {
        const hc = "ABCDEF01-2345-6789-ABCD-EF0123456789";
        const out = checkInputs(
            inputs([
                weighted("blue", 10),
                weighted("green", 0),
                { name: "f", type: "A", values: ["192.0.2.1"], setIdentifier: "p", failover: "primary", healthCheckId: hc },
                { name: "f", type: "A", values: ["192.0.2.2"], setIdentifier: "s", failover: "SECONDARY" },
                { name: "l", type: "CNAME", values: ["x.example.org"], setIdentifier: "use1", region: "us-east-1" },
                { name: "l", type: "CNAME", values: ["y.example.org"], setIdentifier: "euw1", region: "eu-west-1" },
            ]),
        );
        assert.deepStrictEqual(out.failures, []);
        const records = (out.inputs as unknown as NormalizedInputs).records;
        assert.deepStrictEqual(
            records.map((r) => [r.setIdentifier, r.weight, r.failover, r.region, r.healthCheckId]),
            [
                ["blue", 10, undefined, undefined, undefined],
                ["green", 0, undefined, undefined, undefined],
                ["p", undefined, "PRIMARY", undefined, hc.toLowerCase()],
                ["s", undefined, "SECONDARY", undefined, undefined],
                ["use1", undefined, undefined, "us-east-1", undefined],
                ["euw1", undefined, undefined, "eu-west-1", undefined],
            ],
        );
    });

    it("refuses a policy field without setIdentifier, and a setIdentifier without exactly one policy", () => {
        oneFailure([{ name: "app", type: "A", alias: ALB, weight: 5 }], "routing-needs-set-identifier", "records[0].weight", ["records[0] (app.example.com. A)", "setIdentifier"]);
        oneFailure([{ name: "app", type: "A", alias: ALB, setIdentifier: "blue" }], "routing-policy-one-of", "records[0].setIdentifier", ["exactly one of weight, failover or region", "got none"]);
        oneFailure([weighted("blue", 5, { region: "us-east-1" })], "routing-policy-one-of", "records[0].setIdentifier", ["got weight and region"]);
    });

    it("refuses out-of-range and malformed values, naming the allowed ones", () => {
        oneFailure([weighted("blue", 256)], "weight-range", "records[0].weight", ["0 to 255", "256"]);
        oneFailure([weighted("blue", 1.5)], "weight-range", "records[0].weight", ["1.5"]);
        oneFailure([weighted("", 1)], "set-identifier", "records[0].setIdentifier", ["1 to 128"]);
        oneFailure([weighted("x".repeat(129), 1)], "set-identifier", "records[0].setIdentifier", ["1 to 128"]);
        oneFailure([{ name: "f", type: "A", alias: ALB, setIdentifier: "p", failover: "TERTIARY" }], "failover-role", "records[0].failover", ["PRIMARY, SECONDARY", "TERTIARY"]);
        oneFailure([{ name: "l", type: "A", alias: ALB, setIdentifier: "p", region: "mars" }], "latency-region", "records[0].region", ["us-east-1", "mars"]);
        oneFailure([weighted("blue", 1, { healthCheckId: "hc-1" })], "health-check-id", "records[0].healthCheckId", ["UUID", "hc-1"]);
    });

    it("applies Route53's rules between the sets of one name and type", () => {
        oneFailure([weighted("blue", 1), weighted("blue", 2)], "duplicate-set-identifier", "records[1]", ["setIdentifier blue", "records[0]"]);
        oneFailure([weighted("blue", 1), { name: "app", type: "A", alias: ALB }], "routing-policy-mixed", "records[1]", ["simple", "weighted", "records[0]"]);
        oneFailure([weighted("blue", 1), { name: "app", type: "A", alias: ALB, setIdentifier: "g", region: "us-east-1" }], "routing-policy-mixed", "records[1]", ["latency", "weighted"]);
        const failover = (id: string, role: string) => ({ name: "f", type: "A", alias: ALB, setIdentifier: id, failover: role });
        oneFailure([failover("a", "PRIMARY"), failover("b", "PRIMARY")], "failover-role-twice", "records[1]", ["failover PRIMARY", "records[0]"]);
        const latency = (id: string) => ({ name: "l", type: "A", alias: ALB, setIdentifier: id, region: "us-east-1" });
        oneFailure([latency("a"), latency("b")], "latency-region-twice", "records[1]", ["region us-east-1"]);
        // two simple sets are still the plain duplicate
        oneFailure([{ name: "x", type: "A", values: ["192.0.2.1"] }, { name: "x", type: "A", values: ["192.0.2.2"] }], "duplicate-record", "records[1]", ["records[0]"]);
        // the same identifier on another type or name is fine
        assert.deepStrictEqual(rules([weighted("blue", 1), { name: "app", type: "AAAA", alias: ALB, setIdentifier: "blue", weight: 1 }, weighted("blue", 1, { name: "www" })]), []);
    });

    it("passes unknown routing values through during preview", () => {
        const out = checkInputs(inputs([weighted(UNKNOWN, UNKNOWN as unknown as number)]));
        assert.deepStrictEqual(out.failures, []);
    });

    it("Route53RecordSync accepts routed records; Azure DNS and Cloud DNS refuse them naming the record", async () => {
        const route53 = await new Route53RecordSyncProvider().check({}, inputs([weighted("blue", 10)]));
        assert.deepStrictEqual(route53.failures, []);
        const azure = checkBackendInputs({ ...inputs([{ name: "app", type: "A", values: ["192.0.2.1"], setIdentifier: "b", weight: 1 }]), backend: { kind: "azure", subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: "rg" } });
        assert.ok(azure.failures.some((f) => /exist only in Route53/.test(f.reason)), JSON.stringify(azure.failures));
    });
});

describe("dns routing policies: Route53 mapping and ExternalDNS markers", () => {
    const record: NormalizedRecord = {
        name: "app.example.com.",
        type: "A",
        alias: { dnsName: "blue-alb-1.us-east-1.elb.amazonaws.com.", hostedZoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true },
        setIdentifier: "blue",
        weight: 20,
        healthCheckId: "abcdef01-2345-6789-abcd-ef0123456789",
    };

    it("writes and reads SetIdentifier, Weight, Failover, Region and HealthCheckId", () => {
        const rrset = toRrset(record);
        assert.deepStrictEqual(rrset, {
            Name: "app.example.com.",
            Type: "A",
            AliasTarget: { DNSName: "blue-alb-1.us-east-1.elb.amazonaws.com.", HostedZoneId: "Z35SXDOTRQ7X7K", EvaluateTargetHealth: true },
            SetIdentifier: "blue",
            Weight: 20,
            HealthCheckId: "abcdef01-2345-6789-abcd-ef0123456789",
        });
        assert.deepStrictEqual(fromRrset(rrset), record);
        const plain: NormalizedRecord = { name: "f.example.com.", type: "A", ttl: 60, values: ["192.0.2.1"], setIdentifier: "p", failover: "PRIMARY" };
        assert.deepStrictEqual(toRrset(plain), { Name: "f.example.com.", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }], SetIdentifier: "p", Failover: "PRIMARY" });
        assert.deepStrictEqual(fromRrset(toRrset(plain)), plain);
    });

    it("a weight or identifier change is a data change; a simple record has no routing fields", () => {
        assert.ok(sameRecordData(record, { ...record }));
        assert.ok(!sameRecordData(record, { ...record, weight: 30 }));
        assert.ok(!sameRecordData(record, { ...record, setIdentifier: "green" }));
        const simple = { name: "x.example.com.", type: "A" as const, ttl: 300, values: ["192.0.2.1"] };
        assert.deepStrictEqual(Object.keys(toRrset(simple)).sort(), ["Name", "ResourceRecords", "TTL", "Type"]);
    });

    it("a routed record's marker carries its SetIdentifier and routing policy, as ExternalDNS v0.22 writes it", () => {
        // ExternalDNS v0.22 registry/txt.go: the marker endpoint gets WithSetIdentifier(r.SetIdentifier)
        // and ProviderSpecific = r.ProviderSpecific; provider/aws writes those as SetIdentifier, Weight
        // and HealthCheckId on the TXT set. The value is the usual label text (no set-identifier label).
        const value = '"heritage=external-dns,external-dns/owner=blue,external-dns/resource=service/default/app"';
        const marker: Rrset = { Name: "a-app.example.com.", Type: "TXT", TTL: 300, ResourceRecords: [{ Value: value }] };
        assert.deepStrictEqual(routedMarker(marker, record), {
            Name: "a-app.example.com.",
            Type: "TXT",
            TTL: 300,
            ResourceRecords: [{ Value: value }],
            SetIdentifier: "blue",
            Weight: 20,
            HealthCheckId: "abcdef01-2345-6789-abcd-ef0123456789",
        });
        assert.deepStrictEqual(routedMarker(marker, {}), marker);
    });
});

describe("dns routing policies: the cluster canary's step limit (check against the previous inputs)", () => {
    const provider = new Route53RecordSyncProvider();
    const stackInputs = (weight: number, maxWeightStep?: number) => ({ ...inputs([weighted("blue", weight)]), ...(maxWeightStep === undefined ? {} : { maxWeightStep }) });

    it("refuses a weight change larger than maxWeightStep from the last applied inputs, naming the next allowed weight", async () => {
        const olds = (await provider.check({}, stackInputs(100, 25))).inputs;
        const ok = await provider.check(olds, stackInputs(75, 25));
        assert.deepStrictEqual(ok.failures, []);
        const bad = await provider.check(olds, stackInputs(50, 25));
        assert.strictEqual(bad.failures?.length, 1);
        assert.strictEqual(bad.failures?.[0].property, "records[0].weight");
        assert.match(bad.failures?.[0].reason ?? "", /records\[0\] \(app\.example\.com\. A blue\): moving the weight from 100 to 50 is a step of 50, more than maxWeightStep 25; set 75 now .*\[rule: weight-step\]/);
        // up the other way, and a new set (no previous weight) is not limited
        assert.match((await provider.check((await provider.check({}, stackInputs(0, 10))).inputs, stackInputs(30, 10))).failures?.[0].reason ?? "", /set 10 now/);
        assert.deepStrictEqual((await provider.check({}, stackInputs(255, 1))).failures, []);
        // no limit without maxWeightStep
        assert.deepStrictEqual((await provider.check(olds, stackInputs(0))).failures, []);
    });

    it("validates maxWeightStep", () => {
        for (const bad of [0, 256, 1.5, "10"]) {
            assert.ok(checkInputs(stackInputs(1, bad as number)).failures.some((f) => f.property === "maxWeightStep" && /1 to 255/.test(f.reason)), String(bad));
        }
    });
});

describe("dns routing policies: per-set diff", () => {
    it("a weight change of one set is an update of that set only, named with its identifier", () => {
        const r = (setIdentifier: string, weight: number): NormalizedRecord => ({ name: "app.example.com.", type: "A", ttl: 60, values: ["192.0.2.1"], setIdentifier, weight });
        assert.deepStrictEqual(diffRecords([r("blue", 10), r("green", 90)], [r("blue", 20), r("green", 90)]), [{ name: "app.example.com.", type: "A", setIdentifier: "blue", kind: "update" }]);
        assert.deepStrictEqual(diffRecords([r("blue", 10)], [r("green", 10)]), [
            { name: "app.example.com.", type: "A", setIdentifier: "green", kind: "add" },
            { name: "app.example.com.", type: "A", setIdentifier: "blue", kind: "remove" },
        ]);
    });
});
