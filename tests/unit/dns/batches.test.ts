import * as assert from "assert";
import * as fc from "fast-check";
import { changeCost, fits, groupCost, orderChanges, packBatches, ROUTE53_LIMITS } from "../../../providers/dns/batches";
import type { Change } from "../../../providers/dns/types";

const change = (action: Change["action"], name: string, values: string[]): Change => ({ action, rrset: { Name: name, Type: "TXT", TTL: 60, ResourceRecords: values.map((Value) => ({ Value })) } });

describe("dns request batching", () => {
    it("counts UPSERT twice and an alias as one record", () => {
        assert.deepStrictEqual(changeCost(change("UPSERT", "a.", ["xx", "yyy"])), { records: 4, valueChars: 10 });
        assert.deepStrictEqual(changeCost(change("CREATE", "a.", ["xx"])), { records: 1, valueChars: 2 });
        assert.deepStrictEqual(changeCost({ action: "DELETE", rrset: { Name: "a.", Type: "A", AliasTarget: { HostedZoneId: "Z", DNSName: "b.", EvaluateTargetHealth: false } } }), { records: 1, valueChars: 0 });
    });

    it("orders DELETE, UPSERT, CREATE and keeps the order within an action", () => {
        const ordered = orderChanges([change("CREATE", "1.", ["a"]), change("DELETE", "2.", ["a"]), change("UPSERT", "3.", ["a"]), change("DELETE", "4.", ["a"])]);
        assert.deepStrictEqual(ordered.map((c) => c.rrset.Name), ["2.", "4.", "3.", "1."]);
    });

    it("never exceeds the limits, never splits a group, loses nothing (property)", () => {
        const groupArb = fc.array(
            fc.record({ action: fc.constantFrom<Change["action"]>("CREATE", "UPSERT", "DELETE"), values: fc.array(fc.string({ maxLength: 400 }), { minLength: 1, maxLength: 30 }) }),
            { minLength: 1, maxLength: 4 },
        );
        fc.assert(
            fc.property(fc.array(groupArb, { maxLength: 60 }), (specs) => {
                const groups = specs.map((g, i) => g.map((c, j) => change(c.action, `g${i}-${j}.`, c.values))).filter((g) => fits(groupCost(g), ROUTE53_LIMITS));
                const batches = packBatches(groups);
                for (const b of batches) assert.ok(fits(groupCost(b), ROUTE53_LIMITS));
                assert.strictEqual(batches.flat().length, groups.flat().length);
                for (const [i, g] of groups.entries()) {
                    const holders = batches.filter((b) => b.some((c) => c.rrset.Name.startsWith(`g${i}-`)));
                    assert.strictEqual(holders.length, Math.min(1, g.length), `group ${i} split over ${holders.length} requests`);
                }
            }),
            { numRuns: 200 },
        );
    });

    it("refuses a single group larger than one request", () => {
        assert.throws(() => packBatches([[change("UPSERT", "big.", Array.from({ length: 501 }, (_, i) => `v${i}`))]]), /more than one Route53 request allows \(1000 \/ 32000\)/);
    });
});
