// Route53RecordSync against moto behind the fault-injecting proxy: throttling,
// a failing batch, a lost response. After every run the zone is listed directly
// against moto (not through the proxy) and must be self-consistent, converge on
// a re-run, and keep a foreign record and another owner's record byte-for-byte.
import * as assert from "assert";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { Route53RecordSyncProvider } from "../../../providers/dns";
import { useMoto } from "../fixtures/moto";
import { Route53Proxy, startRoute53Proxy } from "../fixtures/route53Proxy";
import { listZone } from "./helpers";

const OWNER = "faults-test";
const CHANGE = "ChangeResourceRecordSets";

interface Zone {
    readonly name: string;
    readonly id: string;
    /** The foreign and other-owner record sets as placed before the sync. */
    readonly untouchable: ResourceRecordSet[];
}

type Inputs = Record<string, unknown>;

function wantedRecords(zone: string, n: number, variant = 1): { name: string; type: "A"; ttl: number; values: string[]; resource: string }[] {
    return Array.from({ length: n }, (_, i) => ({
        name: `r${i}.${zone}`,
        type: "A" as const,
        ttl: 60,
        values: [`10.${variant}.${(i >> 8) & 255}.${i & 255}`],
        resource: `faults/record-${i}`,
    }));
}

function inputsFor(zone: string, n: number, variant = 1): Inputs {
    return { zoneName: zone, ownerId: OWNER, records: wantedRecords(zone, n, variant) };
}

const stripDot = (s?: string): string => (s ?? "").replace(/\.$/, "");
const isOurMarker = (r: ResourceRecordSet): boolean =>
    r.Type === "TXT" && (r.ResourceRecords ?? []).some((v) => (v.Value ?? "").includes(`external-dns/owner=${OWNER}`));

describe("Route53RecordSync under faults (moto behind the fault proxy)", function () {
    this.timeout(120_000);
    const moto = useMoto();
    let proxy: Route53Proxy;
    let direct: Route53Client;
    let savedMaxRps: string | undefined;
    let zoneSeq = 0;

    before(async () => {
        proxy = await startRoute53Proxy(moto().endpoint);
        direct = new Route53Client({ endpoint: moto().endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
        savedMaxRps = process.env.EIM_ROUTE53_MAX_RPS;
        process.env.EIM_ROUTE53_MAX_RPS = "1000";
    });
    beforeEach(() => {
        proxy.reset();
        proxy.setFaults({ rules: [] });
        process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    });
    afterEach(() => {
        process.env.AWS_ENDPOINT_URL = moto().endpoint;
    });
    after(async () => {
        if (savedMaxRps === undefined) delete process.env.EIM_ROUTE53_MAX_RPS;
        else process.env.EIM_ROUTE53_MAX_RPS = savedMaxRps;
        direct?.destroy();
        await proxy?.close();
    });

    /** A fresh zone holding a foreign A record (no marker) and another owner's A record with its marker. */
    async function seedZone(label: string): Promise<Zone> {
        const name = `${label}-${++zoneSeq}-${Date.now().toString(36)}.faults.test`;
        const created = await direct.send(new CreateHostedZoneCommand({ Name: name, CallerReference: `${name}-ref` }));
        const id = stripDot(created.HostedZone?.Id).replace(/^\/hostedzone\//, "");
        const set = (Name: string, Type: "A" | "TXT", Value: string): ResourceRecordSet => ({ Name: `${Name}.`, Type, TTL: 120, ResourceRecords: [{ Value }] });
        const placed = [
            set(`foreign.${name}`, "A", "198.51.100.7"),
            set(`foreign.${name}`, "TXT", '"hand-made, not a marker"'),
            set(`other.${name}`, "A", "198.51.100.8"),
            set(`a-other.${name}`, "TXT", '"heritage=external-dns,external-dns/owner=someone-else,external-dns/resource=ingress/other/app"'),
        ];
        await direct.send(new ChangeResourceRecordSetsCommand({
            HostedZoneId: id,
            ChangeBatch: { Changes: placed.map((ResourceRecordSet) => ({ Action: "CREATE", ResourceRecordSet })) },
        }));
        const names = new Set(placed.map((p) => p.Name));
        const untouchable = (await listZone(direct, id)).filter((r) => names.has(r.Name));
        assert.strictEqual(untouchable.length, placed.length, "seeded records must be listed back");
        return { name, id, untouchable };
    }

    async function assertUntouched(zone: Zone): Promise<void> {
        const names = new Set(zone.untouchable.map((r) => r.Name));
        const now = (await listZone(direct, zone.id)).filter((r) => names.has(r.Name));
        assert.deepStrictEqual(now, zone.untouchable, "the foreign record and the other owner's record must be unchanged");
    }

    /** Our A records (name → values) and our markers' names; asserts every record has exactly its marker and vice versa. */
    async function ownedState(zone: Zone): Promise<Map<string, string[]>> {
        const live = await listZone(direct, zone.id);
        const markers = new Set(live.filter(isOurMarker).map((r) => stripDot(r.Name)));
        const records = new Map(
            live.filter((r) => r.Type === "A" && /^r\d+\./.test(r.Name ?? "")).map((r) => [stripDot(r.Name), (r.ResourceRecords ?? []).map((v) => v.Value ?? "")]),
        );
        for (const name of records.keys()) assert.ok(markers.has(`a-${name}`), `record ${name} has no ownership marker`);
        for (const marker of markers) assert.ok(records.has(marker.replace(/^a-/, "")), `marker ${marker} has no record`);
        return records;
    }

    async function assertConverged(zone: Zone, n: number, variant = 1): Promise<void> {
        const records = await ownedState(zone);
        assert.strictEqual(records.size, n, `expected all ${n} records in the zone, found ${records.size}`);
        for (const want of wantedRecords(zone.name, n, variant)) assert.deepStrictEqual(records.get(want.name), want.values, want.name);
        await assertUntouched(zone);
    }

    async function sync(inputs: Inputs): Promise<{ id: string; outs: Inputs; inputs: Inputs }> {
        const provider = new Route53RecordSyncProvider();
        const checked = await provider.check!({}, inputs);
        assert.deepStrictEqual(checked.failures ?? [], []);
        const created = await provider.create!(checked.inputs);
        return { id: created.id, outs: created.outs ?? {}, inputs: checked.inputs };
    }

    function assertCleanError(err: unknown, pattern: RegExp): true {
        assert.ok(err instanceof Error, "rejects with an Error");
        assert.match(err.message, pattern);
        assert.doesNotMatch(err.message, /\n\s+at /, "no stack trace in the message");
        return true;
    }

    it("converges with all records when 30% of calls are throttled", async () => {
        const zone = await seedZone("throttle");
        proxy.setFaults({
            seed: 7,
            rules: [
                { fraction: 0.3, fault: { kind: "throttle" } },
                { action: CHANGE, nth: 1, fault: { kind: "priorRequestNotComplete" } },
            ],
        });
        await sync(inputsFor(zone.name, 40));
        const faults = proxy.calls().filter((c) => c.fault !== undefined);
        assert.ok(faults.some((c) => c.fault === "throttle"), "some calls were throttled");
        assert.ok(faults.some((c) => c.fault === "priorRequestNotComplete"));
        await assertConverged(zone, 40);
    });

    it("fails cleanly when the second of three batches gets 500s, records the first batch as partial state, and converges on the engine's next update", async () => {
        // 600 records with ~140 characters of values each (record + marker with instance label) need three
        // requests: Route53's 32000-value-character limit binds before its 1000-record limit.
        const n = 600;
        const zone = await seedZone("fail500");
        proxy.setFaults({ rules: [{ action: CHANGE, nth: 2, times: 1000, fault: { kind: "status", status: 500 } }] });
        let partial: { id: string; properties: Inputs } | undefined;
        await assert.rejects(sync(inputsFor(zone.name, n)), (e) => {
            partial = e as { id: string; properties: Inputs };
            return assertCleanError(e, /\b2 of 3\b[\s\S]*InternalFailure/);
        });

        const changeCalls = proxy.calls().filter((c) => c.action === CHANGE);
        assert.strictEqual(changeCalls[0].fault, undefined, "the first batch went through");
        assert.ok(changeCalls.length >= 2 && changeCalls.slice(1).every((c) => c.fault === "status"), "nothing was submitted after the failing batch");
        assert.ok(proxy.changeSizes().every((size) => size <= 1000), `batch sizes ${proxy.changeSizes()}`);
        const applied = await ownedState(zone);
        assert.strictEqual(applied.size, changeCalls[0].changes! / 2, "exactly the first batch's records (each with its marker) are in the zone");
        assert.ok(applied.size > 0 && applied.size < n);
        await assertUntouched(zone);
        // the partial state names exactly what is live
        assert.ok(partial && typeof partial.id === "string", "the error carries the id (the SDK's partial-state error)");
        assert.strictEqual((partial.properties.records as unknown[]).length, applied.size);

        proxy.setFaults({ rules: [] });
        proxy.reset();
        const provider = new Route53RecordSyncProvider();
        await provider.update!(partial.id, partial.properties, (await provider.check!(partial.properties, inputsFor(zone.name, n))).inputs);
        await assertConverged(zone, n);
        assert.strictEqual(proxy.changeSizes().reduce((a, b) => a + b, 0), 2 * (n - applied.size), "the re-run submits exactly what is missing");
    });

    it("survives a connection dropped before a read and after a batch was applied, then converges on a re-run", async () => {
        const n = 600;
        const zone = await seedZone("drop");
        proxy.setFaults({
            rules: [
                { action: "ListResourceRecordSets", nth: 1, fault: { kind: "drop" } },
                { action: CHANGE, nth: 1, fault: { kind: "drop", when: "after" } },
            ],
        });
        let failure: unknown;
        await sync(inputsFor(zone.name, n)).catch((e: unknown) => {
            failure = e;
        });
        assert.ok(proxy.calls().filter((c) => c.fault === "drop").length === 2, "both drops happened");
        if (failure !== undefined) assertCleanError(failure, /\S/);
        await ownedState(zone);
        await assertUntouched(zone);

        proxy.setFaults({ rules: [] });
        await sync(inputsFor(zone.name, n));
        await assertConverged(zone, n);
    });

    it("finishes in the same run when a batch was applied but its response was lost", async () => {
        const n = 600;
        const zone = await seedZone("lost");
        proxy.setFaults({ rules: [{ action: CHANGE, nth: 1, fault: { kind: "drop", when: "after" } }] });
        const result = await sync(inputsFor(zone.name, n));
        assert.strictEqual(proxy.calls().filter((c) => c.fault === "drop").length, 1, "the response was dropped");
        assert.ok((proxy.counts()[CHANGE] ?? 0) >= 3, "the retried request was refused, then the rest was planned again from the live zone");
        assert.ok(result.outs, "the sync succeeded");
        await assertConverged(zone, n);
        await assertUntouched(zone);
    });

    it("makes no change call on a no-op update and one on a one-record change", async () => {
        const zone = await seedZone("count");
        const provider = new Route53RecordSyncProvider();
        const first = await sync(inputsFor(zone.name, 20));
        assert.ok((proxy.counts()[CHANGE] ?? 0) >= 1);

        proxy.reset();
        const noop = await provider.update!(first.id, first.outs, first.inputs);
        assert.strictEqual(proxy.counts()[CHANGE] ?? 0, 0, `no-op update made calls: ${JSON.stringify(proxy.counts())}`);
        assert.strictEqual(proxy.counts()["ListResourceRecordSets"] ?? 0, 0, "nothing changed: no record is read (issue 12: planned from the state)");

        const changed = inputsFor(zone.name, 20);
        (changed.records as { values: string[] }[])[3].values = ["192.0.2.99"];
        const checked = await provider.check!(first.inputs, changed);
        proxy.reset();
        await provider.update!(first.id, noop.outs ?? first.outs, checked.inputs);
        assert.strictEqual(proxy.counts()[CHANGE], 1);
        assert.strictEqual(proxy.counts()["ListResourceRecordSets"] ?? 0, 0, "a compare-and-swap request planned from the state needs no read");
        const records = await ownedState(zone);
        assert.deepStrictEqual(records.get(`r3.${zone.name}`), ["192.0.2.99"]);
        await assertUntouched(zone);
    });
});
