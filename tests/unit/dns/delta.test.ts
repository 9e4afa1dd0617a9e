import * as assert from "assert";
import * as fc from "fast-check";
import { packBatches } from "../../../providers/dns/batches";
import { stateDelta, withLiveNames } from "../../../providers/dns/delta";
import type { Registries } from "../../../providers/dns/ownership";
import { indexZone, ownedView } from "../../../providers/dns/ownership";
import { planChanges } from "../../../providers/dns/plan";
import { recordKey } from "../../../providers/dns/records";
import type { NormalizedInputs, NormalizedRecord, Policy, Rrset } from "../../../providers/dns/types";
import { checkInputs } from "../../../providers/dns/validate";
import { ZoneModel } from "./route53Model";

const ZONE = "example.com.";
const INSTANCE = "0123456789ab";
const REG: Registries = { current: { ownerId: "me", txtPrefix: "" }, instance: INSTANCE };
const BASE: Rrset[] = [{ Name: ZONE, Type: "NS", TTL: 172800, ResourceRecords: [{ Value: "ns-1.awsdns-1.com." }] }];

function records(raw: unknown[]): NormalizedRecord[] {
    const out = checkInputs({ zoneName: ZONE, ownerId: "me", records: raw });
    assert.deepStrictEqual(out.failures, []);
    return (out.inputs as unknown as NormalizedInputs).records;
}

const a = (name: string, ip = "192.0.2.1", resource?: string) => ({ name, type: "A", ttl: 300, values: [ip], ...(resource ? { resource } : {}) });

/** Applies a plan made against `zone` (record sets) to the model; throws when the model refuses a request. */
function apply(model: ZoneModel, zone: readonly Rrset[], desired: readonly NormalizedRecord[], previous: ReadonlyArray<{ name: string; type: string }>, policy: Policy = "sync"): number {
    const plan = planChanges({ zone: indexZone(ZONE, zone), desired, previous, registries: REG, policy });
    assert.deepStrictEqual(plan.conflicts, []);
    const batches = packBatches(plan.groups);
    for (const b of batches) model.apply(b);
    return batches.length;
}

/** A zone synced to `recs` by an instance, and the state that sync wrote. */
function synced(recs: NormalizedRecord[]): { model: ZoneModel; state: Record<string, unknown> } {
    const model = new ZoneModel(ZONE, BASE);
    apply(model, model.list(), recs, []);
    return { model, state: { zoneName: ZONE, records: recs, claims: recs.map((r) => ({ name: r.name, type: r.type })) } };
}

/** The records this instance holds in the model, by key. */
function held(model: ZoneModel, keys: ReadonlyArray<{ name: string; type: string }>): Map<string, NormalizedRecord> {
    const view = ownedView(indexZone(ZONE, model.list()), keys, REG);
    return new Map(view.records.map((r) => [recordKey(r.name, r.type), r]));
}

describe("dns incremental update (plan from the previous state)", () => {
    it("a value change: only that record, planned as DELETE exact + CREATE of the record and its marker", () => {
        const before = records([a("app", "192.0.2.1", "ing/app"), a("api")]);
        const { model, state } = synced(before);
        const next = records([a("app", "192.0.2.9", "ing/app"), a("api")]);
        const delta = stateDelta(state, ZONE, next, REG, "sync");
        assert.deepStrictEqual(delta.desired.map((r) => r.name), ["app.example.com."]);
        assert.deepStrictEqual(delta.namesToRead, []);
        const plan = planChanges({ zone: indexZone(ZONE, delta.assumed), desired: delta.desired, previous: delta.previous, registries: REG, policy: "sync" });
        assert.deepStrictEqual(
            plan.groups.flat().map((c) => `${c.action} ${c.rrset.Name} ${c.rrset.Type}`).sort(),
            ["CREATE a-app.example.com. TXT", "CREATE app.example.com. A", "DELETE a-app.example.com. TXT", "DELETE app.example.com. A"],
        );
        // the assumed marker is byte-identical to the one the sync wrote, so the model accepts the request
        for (const b of packBatches(plan.groups)) model.apply(b);
        assert.deepStrictEqual(held(model, next).get(recordKey("app.example.com.", "A"))?.values, ["192.0.2.9"]);
    });

    it("nothing changed: nothing to plan and nothing to read", () => {
        const recs = records([a("app"), a("api")]);
        const delta = stateDelta(synced(recs).state, ZONE, recs, REG, "sync");
        assert.deepStrictEqual([delta.desired, delta.previous, delta.assumed, delta.namesToRead], [[], [], [], []]);
    });

    it("an add reads the new name only; a removal needs no read; upsert-only never removes", () => {
        const recs = records([a("app"), a("api")]);
        const { state } = synced(recs);
        const added = stateDelta(state, ZONE, records([a("app"), a("api"), a("new")]), REG, "sync");
        assert.deepStrictEqual(added.namesToRead, ["new.example.com."]);
        const removed = stateDelta(state, ZONE, records([a("app")]), REG, "sync");
        assert.deepStrictEqual([removed.namesToRead, removed.previous.map((k) => k.name)], [[], ["api.example.com."]]);
        assert.deepStrictEqual(stateDelta(state, ZONE, records([a("app")]), REG, "upsert-only").previous, []);
    });

    it("the same-name rules see the other records of a changed name (a CNAME replacing two types)", () => {
        const { state } = synced(records([a("app"), { name: "app", type: "AAAA", ttl: 300, values: ["2001:db8::1"] }]));
        const delta = stateDelta(state, ZONE, records([{ name: "app", type: "CNAME", ttl: 300, values: ["x.example.org"] }]), REG, "sync");
        assert.deepStrictEqual(delta.previous.map((k) => k.type).sort(), ["A", "AAAA"]);
        assert.strictEqual(delta.assumed.length, 4, "both records and both markers");
    });

    it("withLiveNames replaces what was read and keeps the rest of the assumed zone", () => {
        const assumed: Rrset[] = [{ Name: "x.example.com.", Type: "A", TTL: 1, ResourceRecords: [{ Value: "192.0.2.1" }] }, { Name: "y.example.com.", Type: "A", TTL: 1, ResourceRecords: [{ Value: "192.0.2.2" }] }];
        const live: Rrset[] = [{ Name: "x.example.com.", Type: "AAAA", TTL: 1, ResourceRecords: [{ Value: "2001:db8::1" }] }];
        assert.deepStrictEqual(withLiveNames(assumed, live, ["x.example.com."]), [assumed[1], live[0]]);
    });

    it("property: without drift the request applies and yields the desired records; with drift at a changed name Route53 refuses it whole", () => {
        const names = ["a", "b", "c", "d", "e", "f"];
        const recordArb = fc.record({ name: fc.constantFrom(...names), ip: fc.integer({ min: 1, max: 3 }) });
        const setArb = fc.uniqueArray(recordArb, { selector: (r) => r.name, maxLength: 6 });
        fc.assert(
            fc.property(setArb, setArb, fc.option(fc.constantFrom(...names), { nil: undefined }), (before, after, drifted) => {
                const prev = records(before.map((r) => a(r.name, `192.0.2.${r.ip}`)));
                const next = records(after.map((r) => a(r.name, `192.0.2.${r.ip}`)));
                const { model, state } = synced(prev);
                const driftKey = drifted === undefined ? undefined : prev.find((r) => r.name === `${drifted}.example.com.`);
                if (driftKey) model.apply([{ action: "DELETE", rrset: model.get(driftKey.name, "A")! }, { action: "CREATE", rrset: { Name: driftKey.name, Type: "A", TTL: 300, ResourceRecords: [{ Value: "203.0.113.9" }] } }]);
                const snapshot = JSON.stringify(model.list());
                const delta = stateDelta(state, ZONE, next, REG, "sync");
                const zone = withLiveNames(delta.assumed, model.list().filter((r) => delta.namesToRead.includes(r.Name)), delta.namesToRead);
                const touchesDrift = driftKey !== undefined && delta.previous.some((k) => k.name === driftKey.name);
                try {
                    apply(model, zone, delta.desired, delta.previous);
                } catch (err) {
                    assert.ok(touchesDrift, `refused without drift at a changed name: ${(err as Error).message}`);
                    assert.strictEqual(JSON.stringify(model.list()), snapshot, "a refused request changes nothing");
                    // the provider's fallback: plan again from the live names the delta concerns
                    apply(model, model.list(), delta.desired, delta.previous);
                }
                const now = held(model, [...next, ...prev]);
                for (const d of next) {
                    // an unchanged name is not touched (nor read): drift there shows on refresh, not here
                    const want = driftKey && d.name === driftKey.name && !touchesDrift ? ["203.0.113.9"] : d.values;
                    assert.deepStrictEqual(now.get(recordKey(d.name, d.type))?.values, want, `${d.name}`);
                }
                assert.strictEqual(now.size, next.length, "nothing else held");
            }),
            { numRuns: 200 },
        );
    });
});
