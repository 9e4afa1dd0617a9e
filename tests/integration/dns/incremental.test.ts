/**
 * Incremental updates (issue 12) through the SDK's dynamic-provider host over gRPC, in the
 * engine's order (check → diff → update), against moto behind the proxy in strict mode (Route53's
 * own change rules: a DELETE must match exactly, a CREATE needs an absent set, a request is
 * atomic). The proxy counts every call by action, so each case asserts the exact calls.
 *
 * An update plans from the previous state: a one-record change is one compare-and-swap request
 * and no read of records; when the zone drifted at that name, Route53 refuses the request, nothing
 * is written, and the provider re-plans from targeted reads of the changed names.
 */
import * as assert from "assert";
import { ChangeResourceRecordSetsCommand, ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { dynamicUrn, HostHandle, } from "../fixtures/dynamicProviderHost";
import { Route53Proxy } from "../fixtures/route53Proxy";
import { listZone, marker, newZone, Props, seed, TestZone, useGrpcRoute53Rig } from "./helpers";

const OWNER = "eim-incremental";
const CHANGE = "ChangeResourceRecordSets";
const LIST = "ListResourceRecordSets";
const GET_ZONE = "GetHostedZone";
/** SOA + NS of a new zone. */
const ZONE_BASE = 2;
/** Records per zone: 2 × 400 + 2 record sets, three listing pages, so any listing shows in the counts. */
const N = 400;

describe("Route53RecordSync incremental updates through the gRPC host (strict Route53 rules, calls counted)", function () {
    this.timeout(300_000);
    const rig = useGrpcRoute53Rig();
    let proxy: Route53Proxy;
    let host: HostHandle;
    let client: Route53Client;
    let __provider: string;
    before(() => ({ proxy, host, client, provider: __provider } = rig()));

    type State = { id: string; outs: Props; inputs: Props };
    const a = (name: string, ip: string) => ({ name, type: "A", ttl: 60, values: [ip], resource: `incremental/${name}` });
    const many = (n: number) => Array.from({ length: n }, (_, i) => a(`r${i}`, `10.1.${i >> 8}.${i & 255}`));
    const inputs = (zone: TestZone, records: unknown[]): Props => ({ __provider, zoneName: zone.name, zoneId: zone.id, ownerId: OWNER, records });

    async function create(urn: string, news: Props): Promise<State> {
        const checked = await host.check(urn, {}, news);
        assert.deepStrictEqual(checked.failures, []);
        const created = await host.create(urn, checked.inputs);
        return { id: created.id, outs: created.outs, inputs: checked.inputs };
    }

    /** `pulumi up` of an existing resource: check, diff, update. */
    async function up(urn: string, state: State, news: Props): Promise<State> {
        const checked = await host.check(urn, state.inputs, news);
        assert.deepStrictEqual(checked.failures, []);
        const diff = await host.diff(state.id, urn, state.outs, checked.inputs);
        assert.strictEqual(diff.changes, true, "the engine sees a change");
        proxy.reset();
        const updated = await host.update(state.id, urn, state.outs, checked.inputs);
        return { id: state.id, outs: updated.outs, inputs: checked.inputs };
    }

    /** Every call the proxy saw since the last reset, by action. */
    const calls = (): Record<string, number> => Object.fromEntries(Object.entries(proxy.counts()).filter(([, v]) => v > 0));

    async function liveSet(zone: TestZone, name: string, type: string): Promise<ResourceRecordSet | undefined> {
        return (await listZone(client, zone.id)).find((r) => r.Name === `${name}.${zone.name}.` && r.Type === type);
    }

    const valuesOf = (r: ResourceRecordSet | undefined) => r?.ResourceRecords?.map((v) => v.Value);

    async function bigZone(label: string): Promise<{ zone: TestZone; urn: string; state: State; records: ReturnType<typeof many> }> {
        const zone = await newZone(client, label);
        const urn = dynamicUrn(`records-${label}`);
        const records = many(N);
        const state = await create(urn, inputs(zone, records));
        return { zone, urn, state, records };
    }

    it(`one-record change, add and removal in a ${2 * N + ZONE_BASE}-set zone: 1 change call, at most 2 reads each, no listing`, async () => {
        const { zone, urn, state: created, records } = await bigZone("one");
        const instance = String(created.outs.instanceId);

        // value change: one compare-and-swap request planned from the state, the zone looked up by its pinned id
        const changed = records.map((r, i) => (i === 7 ? { ...r, values: ["192.0.2.77"] } : r));
        let state = await up(urn, created, inputs(zone, changed));
        assert.deepStrictEqual(calls(), { [GET_ZONE]: 1, [CHANGE]: 1 });
        assert.deepStrictEqual(proxy.changeSizes(), [4], "DELETE + CREATE of the record and of its marker");
        assert.deepStrictEqual(valuesOf(await liveSet(zone, "r7", "A")), ["192.0.2.77"]);
        assert.deepStrictEqual(valuesOf(await liveSet(zone, "a-r7", "TXT")), [marker(OWNER, "incremental/r7", instance)]);
        assert.deepStrictEqual(state.outs.changeCounts, { create: 2, upsert: 0, delete: 2 });

        // add: the new name is read (what else lives there), its marker is guarded by CREATE
        const added = [...changed, a("new", "192.0.2.88")];
        state = await up(urn, state, inputs(zone, added));
        assert.deepStrictEqual(calls(), { [GET_ZONE]: 1, [LIST]: 1, [CHANGE]: 1 });
        assert.deepStrictEqual(valuesOf(await liveSet(zone, "new", "A")), ["192.0.2.88"]);

        // removal: DELETE of the exact record and marker the state says this instance wrote
        const removed = added.filter((r) => r.name !== "r3");
        state = await up(urn, state, inputs(zone, removed));
        assert.deepStrictEqual(calls(), { [GET_ZONE]: 1, [CHANGE]: 1 });
        assert.strictEqual(await liveSet(zone, "r3", "A"), undefined);
        assert.strictEqual(await liveSet(zone, "a-r3", "TXT"), undefined);

        // the state is complete (every record, not only the changed ones), and the zone holds exactly it
        assert.strictEqual((state.outs.records as unknown[]).length, N);
        assert.strictEqual((await listZone(client, zone.id)).length, ZONE_BASE + 2 * N);
        await host.delete(state.id, urn, state.outs);
        assert.strictEqual((await listZone(client, zone.id)).length, ZONE_BASE);
    });

    it("a record changed by hand: the planned request is refused, re-planned from targeted reads, the record repaired", async () => {
        const { zone, urn, state, records } = await bigZone("drift-value");
        await seed(client, zone.id, [{ Name: `r5.${zone.name}.`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "203.0.113.5" }] }], "UPSERT");
        const changed = records.map((r, i) => (i === 5 ? { ...r, values: ["192.0.2.55"] } : r));
        const next = await up(urn, state, inputs(zone, changed));
        const c = calls();
        assert.strictEqual(c[CHANGE], 2, "the compare-and-swap request (refused), then the re-planned one");
        assert.strictEqual(c[LIST], 3, "targeted reads, not the zone: the record's name, its a- marker's and the cname- marker ExternalDNS < 0.22 wrote for A records");
        assert.deepStrictEqual(valuesOf(await liveSet(zone, "r5", "A")), ["192.0.2.55"]);
        assert.deepStrictEqual(valuesOf(await liveSet(zone, "a-r5", "TXT")), [marker(OWNER, "incremental/r5", String(state.outs.instanceId))]);
        assert.strictEqual((await listZone(client, zone.id)).length, ZONE_BASE + 2 * N);
        assert.strictEqual((next.outs.records as unknown[]).length, N);
    });

    it("a record deleted by hand: refused, re-planned, re-created with its marker", async () => {
        const { zone, urn, state, records } = await bigZone("drift-gone");
        await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.id, ChangeBatch: { Changes: [{ Action: "DELETE", ResourceRecordSet: { Name: `r9.${zone.name}.`, Type: "A", TTL: 60, ResourceRecords: [{ Value: records[9].values[0] }] } }] } }));
        const changed = records.map((r, i) => (i === 9 ? { ...r, values: ["192.0.2.99"] } : r));
        await up(urn, state, inputs(zone, changed));
        assert.strictEqual(calls()[CHANGE], 2);
        assert.strictEqual(calls()[LIST], 3, "targeted reads of the record's and its marker names only");
        assert.deepStrictEqual(valuesOf(await liveSet(zone, "r9", "A")), ["192.0.2.99"]);
        assert.strictEqual((await listZone(client, zone.id)).length, ZONE_BASE + 2 * N);
    });

    it("a marker taken by another owner: refused, re-planned, reported as a conflict, nothing written", async () => {
        const { zone, urn, state, records } = await bigZone("drift-owner");
        await seed(client, zone.id, [{ Name: `a-r2.${zone.name}.`, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: marker("someone-else") }] }], "UPSERT");
        const before = await listZone(client, zone.id);
        const changed = records.map((r, i) => (i === 2 ? { ...r, values: ["192.0.2.22"] } : r));
        const checked = await host.check(urn, state.inputs, inputs(zone, changed));
        proxy.reset();
        await assert.rejects(host.update(state.id, urn, state.outs, checked.inputs), (err: Error & { partial?: unknown }) => {
            assert.match(err.message, /belongs to "someone-else"|owned by "someone-else"/);
            assert.match(err.message, /nothing was changed/);
            assert.strictEqual(err.partial, undefined, "a plain error: the refused request wrote nothing, the state stays as it was");
            return true;
        });
        assert.strictEqual(calls()[CHANGE], 1, "only the refused compare-and-swap request");
        assert.deepStrictEqual(await listZone(client, zone.id), before, "nothing changed");
    });

    it("a marker taken over by another instance of the same owner: the removal is refused and deletes nothing", async () => {
        const { zone, urn, state, records } = await bigZone("drift-holder");
        const other = await create(dynamicUrn("records-other"), inputs(zone, [records[4]]));
        const taken = await liveSet(zone, "a-r4", "TXT");
        assert.match(valuesOf(taken)?.[0] ?? "", new RegExp(`eim-instance=${String(other.outs.instanceId)}`));
        const next = await up(urn, state, inputs(zone, records.filter((_, i) => i !== 4)));
        assert.strictEqual(calls()[CHANGE], 1, "the refused request only: after the re-plan there is nothing of ours to delete");
        assert.deepStrictEqual(await liveSet(zone, "a-r4", "TXT"), taken, "the other instance keeps its record and marker");
        assert.deepStrictEqual(valuesOf(await liveSet(zone, "r4", "A")), records[4].values);
        assert.strictEqual((next.outs.records as unknown[]).length, N - 1);
    });
});
