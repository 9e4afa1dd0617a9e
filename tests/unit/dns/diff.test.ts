import * as assert from "assert";
import { Route53RecordSyncProvider } from "../../../providers/dns";
import { diffRecords, diffState } from "../../../providers/dns/diff";
import type { NormalizedInputs } from "../../../providers/dns/types";
import { checkInputs, UNKNOWN } from "../../../providers/dns/validate";

function checked(records: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    const out = checkInputs({ zoneName: "example.com", ownerId: "me", records, ...extra });
    assert.deepStrictEqual(out.failures, []);
    return out.inputs;
}

const state = (inputs: Record<string, unknown>, zoneId = "Z1") => ({ ...inputs, zoneId, fqdns: [], changeIds: [], changeCounts: { create: 0, upsert: 0, delete: 0 }, apiCalls: { read: 0, change: 0 } });
const A = (name: string, ip = "192.0.2.1") => ({ name, type: "A", values: [ip] });

describe("dns diff", () => {
    it("reports no change for identical records, and per-record adds, updates and removes", () => {
        const olds = state(checked([A("a"), A("b"), A("c")]));
        assert.deepStrictEqual(diffState(olds, checked([A("a"), A("b"), A("c")])), { changes: false, replaces: [], records: [] });
        const d = diffState(olds, checked([A("a", "192.0.2.9"), A("c"), A("d")]));
        assert.strictEqual(d.changes, true);
        assert.deepStrictEqual(d.replaces, []);
        assert.deepStrictEqual(d.records, [
            { name: "a.example.com.", type: "A", kind: "update" },
            { name: "d.example.com.", type: "A", kind: "add" },
            { name: "b.example.com.", type: "A", kind: "remove" },
        ]);
    });

    it("marks zone changes as replacements, but not an unpinned zone id", () => {
        const olds = state(checked([A("a")]), "ZOLD");
        assert.deepStrictEqual(diffState(olds, checked([A("a.example.org")], { zoneName: "example.org" })).replaces, ["zoneName"]);
        assert.deepStrictEqual(diffState(olds, checked([A("a")], { privateZone: true })).replaces, ["privateZone"]);
        assert.deepStrictEqual(diffState(olds, checked([A("a")], { zoneId: "ZNEW" })).replaces, ["zoneId"]);
        assert.deepStrictEqual(diffState(olds, checked([A("a")], { zoneId: "/hostedzone/ZOLD" })).replaces, []);
    });

    it("treats a settings change as an update, unknown records as a change, and tolerates old state", () => {
        const olds = state(checked([A("a")]));
        assert.strictEqual(diffState(olds, checked([A("a")], { policy: "upsert-only" })).changes, true);
        assert.strictEqual(diffState(olds, { ...checked([A("a")]), records: [UNKNOWN] }).changes, true);
        const legacyState = { zoneName: "example.com.", zoneId: "Z1", ownerId: "me", records: (olds as Record<string, unknown>).records };
        assert.strictEqual(diffState(legacyState, checked([A("a")])).changes, false);
    });

    it("compares same-zone aliases with the resolved zone id, and ignores an unset resource", () => {
        const news = checked([{ name: "www", type: "A", alias: { dnsName: "app.example.com" } }, A("a")]);
        const live = (news as unknown as NormalizedInputs).records.map((r) => (r.alias ? { ...r, alias: { ...r.alias, hostedZoneId: "Z1" } } : { ...r, resource: "ingress/x/y" }));
        assert.deepStrictEqual(diffRecords(live, live), []);
        assert.strictEqual(diffState({ ...state(news), records: live }, news).changes, false);
    });

    it("is what the provider returns (no replacement deletes first)", async () => {
        const result = await new Route53RecordSyncProvider().diff("id", state(checked([A("a")])), checked([A("a")], { zoneName: "example.org", records: [A("a.example.org")] }));
        assert.deepStrictEqual(result, { changes: true, replaces: ["zoneName"], deleteBeforeReplace: false });
    });
});
