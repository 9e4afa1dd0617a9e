/**
 * The handover rule in the pure plan: which instance holds a record, what a takeover writes, and
 * what a resource may delete, on the strict Route53 zone model.
 */
import * as assert from "assert";
import { packBatches } from "../../../providers/dns/batches";
import { heldKeysInZone, indexZone, ownedView, type Registries } from "../../../providers/dns/ownership";
import { planChanges } from "../../../providers/dns/plan";
import { toRrset } from "../../../providers/dns/records";
import { markerLabels, renderMarker } from "../../../providers/dns/registry";
import type { NormalizedInputs, NormalizedRecord, Rrset } from "../../../providers/dns/types";
import { checkInputs } from "../../../providers/dns/validate";
import { ZoneModel } from "./route53Model";

const ZONE = "example.com.";
const reg = (instance: string): Registries => ({ current: { ownerId: "me", txtPrefix: "" }, instance });
const rec = (name: string, ip = "192.0.2.1"): NormalizedRecord =>
    (checkInputs({ zoneName: ZONE, ownerId: "me", records: [{ name, type: "A", values: [ip] }] }).inputs as unknown as NormalizedInputs).records[0];
const marker = (name: string, owner: string, instance?: string): Rrset => ({ Name: name, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: renderMarker(markerLabels(owner, undefined, instance)) }] });
const summary = (model: ZoneModel, instance: string, desired: NormalizedRecord[], previous: NormalizedRecord[]) => {
    const plan = planChanges({ zone: indexZone(ZONE, model.list()), desired, previous, registries: reg(instance), policy: "sync" });
    assert.deepStrictEqual(plan.conflicts, []);
    const requests = packBatches(plan.groups);
    for (const r of requests) model.apply(r);
    return requests.map((r) => r.map((c) => `${c.action} ${c.rrset.Name} ${c.rrset.Type}`));
};

describe("dns handover between instances of one owner", () => {
    it("takes a record held by another instance over by replacing its marker (exact DELETE + CREATE), record untouched", () => {
        const model = new ZoneModel(ZONE, [toRrset(rec("app")), marker("a-app.example.com.", "me", "old")]);
        assert.deepStrictEqual(summary(model, "new", [rec("app")], []), [["DELETE a-app.example.com. TXT", "CREATE a-app.example.com. TXT"]]);
        assert.strictEqual(model.get("a-app.example.com.", "TXT")?.ResourceRecords?.[0].Value, renderMarker(markerLabels("me", undefined, "new")));
    });

    it("never deletes what another instance holds, even when its own state lists it", () => {
        const model = new ZoneModel(ZONE, [toRrset(rec("app")), marker("a-app.example.com.", "me", "new")]);
        assert.deepStrictEqual(summary(model, "old", [], [rec("app")]), []);
        assert.ok(model.get("app.example.com.", "A"));
    });

    it("deletes what it holds, and markers without any instance label its state lists", () => {
        const model = new ZoneModel(ZONE, [toRrset(rec("a")), marker("a-a.example.com.", "me", "self"), toRrset(rec("b")), marker("a-b.example.com.", "me")]);
        assert.deepStrictEqual(summary(model, "self", [], [rec("a"), rec("b")])[0].sort(), [
            "DELETE a-a.example.com. TXT",
            "DELETE a-b.example.com. TXT",
            "DELETE a.example.com. A",
            "DELETE b.example.com. A",
        ]);
    });

    it("a takeover planned from a stale read fails as a whole on Route53 (compare-and-swap)", () => {
        const model = new ZoneModel(ZONE, [toRrset(rec("app")), marker("a-app.example.com.", "me", "old")]);
        const stale = planChanges({ zone: indexZone(ZONE, model.list()), desired: [], previous: [rec("app")], registries: reg("old"), policy: "sync" });
        summary(model, "new", [rec("app")], []); // the new instance takes over in between
        const before = model.list();
        assert.throws(() => model.apply(packBatches(stale.groups)[0]), /DELETE does not match/);
        assert.deepStrictEqual(model.list(), before, "nothing applied");
    });

    it("refresh view: records held, and markers of records deleted by hand as claims; a thin state finds its markers in a full listing", () => {
        const zone = indexZone(ZONE, [toRrset(rec("app")), marker("a-app.example.com.", "me", "self"), marker("a-gone.example.com.", "me", "self"), marker("a-old.example.com.", "me"), marker("a-theirs.example.com.", "me", "other")]);
        const view = ownedView(zone, [{ name: "app.example.com.", type: "A" }, { name: "gone.example.com.", type: "A" }], reg("self"));
        assert.deepStrictEqual(view.records.map((r) => r.name), ["app.example.com."]);
        assert.deepStrictEqual(view.claims, [{ name: "app.example.com.", type: "A" }, { name: "gone.example.com.", type: "A" }]);
        const keys = (unlabelled: boolean) => heldKeysInZone(zone, reg("self"), unlabelled).map((k) => `${k.name} ${k.type}`).sort();
        assert.deepStrictEqual(keys(false), ["app.example.com. A", "gone.example.com. A"]);
        assert.deepStrictEqual(keys(true), ["app.example.com. A", "gone.example.com. A", "old.example.com. A"]);
    });
});
