import * as assert from "assert";
import { renderSyncPolicy } from "../../../providers/dns/iamPolicy";

describe("dns least-privilege IAM policy", () => {
    const policy = JSON.parse(
        renderSyncPolicy({
            zoneId: "/hostedzone/Z0123456789ABC",
            zoneName: "Example.com",
            records: [
                { name: "app.example.com.", type: "A" },
                { name: "*.example.com.", type: "CNAME" },
                { name: "example.com.", type: "A" },
            ],
        }),
    );

    it("scopes ChangeResourceRecordSets to the zone, the managed names and their markers, and the types", () => {
        const change = policy.Statement.find((s: { Sid: string }) => s.Sid === "ChangeManagedRecords");
        assert.deepStrictEqual(change.Action, ["route53:ChangeResourceRecordSets"]);
        assert.strictEqual(change.Resource, "arn:aws:route53:::hostedzone/Z0123456789ABC");
        const cond = change.Condition["ForAllValues:StringEquals"];
        assert.deepStrictEqual(cond["route53:ChangeResourceRecordSetsNormalizedRecordNames"], [
            "\\052.example.com",
            "a-app.example.com",
            "a-example.com.example.com",
            "app.example.com",
            "cname-\\052.example.com",
            // where ExternalDNS < 0.22 kept the marker of an A alias: removed when the record is taken over
            "cname-app.example.com",
            "example.com",
        ]);
        assert.deepStrictEqual(cond["route53:ChangeResourceRecordSetsRecordTypes"], ["A", "CNAME", "TXT"]);
    });

    it("allows reading the zone, and only what it needs", () => {
        const read = policy.Statement.find((s: { Sid: string }) => s.Sid === "ReadZone");
        assert.deepStrictEqual(read.Action, ["route53:GetHostedZone", "route53:ListResourceRecordSets"]);
        assert.strictEqual(read.Resource, "arn:aws:route53:::hostedzone/Z0123456789ABC");
        assert.strictEqual(policy.Statement.length, 2, "no zone lookup permission when the zone id is pinned");
        assert.ok(!JSON.stringify(policy).includes('"*"'));
    });

    it("adds the unscoped ListHostedZonesByName only for lookups by name, and honours the prefix and partition", () => {
        const doc = JSON.parse(renderSyncPolicy({ zoneId: "Z1", zoneName: "example.cn", records: [{ name: "app.example.cn.", type: "A" }], txtPrefix: "ext-", lookupZoneByName: true, partition: "aws-cn" }));
        assert.deepStrictEqual(doc.Statement[2], { Sid: "FindZoneByName", Effect: "Allow", Action: ["route53:ListHostedZonesByName"], Resource: "*" });
        assert.strictEqual(doc.Statement[0].Resource, "arn:aws-cn:route53:::hostedzone/Z1");
        assert.ok(doc.Statement[0].Condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"].includes("ext-a-app.example.cn"));
    });
});
