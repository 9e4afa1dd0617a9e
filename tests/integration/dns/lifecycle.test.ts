/**
 * Route53RecordSync through the SDK's dynamic-provider host over gRPC, driven in the order the
 * Pulumi engine uses for each lifecycle case (step generator / step executor rules, DESIGN.md
 * "How the engine drives a dynamic provider"), against moto behind a proxy that enforces
 * Route53's own change rules (a DELETE must match the live set, a failing request changes
 * nothing) and injects faults. Every case ends with the exact count of what remains in the zone,
 * and the foreign records byte-identical.
 */
import * as assert from "assert";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, DeleteHostedZoneCommand, ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { dynamicUrn, HostHandle, InitFailure, } from "../fixtures/dynamicProviderHost";
import { Route53Proxy } from "../fixtures/route53Proxy";
import { listZone, marker, newZone, Props, seed, TestZone, useGrpcRoute53Rig } from "./helpers";

const OWNER = "eim-lifecycle";
const CHANGE = "ChangeResourceRecordSets";
/** SOA + NS of a new zone. */
const ZONE_BASE = 2;

describe("Route53RecordSync lifecycle through the gRPC host, in the engine's order", function () {
    this.timeout(300_000);
    const rig = useGrpcRoute53Rig();
    let proxy: Route53Proxy;
    let host: HostHandle;
    let client: Route53Client;
    let __provider: string;
    before(() => ({ proxy, host, client, provider: __provider } = rig()));

    const a = (name: string, ip: string, resource?: string) => ({ name, type: "A", ttl: 60, values: [ip], ...(resource ? { resource } : {}) });
    const many = (n: number, variant = 1) => Array.from({ length: n }, (_, i) => a(`r${i}`, `10.${variant}.${i >> 8}.${i & 255}`, `lifecycle/record-${i}`));
    const inputs = (zone: TestZone, records: unknown[], extra: Props = {}): Props => ({ __provider, zoneName: zone.name, ownerId: OWNER, records, ...extra });

    /** A zone with a record without marker and another owner's record: both must survive every case byte for byte. */
    async function zoneWithForeign(label: string): Promise<{ zone: TestZone; foreign: ResourceRecordSet[] }> {
        const zone = await newZone(client, label);
        const z = zone.name;
        await seed(client, zone.id, [
            { Name: `hand.${z}.`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "198.51.100.1" }] },
            { Name: `theirs.${z}.`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "198.51.100.2" }] },
            { Name: `a-theirs.${z}.`, Type: "TXT", TTL: 60, ResourceRecords: [{ Value: marker("someone-else") }] },
        ]);
        const foreign = (await listZone(client, zone.id)).filter((r) => r.Type !== "SOA" && r.Type !== "NS");
        return { zone, foreign };
    }

    /** Asserts the zone holds exactly SOA + NS + the foreign sets + `ours` record sets (records and markers), foreign ones unchanged. */
    async function assertZone(zone: TestZone, foreign: ResourceRecordSet[], ours: number): Promise<ResourceRecordSet[]> {
        const live = await listZone(client, zone.id);
        assert.strictEqual(live.length, ZONE_BASE + foreign.length + ours, `zone holds ${live.map((r) => `${r.Name} ${r.Type}`).join(", ")}`);
        const names = new Set(foreign.map((r) => `${r.Name} ${r.Type}`));
        assert.deepStrictEqual(live.filter((r) => names.has(`${r.Name} ${r.Type}`)), foreign, "foreign records byte-identical");
        return live;
    }

    /** The instance label of the marker of `name` (A). */
    async function holderOf(zone: TestZone, name: string): Promise<string | undefined> {
        const set = (await listZone(client, zone.id)).find((r) => r.Name === `a-${name}.${zone.name}.` && r.Type === "TXT");
        return set && /eim-instance=([0-9a-f]+)/.exec(set.ResourceRecords?.[0]?.Value ?? "")?.[1];
    }

    /** `pulumi up` of a new resource: check, create. */
    async function create(urn: string, news: Props): Promise<{ id: string; outs: Props; inputs: Props }> {
        const checked = await host.check(urn, {}, news);
        assert.deepStrictEqual(checked.failures, []);
        const created = await host.create(urn, checked.inputs);
        return { id: created.id, outs: created.outs, inputs: checked.inputs };
    }

    /** `pulumi up` of an existing resource: check, diff, update when there are changes (always after init errors). */
    async function up(urn: string, state: { id: string; outs: Props; inputs: Props }, news: Props, initErrors = false): Promise<{ id: string; outs: Props; inputs: Props }> {
        const checked = await host.check(urn, state.inputs, news);
        assert.deepStrictEqual(checked.failures, []);
        const diff = await host.diff(state.id, urn, state.outs, checked.inputs);
        assert.deepStrictEqual(diff.replaces, [], "no replacement");
        if (!diff.changes && !initErrors) return { ...state, inputs: checked.inputs };
        const updated = await host.update(state.id, urn, state.outs, checked.inputs);
        return { id: state.id, outs: updated.outs, inputs: checked.inputs };
    }

    function partialOf(err: unknown): InitFailure {
        const partial = (err as { partial?: InitFailure }).partial;
        assert.ok(partial, `the error must be the SDK's partial-state error (an ErrorResourceInitFailed with id and properties), got: ${(err as Error).message}`);
        assert.ok(partial.id !== "", "partial state has an id");
        assert.strictEqual(partial.properties.__provider, __provider, "the partial state keeps __provider, so the engine can update and delete it later");
        return partial;
    }

    it("check with inputs an Output left undefined (absent from the request) answers failures naming the field, never crashes", async () => {
        const urn = dynamicUrn("records");
        const checked = await host.check(urn, {}, { __provider, zoneName: "example.com", records: [{ name: "app", type: "A" }, { type: "A", values: ["192.0.2.1"] }] });
        assert.deepStrictEqual(checked.failures.map((f) => f.property), ["ownerId", "records[0]", "records[1].name"]);
        const noRecords = await host.check(urn, {}, { __provider, zoneName: "example.com", ownerId: OWNER });
        assert.deepStrictEqual(noRecords.failures.map((f) => f.property), ["records"]);
    });

    it("pulumi up --replace (create-before-delete, same URN): the new instance takes the records over, the old one's delete leaves them", async () => {
        const { zone, foreign } = await zoneWithForeign("replace");
        const urn = dynamicUrn("records");
        const records = [a("app", "192.0.2.1", "ingress/demo/app"), a("api", "192.0.2.2")];
        const old = await create(urn, inputs(zone, records));
        // --replace: the engine creates the replacement (diff is not asked), then deletes the old resource with its state
        const replacement = await create(urn, inputs(zone, records));
        await host.delete(old.id, urn, old.outs);
        await assertZone(zone, foreign, 4);
        assert.strictEqual(await holderOf(zone, "app"), replacement.outs.instanceId, "the replacement holds the records");
        await host.delete(replacement.id, urn, replacement.outs);
        await assertZone(zone, foreign, 0);
    });

    it("rename without alias (create the new URN, delete the old at the end): nothing is lost", async () => {
        const { zone, foreign } = await zoneWithForeign("rename");
        const records = [a("app", "192.0.2.1"), a("www", "192.0.2.3")];
        const old = await create(dynamicUrn("records-old"), inputs(zone, records));
        const renamed = await create(dynamicUrn("records-new"), inputs(zone, records));
        await host.delete(old.id, dynamicUrn("records-old"), old.outs);
        await assertZone(zone, foreign, 4);
        // refresh of the renamed resource: no drift
        const read = await host.read(renamed.id, dynamicUrn("records-new"), renamed.outs, renamed.inputs);
        assert.strictEqual((await host.diff(renamed.id, dynamicUrn("records-new"), read.props, renamed.inputs)).changes, false);
    });

    for (const order of ["adopter first", "releaser first", "concurrently"] as const) {
        it(`records moved between two resources of one owner, updates run ${order}: the moved record survives with its new holder`, async () => {
            const { zone, foreign } = await zoneWithForeign(`move-${order.split(" ")[0]}`);
            const [u1, u2] = [dynamicUrn("records-1"), dynamicUrn("records-2")];
            const x = a("x", "192.0.2.1");
            const y = a("y", "192.0.2.2", "ingress/demo/y");
            const z = a("z", "192.0.2.3");
            let r1 = await create(u1, inputs(zone, [x, y]));
            let r2 = await create(u2, inputs(zone, [z]));
            const release = async () => (r1 = await up(u1, r1, inputs(zone, [x])));
            const adopt = async () => (r2 = await up(u2, r2, inputs(zone, [y, z])));
            if (order === "adopter first") {
                await adopt();
                await release();
            } else if (order === "releaser first") {
                await release();
                await adopt();
            } else {
                await Promise.all([adopt(), release()]);
            }
            await assertZone(zone, foreign, 6);
            assert.strictEqual(await holderOf(zone, "y"), r2.outs.instanceId);
            // both refresh without drift, and destroying both leaves only the foreign records
            for (const [urn, state] of [[u1, r1], [u2, r2]] as const) {
                const read = await host.read(state.id, urn, state.outs, state.inputs);
                assert.strictEqual((await host.diff(state.id, urn, read.props, state.inputs)).changes, false, `${urn} has no drift`);
            }
            await Promise.all([host.delete(r1.id, u1, r1.outs), host.delete(r2.id, u2, r2.outs)]);
            await assertZone(zone, foreign, 0);
        });
    }

    it("a takeover lands between the releaser's read and its write: Route53 refuses the stale request, the releaser plans again and leaves the record", async () => {
        const { zone, foreign } = await zoneWithForeign("race");
        const [u1, u2] = [dynamicUrn("records-1"), dynamicUrn("records-2")];
        const x = a("x", "192.0.2.1");
        const y = a("y", "192.0.2.2");
        let r1 = await create(u1, inputs(zone, [x, y]));
        let r2 = await create(u2, inputs(zone, [a("z", "192.0.2.3")]));
        proxy.reset();
        // the releaser's first change request is held back 1.5 s after its read; the adopter reads and writes meanwhile
        proxy.setFaults({ rules: [{ action: CHANGE, nth: 1, fault: { kind: "latency", ms: 1500 } }] });
        const releasing = up(u1, r1, inputs(zone, [x]));
        await new Promise((resolve) => setTimeout(resolve, 500));
        r2 = await up(u2, r2, inputs(zone, [y, a("z", "192.0.2.3")]));
        r1 = await releasing;
        const changes = proxy.calls().filter((c) => c.action === CHANGE);
        // arrival order: the releaser's DELETE of y and its marker (held back, then refused: the marker changed meanwhile), the adopter's relabel
        // (DELETE + CREATE of the marker); the releaser then plans again from the live zone and has nothing left to send
        assert.deepStrictEqual(changes.map((c) => c.changes), [2, 2]);
        await assertZone(zone, foreign, 6);
        assert.strictEqual(await holderOf(zone, "y"), r2.outs.instanceId);
        assert.deepStrictEqual((r1.outs.records as { name: string }[]).map((r) => r.name), [`x.${zone.name}.`]);
    });

    it("HTTP 500 after batch 1 on create: partial state is recorded; the next up converges and destroy leaves nothing", async () => {
        const { zone, foreign } = await zoneWithForeign("create500");
        const urn = dynamicUrn("records");
        const n = 400; // two requests
        proxy.setFaults({ rules: [{ action: CHANGE, nth: 2, times: 100, fault: { kind: "status", status: 500 } }] });
        const checked = await host.check(urn, {}, inputs(zone, many(n)));
        const partial = partialOf(await host.create(urn, checked.inputs).then(() => assert.fail("create must fail"), (e: unknown) => e));
        const applied = (partial.properties.records as unknown[]).length;
        assert.ok(applied > 0 && applied < n, `batch 1 applied ${applied} records`);
        await assertZone(zone, foreign, 2 * applied);
        proxy.setFaults({ rules: [] });
        // the engine recorded the partial state with init errors: the next up updates from it
        const state = await up(urn, { id: partial.id, outs: partial.properties, inputs: checked.inputs }, inputs(zone, many(n)), true);
        await assertZone(zone, foreign, 2 * n);
        await host.delete(state.id, urn, state.outs);
        await assertZone(zone, foreign, 0);
    });

    it("HTTP 500 after batch 1 on create, then destroy at once: nothing is left", async () => {
        const { zone, foreign } = await zoneWithForeign("create500d");
        const urn = dynamicUrn("records");
        proxy.setFaults({ rules: [{ action: CHANGE, nth: 2, times: 100, fault: { kind: "status", status: 500 } }] });
        const checked = await host.check(urn, {}, inputs(zone, many(400)));
        const partial = partialOf(await host.create(urn, checked.inputs).then(() => assert.fail("create must fail"), (e: unknown) => e));
        proxy.setFaults({ rules: [] });
        await host.delete(partial.id, urn, partial.properties);
        await assertZone(zone, foreign, 0);
    });

    it("HTTP 500 after batch 1 on update, then the program is reverted: the next up removes what the failed update wrote", async () => {
        const { zone, foreign } = await zoneWithForeign("update500");
        const urn = dynamicUrn("records");
        const original = [a("keep", "192.0.2.1")];
        const created = await create(urn, inputs(zone, original));
        proxy.setFaults({ rules: [{ action: CHANGE, nth: 2, times: 100, fault: { kind: "status", status: 500 } }] });
        const grown = await host.check(urn, created.inputs, inputs(zone, [...original, ...many(400)]));
        const partial = partialOf(await host.update(created.id, urn, created.outs, grown.inputs).then(() => assert.fail("update must fail"), (e: unknown) => e));
        const applied = (partial.properties.records as unknown[]).length;
        assert.ok(applied > 1, "the partial state lists the records batch 1 wrote");
        await assertZone(zone, foreign, 2 * applied);
        proxy.setFaults({ rules: [] });
        // reverted program: diff against the partial state shows the removal, the update removes them
        const reverted = await up(urn, { id: partial.id, outs: partial.properties, inputs: grown.inputs }, inputs(zone, original), true);
        await assertZone(zone, foreign, 2);
        await host.delete(reverted.id, urn, reverted.outs);
        await assertZone(zone, foreign, 0);
    });

    for (const next of ["up", "destroy"] as const) {
        it(`HTTP 500 half way through an owner id migration, then ${next}: the partial state keeps the old owner's markers its own`, async () => {
            const { zone, foreign } = await zoneWithForeign(`migrate-${next}`);
            const urn = dynamicUrn("records");
            const n = 400; // two requests of relabelled markers
            const created = await create(urn, inputs(zone, many(n)));
            proxy.setFaults({ rules: [{ action: CHANGE, nth: 2, times: 100, fault: { kind: "status", status: 500 } }] });
            const migrated = await host.check(urn, created.inputs, inputs(zone, many(n), { ownerId: "eim-lifecycle-new" }));
            const partial = partialOf(await host.update(created.id, urn, created.outs, migrated.inputs).then(() => assert.fail("update must fail"), (e: unknown) => e));
            proxy.setFaults({ rules: [] });
            const live = await listZone(client, zone.id);
            const owners = (owner: string) => live.filter((r) => r.Type === "TXT" && r.ResourceRecords?.[0]?.Value?.includes(`external-dns/owner=${owner},`)).length;
            assert.ok(owners("eim-lifecycle-new") > 0 && owners(OWNER) > 0, "half the markers migrated");
            assert.deepStrictEqual((partial.properties.migratingFrom as Props).ownerId, OWNER);
            if (next === "up") {
                const state = await up(urn, { id: partial.id, outs: partial.properties, inputs: migrated.inputs }, inputs(zone, many(n), { ownerId: "eim-lifecycle-new" }), true);
                const after = await listZone(client, zone.id);
                assert.strictEqual(after.filter((r) => r.Type === "TXT" && r.ResourceRecords?.[0]?.Value?.includes("external-dns/owner=eim-lifecycle-new,")).length, n);
                assert.strictEqual(state.outs.migratingFrom, undefined, "a completed migration drops migratingFrom");
                await assertZone(zone, foreign, 2 * n);
                await host.delete(state.id, urn, state.outs);
            } else {
                await host.delete(partial.id, urn, partial.properties);
            }
            await assertZone(zone, foreign, 0);
        });
    }

    it("refresh after the hosted zone was deleted (and re-created under the same name) reads as gone; the next up creates in the new zone", async () => {
        const zone = await newZone(client, "zonegone");
        const urn = dynamicUrn("records");
        const created = await create(urn, inputs(zone, [a("app", "192.0.2.1")]));
        const ours = (await listZone(client, zone.id)).filter((r) => r.Type !== "SOA" && r.Type !== "NS");
        await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.id, ChangeBatch: { Changes: ours.map((ResourceRecordSet) => ({ Action: "DELETE", ResourceRecordSet })) } }));
        await client.send(new DeleteHostedZoneCommand({ Id: zone.id }));
        const made = await client.send(new CreateHostedZoneCommand({ Name: zone.name, CallerReference: `${zone.name}-again` }));
        const again: TestZone = { name: zone.name, id: (made.HostedZone?.Id ?? "").replace(/^\/hostedzone\//, "") };
        const read = await host.read(created.id, urn, created.outs, created.inputs);
        assert.strictEqual(read.id, "", "an empty id tells the engine the resource is gone");
        // the engine drops it from state; the next up creates it in the zone now bearing that name
        const recreated = await create(urn, inputs(again, [a("app", "192.0.2.1")]));
        await assertZone(again, [], 2);
        assert.strictEqual(recreated.outs.zoneId, again.id);
    });

    it("refresh, then destroy, after a record was deleted by hand: its orphaned marker goes too", async () => {
        const { zone, foreign } = await zoneWithForeign("handdelete");
        const urn = dynamicUrn("records");
        const created = await create(urn, inputs(zone, [a("app", "192.0.2.1"), a("gone", "192.0.2.2")]));
        await client.send(
            new ChangeResourceRecordSetsCommand({
                HostedZoneId: zone.id,
                ChangeBatch: { Changes: [{ Action: "DELETE", ResourceRecordSet: { Name: `gone.${zone.name}.`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.2" }] } }] },
            }),
        );
        await assertZone(zone, foreign, 3);
        const read = await host.read(created.id, urn, created.outs, created.inputs);
        assert.deepStrictEqual((read.props.records as { name: string }[]).map((r) => r.name), [`app.${zone.name}.`], "refresh reports the live records");
        await host.delete(created.id, urn, read.props);
        await assertZone(zone, foreign, 0);
    });

    it("refresh after a hand delete, then an up without that record: the orphaned marker is removed", async () => {
        const { zone, foreign } = await zoneWithForeign("handdelete2");
        const urn = dynamicUrn("records");
        const created = await create(urn, inputs(zone, [a("app", "192.0.2.1"), a("gone", "192.0.2.2")]));
        await client.send(
            new ChangeResourceRecordSetsCommand({
                HostedZoneId: zone.id,
                ChangeBatch: { Changes: [{ Action: "DELETE", ResourceRecordSet: { Name: `gone.${zone.name}.`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.2" }] } }] },
            }),
        );
        const read = await host.read(created.id, urn, created.outs, created.inputs);
        await up(urn, { id: created.id, outs: read.props, inputs: created.inputs }, inputs(zone, [a("app", "192.0.2.1")]));
        await assertZone(zone, foreign, 2);
    });

    it("destroy with thin state (no records, no fqdns, no change ids) removes everything it holds", async () => {
        const { zone, foreign } = await zoneWithForeign("thin");
        const urn = dynamicUrn("records");
        const created = await create(urn, inputs(zone, [a("app", "192.0.2.1"), a("api", "192.0.2.2")]));
        const { records: _r, fqdns: _f, changeIds: _c, changeCounts: _cc, apiCalls: _a, claims: _cl, ...thin } = created.outs;
        await host.delete(created.id, urn, thin);
        await assertZone(zone, foreign, 0);
    });

    it("state written by earlier versions (no instanceId, claims or zoneId; unlabelled markers): no spurious diff or replacement, refresh agrees, and a later replace loses nothing", async () => {
        const { zone, foreign } = await zoneWithForeign("oldstate");
        const z = zone.name;
        const urn = dynamicUrn("records");
        // the zone as the earlier provider wrote it
        await seed(client, zone.id, [
            { Name: `app.${z}.`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }] },
            { Name: `a-app.${z}.`, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: marker(OWNER, "ingress/demo/app") }] },
        ]);
        const record = { name: `app.${z}.`, type: "A", ttl: 60, values: ["192.0.2.1"], resource: "ingress/demo/app" };
        const oldInputs = { zoneName: `${z}.`, privateZone: false, ownerId: OWNER, txtPrefix: "", policy: "sync", records: [record] };
        const shapes: Record<string, Props> = {
            "first release": { ...oldInputs, zoneId: zone.id, fqdns: [z], changeIds: ["C1"], changeCounts: { create: 2, upsert: 0, delete: 0 }, apiCalls: { read: 2, change: 1 }, __provider },
            "without zoneId": { ...oldInputs, fqdns: [z], changeIds: ["C1"], changeCounts: { create: 2, upsert: 0, delete: 0 }, apiCalls: { read: 2, change: 1 }, __provider },
        };
        const news = inputs(zone, [a("app", "192.0.2.1", "ingress/demo/app")], { zoneId: zone.id });
        for (const [shape, outs] of Object.entries(shapes)) {
            const checked = await host.check(urn, oldInputs, news);
            const diff = await host.diff(`${zone.id}/${OWNER}`, urn, outs, checked.inputs);
            assert.deepStrictEqual({ changes: diff.changes, replaces: diff.replaces }, { changes: false, replaces: [] }, `${shape}: no diff`);
            const read = await host.read(`${zone.id}/${OWNER}`, urn, outs, checked.inputs);
            assert.deepStrictEqual((read.props.records as Props[]).map((r) => r.name), [`app.${z}.`], `${shape}: refresh keeps the record`);
            assert.strictEqual((await host.diff(read.id, urn, read.props, checked.inputs)).changes, false, `${shape}: no diff after refresh`);
        }
        // --replace of the old-state resource: the replacement takes over, the old delete leaves it
        const replacement = await create(urn, news);
        await host.delete(`${zone.id}/${OWNER}`, urn, shapes["without zoneId"]);
        await assertZone(zone, foreign, 2);
        assert.strictEqual(await holderOf(zone, "app"), replacement.outs.instanceId);
    });

    it("an old state that lists no records (thin) is destroyed by its owner's unlabelled markers, never another instance's", async () => {
        const { zone, foreign } = await zoneWithForeign("oldthin");
        const z = zone.name;
        const urn = dynamicUrn("records");
        await seed(client, zone.id, [
            { Name: `old.${z}.`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }] },
            { Name: `a-old.${z}.`, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: marker(OWNER) }] },
        ]);
        const other = await create(dynamicUrn("other"), inputs(zone, [a("kept", "192.0.2.9")]));
        await host.delete(`${zone.id}/${OWNER}`, urn, { zoneName: `${z}.`, ownerId: OWNER, __provider });
        await assertZone(zone, foreign, 2);
        assert.strictEqual(await holderOf(zone, "kept"), other.outs.instanceId);
    });
});
