// Route53RecordSyncProvider against moto: every test asserts on the zone's listing afterwards.
import * as assert from "assert";
import { ChangeResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { Route53RecordSyncProvider } from "../../../providers/dns";
import { useMoto } from "../fixtures/moto";
import { Route53Proxy, startRoute53Proxy } from "../fixtures/route53Proxy";
import { createSync, directClient, listZone, marker, minimumChangeCalls, newZone, Props, seed, TestZone, updateSync, useCallLog, withEnv, zoneContents } from "./helpers";

const OWNER = "eim-test";
const CHANGE = "ChangeResourceRecordSets";
const LIST = "ListResourceRecordSets";
const ALB = "k8s-demo-app-1234567890.us-east-1.elb.amazonaws.com";
const ALB2 = "dualstack.k8s-demo-app2-222.us-east-1.elb.amazonaws.com";

describe("Route53RecordSync against moto", function () {
    this.timeout(120_000);
    const moto = useMoto();
    const calls = useCallLog();
    let client: Route53Client;
    let proxy: Route53Proxy;
    const provider = new Route53RecordSyncProvider();

    before(async () => {
        client = directClient(moto());
        proxy = await startRoute53Proxy(moto().endpoint);
    });
    after(async () => {
        client?.destroy();
        await proxy?.close();
    });
    beforeEach(() => {
        calls.reset();
        proxy.reset();
    });

    /**
     * Runs `fn` with the provider talking to moto through the counting proxy, configured by the
     * service-specific AWS_ENDPOINT_URL_ROUTE_53 while the generic AWS_ENDPOINT_URL points at a
     * closed port: the SDK's own endpoint chain must pick the Route53 one.
     */
    const throughProxy = <T>(fn: () => Promise<T>): Promise<T> => withEnv({ AWS_ENDPOINT_URL_ROUTE_53: proxy.endpoint, AWS_ENDPOINT_URL: "http://127.0.0.1:9" }, fn);
    const wire = (action: string): number => proxy.counts()[action] ?? 0;

    const inputs = (zone: TestZone, records: unknown[], extra: Props = {}): Props => ({ zoneName: zone.name, ownerId: OWNER, records, ...extra });

    it("creates records of every type with their markers in one change call", async () => {
        const zone = await newZone(client, "create");
        const { id, outs } = await createSync(
            provider,
            inputs(zone, [
                { name: "app", type: "A", alias: { dnsName: ALB, evaluateTargetHealth: true }, resource: "ingress/demo/app" },
                { name: "@", type: "A", alias: { dnsName: ALB2 } },
                { name: `v6.${zone.name}`, type: "AAAA", ttl: 60, values: ["2001:db8::1", "2001:DB8::2"] },
                { name: "*", type: "CNAME", values: ["app.example.org"] },
                { name: "txt", type: "TXT", values: ["hello world", "x".repeat(300)] },
            ]),
        );
        const z = zone.name;
        const i = outs.instanceId as string;
        assert.deepStrictEqual(await zoneContents(client, zone.id), {
            [`${z}. A`]: `alias ${ALB2}. Z35SXDOTRQ7X7K false`,
            [`*.${z}. CNAME`]: "300 app.example.org.",
            [`a-${z}.${z}. TXT`]: `300 ${marker(OWNER, undefined, i)}`,
            [`a-app.${z}. TXT`]: `300 ${marker(OWNER, "ingress/demo/app", i)}`,
            [`aaaa-v6.${z}. TXT`]: `300 ${marker(OWNER, undefined, i)}`,
            [`app.${z}. A`]: `alias ${ALB}. Z35SXDOTRQ7X7K true`,
            [`cname-*.${z}. TXT`]: `300 ${marker(OWNER, undefined, i)}`,
            [`txt-txt.${z}. TXT`]: `300 ${marker(OWNER, undefined, i)}`,
            [`txt.${z}. TXT`]: `300 "hello world" , "${"x".repeat(255)}" "${"x".repeat(45)}"`,
            [`v6.${z}. AAAA`]: "60 2001:db8::1 , 2001:db8::2",
        });
        assert.strictEqual(calls.count(CHANGE), 1);
        assert.strictEqual(id, `${zone.id}/${OWNER}`);
        assert.strictEqual(outs.zoneId, zone.id);
        assert.deepStrictEqual(outs.fqdns, [`app.${z}`, z, `v6.${z}`, `*.${z}`, `txt.${z}`]);
        assert.deepStrictEqual(outs.changeCounts, { create: 10, upsert: 0, delete: 0 });
        assert.deepStrictEqual(outs.apiCalls, { read: 2, change: 1 });
        assert.strictEqual((outs.changeIds as string[]).length, 1);
    });

    it("updates an alias target and a TTL, and turns a CNAME into an alias A in one request (DELETE before CREATE)", async () => {
        const zone = await newZone(client, "update");
        const first = await createSync(
            provider,
            inputs(zone, [
                { name: "app", type: "A", alias: { dnsName: ALB } },
                { name: "api", type: "A", ttl: 300, values: ["192.0.2.10"] },
                { name: "www", type: "CNAME", values: [`app.${zone.name}`] },
            ]),
        );
        calls.reset();
        const next = await updateSync(
            provider,
            first.id,
            first.outs,
            inputs(zone, [
                { name: "app", type: "A", alias: { dnsName: ALB2 } },
                { name: "api", type: "A", ttl: 60, values: ["192.0.2.10"] },
                { name: "www", type: "A", alias: { dnsName: ALB } },
            ]),
        );
        const z = zone.name;
        const contents = await zoneContents(client, zone.id);
        assert.strictEqual(contents[`app.${z}. A`], `alias ${ALB2}. Z35SXDOTRQ7X7K false`);
        assert.strictEqual(contents[`api.${z}. A`], "60 192.0.2.10");
        assert.strictEqual(contents[`www.${z}. A`], `alias ${ALB}. Z35SXDOTRQ7X7K false`);
        assert.strictEqual(contents[`www.${z}. CNAME`], undefined);
        assert.strictEqual(contents[`cname-www.${z}. TXT`], undefined);
        assert.strictEqual(contents[`a-www.${z}. TXT`], `300 ${marker(OWNER, undefined, first.outs.instanceId as string)}`);
        // one request; Route53 itself would reject a CNAME beside an A, so the CNAME goes first; value
        // changes are compare-and-swap (issue 12): the exact old record and its marker DELETEd, then CREATEd
        assert.deepStrictEqual(calls.lines().filter((l) => l.startsWith(CHANGE)), [
            `${CHANGE} DELETE app.${z}. A|DELETE a-app.${z}. TXT|DELETE api.${z}. A|DELETE a-api.${z}. TXT|DELETE www.${z}. CNAME|DELETE cname-www.${z}. TXT|` +
                `CREATE app.${z}. A|CREATE a-app.${z}. TXT|CREATE api.${z}. A|CREATE a-api.${z}. TXT|CREATE www.${z}. A|CREATE a-www.${z}. TXT`,
        ]);
        assert.deepStrictEqual(next.outs.changeCounts, { create: 6, upsert: 0, delete: 6 });
    });

    it("manages an apex alias (marker inside the zone) next to the zone's SOA and NS", async () => {
        const zone = await newZone(client, "apex");
        const z = zone.name;
        const before = await listZone(client, zone.id);
        const first = await createSync(provider, inputs(zone, [{ name: z, type: "A", alias: { dnsName: "d111111abcdef8.cloudfront.net" } }]));
        let contents = await zoneContents(client, zone.id);
        assert.strictEqual(contents[`${z}. A`], "alias d111111abcdef8.cloudfront.net. Z2FDTNDATAQYW2 false");
        assert.strictEqual(contents[`a-${z}.${z}. TXT`], `300 ${marker(OWNER, undefined, first.outs.instanceId as string)}`);
        await updateSync(provider, first.id, first.outs, inputs(zone, [{ name: "@", type: "A", alias: { dnsName: ALB, evaluateTargetHealth: true } }]));
        contents = await zoneContents(client, zone.id);
        assert.strictEqual(contents[`${z}. A`], `alias ${ALB}. Z35SXDOTRQ7X7K true`);
        await provider.delete(first.id, first.outs);
        assert.deepStrictEqual(await listZone(client, zone.id), before, "SOA and NS untouched");
    });

    it("removes a record and its marker when it leaves the inputs", async () => {
        const zone = await newZone(client, "remove");
        const first = await createSync(provider, inputs(zone, [{ name: "a", type: "A", values: ["192.0.2.1"] }, { name: "b", type: "A", values: ["192.0.2.2"] }]));
        await updateSync(provider, first.id, first.outs, inputs(zone, [{ name: "a", type: "A", values: ["192.0.2.1"] }]));
        assert.deepStrictEqual(Object.keys(await zoneContents(client, zone.id)).sort(), [`a-a.${zone.name}. TXT`, `a.${zone.name}. A`]);
    });

    it("destroy removes only owned records and their markers", async () => {
        const zone = await newZone(client, "destroy");
        const z = zone.name;
        await seed(client, zone.id, [
            { Name: `hand.${z}`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "198.51.100.1" }] },
            { Name: `theirs.${z}`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "198.51.100.2" }] },
            { Name: `a-theirs.${z}`, Type: "TXT", TTL: 60, ResourceRecords: [{ Value: marker("someone-else") }] },
        ]);
        const before = await listZone(client, zone.id);
        const created = await createSync(provider, inputs(zone, [{ name: "app", type: "A", alias: { dnsName: ALB } }, { name: "@", type: "A", alias: { dnsName: ALB } }]));
        // a record that vanished behind our back: deleting must not fail on it, and its marker still goes
        await client.send(
            new ChangeResourceRecordSetsCommand({
                HostedZoneId: zone.id,
                ChangeBatch: { Changes: [{ Action: "DELETE", ResourceRecordSet: { Name: `${z}.`, Type: "A", AliasTarget: { DNSName: `${ALB}.`, HostedZoneId: "Z35SXDOTRQ7X7K", EvaluateTargetHealth: false } } }] },
            }),
        );
        await provider.delete(created.id, created.outs);
        assert.deepStrictEqual(await listZone(client, zone.id), before);
        await provider.delete(created.id, created.outs); // already gone: fine
    });

    it("refuses a pre-existing record without marker and another owner's record, naming both, and leaves the zone byte-for-byte unchanged", async () => {
        const zone = await newZone(client, "conflict");
        const z = zone.name;
        const first = await createSync(provider, inputs(zone, [{ name: "mine", type: "A", values: ["192.0.2.1"] }]));
        await seed(client, zone.id, [
            { Name: `hand.${z}`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "198.51.100.1" }] },
            { Name: `theirs.${z}`, Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: "elsewhere.example.org" }] },
            { Name: `cname-theirs.${z}`, Type: "TXT", TTL: 60, ResourceRecords: [{ Value: marker("someone-else", "ingress/x/y") }] },
        ]);
        const before = await listZone(client, zone.id);
        calls.reset();
        const news = inputs(zone, [
            { name: "mine", type: "A", values: ["192.0.2.99"] },
            { name: "hand", type: "A", values: ["192.0.2.2"] },
            { name: "theirs", type: "CNAME", values: ["mine.example.org"] },
            { name: "new", type: "A", values: ["192.0.2.3"] },
        ]);
        const checked = await provider.check(first.inputs, news);
        await assert.rejects(provider.update(first.id, first.outs, checked.inputs), (err: Error) => {
            assert.match(err.message, /2 conflict\(s\).*nothing was changed/);
            assert.match(err.message, new RegExp(`hand\\.${z.replace(/\./g, "\\.")}\\. A exists without an ownership marker`));
            assert.match(err.message, /theirs\..* CNAME is owned by "someone-else"/);
            assert.doesNotMatch(err.message, /\n\s+at /, "no stack trace");
            return true;
        });
        assert.strictEqual(calls.count(CHANGE), 0);
        assert.deepStrictEqual(await listZone(client, zone.id), before);
    });

    it("adopts records ExternalDNS wrote for the same owner: one change call that only relabels the markers, records untouched", async () => {
        const zone = await newZone(client, "adopt");
        const z = zone.name;
        await seed(client, zone.id, [
            { Name: `app.${z}.`, Type: "A", AliasTarget: { DNSName: `${ALB}.`, HostedZoneId: "Z35SXDOTRQ7X7K", EvaluateTargetHealth: true } },
            { Name: `a-app.${z}.`, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: marker(OWNER, "ingress/demo/app") }] },
            { Name: `app.${z}.`, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: marker(OWNER, "ingress/demo/app") }] }, // legacy format
            { Name: `api.${z}.`, Type: "CNAME", TTL: 300, ResourceRecords: [{ Value: `app.${z}` }] },
            { Name: `cname-api.${z}.`, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: marker(OWNER, "ingress/demo/api") }] },
        ]);
        const before = await listZone(client, zone.id);
        calls.reset();
        const { outs } = await throughProxy(() =>
            createSync(
                provider,
                inputs(zone, [
                    { name: "app", type: "A", alias: { dnsName: ALB, evaluateTargetHealth: true } },
                    { name: "api", type: "CNAME", values: [`app.${z}`], resource: "ingress/demo/api" },
                ]),
            ),
        );
        // taking over = writing this instance's label into the markers (compare-and-swap: DELETE the exact value, CREATE the new)
        assert.strictEqual(wire(CHANGE), 1, `change calls on the wire: ${JSON.stringify(proxy.counts())}`);
        assert.strictEqual(wire(LIST), 1, "the live zone was read");
        assert.deepStrictEqual(calls.lines().filter((l) => l.startsWith(CHANGE)), [
            `${CHANGE} DELETE a-app.${z}. TXT|DELETE cname-api.${z}. TXT|CREATE a-app.${z}. TXT|CREATE cname-api.${z}. TXT`,
        ]);
        assert.deepStrictEqual(outs.changeCounts, { create: 2, upsert: 0, delete: 2 });
        const i = outs.instanceId as string;
        const relabelled: Record<string, string> = { [`a-app.${z}.`]: marker(OWNER, "ingress/demo/app", i), [`cname-api.${z}.`]: marker(OWNER, "ingress/demo/api", i) };
        const expected = before.map((r) => (r.Type === "TXT" && relabelled[r.Name!] ? { ...r, ResourceRecords: [{ Value: relabelled[r.Name!] }] } : r));
        assert.deepStrictEqual(await listZone(client, zone.id), expected, "records and the legacy marker byte-identical; only the two markers relabelled");
    });

    it("syncs 2,500 records, then a no-op update makes zero change calls", async function () {
        this.timeout(300_000);
        const zone = await newZone(client, "big");
        const records = Array.from({ length: 2500 }, (_, i) => ({ name: `r${i}`, type: "A", values: [`10.0.${i >> 8}.${i & 255}`] }));
        const first = await createSync(provider, inputs(zone, records));
        const firstCalls = { reads: calls.lines().length - calls.count(CHANGE), changes: calls.count(CHANGE) };
        assert.ok(firstCalls.reads <= 5, `first sync reads: ${firstCalls.reads}`);
        assert.strictEqual(firstCalls.changes, minimumChangeCalls(first.inputs, first.outs), "the fewest requests Route53's limits allow");
        calls.reset();
        const noop = await throughProxy(() => updateSync(provider, first.id, first.outs, inputs(zone, records)));
        assert.strictEqual(wire(CHANGE), 0, "a no-op sync sends no change request");
        assert.strictEqual(wire(LIST), 0, "nothing changed since the state: no record is read (issue 12)");
        assert.strictEqual(calls.count(CHANGE), 0);
        assert.deepStrictEqual(noop.outs.changeCounts, { create: 0, upsert: 0, delete: 0 });
        const live = await listZone(client, zone.id);
        assert.strictEqual(live.length, 5002);
        console.log(`      2,500 records: first sync ${firstCalls.reads} reads + ${firstCalls.changes} change calls; no-op ${calls.count(LIST) + 1} reads + 0 change calls`);
    });

    it("reads only the managed names when that is cheaper than listing a big zone", async () => {
        const zone = await newZone(client, "sparse");
        const filler = Array.from({ length: 1200 }, (_, i) => ({ Name: `f${i}.${zone.name}`, Type: "A" as const, TTL: 60, ResourceRecords: [{ Value: "198.51.100.9" }] }));
        await seed(client, zone.id, filler.slice(0, 600));
        await seed(client, zone.id, filler.slice(600));
        calls.reset();
        await createSync(provider, inputs(zone, [{ name: "app", type: "A", alias: { dnsName: ALB } }]));
        // 1 zone lookup + 3 names (app, a-app, and cname-app: ExternalDNS < 0.22's marker of an alias A) instead of 1 + ceil(1202 / 300) = 6
        assert.deepStrictEqual(calls.lines().filter((l) => !l.startsWith(CHANGE)), ["ListHostedZonesByName", LIST, LIST, LIST]);
        const created = await zoneContents(client, zone.id);
        assert.match(created[`a-app.${zone.name}. TXT`], new RegExp(`^300 "heritage=external-dns,external-dns/eim-instance=[0-9a-f]{12},external-dns/owner=${OWNER}"$`));
    });

    it("shows drift on read and repairs it on the next update", async () => {
        const zone = await newZone(client, "drift");
        const z = zone.name;
        const first = await createSync(provider, inputs(zone, [{ name: "app", type: "A", ttl: 300, values: ["192.0.2.1"] }, { name: "gone", type: "A", values: ["192.0.2.2"] }]));
        await seed(client, zone.id, [{ Name: `app.${z}`, Type: "A", TTL: 300, ResourceRecords: [{ Value: "203.0.113.66" }] }], "UPSERT");
        await client.send(
            new ChangeResourceRecordSetsCommand({
                HostedZoneId: zone.id,
                ChangeBatch: { Changes: [{ Action: "DELETE", ResourceRecordSet: { Name: `gone.${z}.`, Type: "A", TTL: 300, ResourceRecords: [{ Value: "192.0.2.2" }] } }] },
            }),
        );
        const refreshed = await provider.read(first.id, first.outs);
        const liveRecords = refreshed.props!.records as { name: string; values: string[] }[];
        assert.deepStrictEqual(liveRecords.map((r) => [r.name, r.values]), [[`app.${z}.`, ["203.0.113.66"]]], "read reports live values; the deleted record drops out");
        const diff = await provider.diff(first.id, refreshed.props!, first.inputs);
        assert.deepStrictEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
        await provider.update(first.id, refreshed.props!, first.inputs);
        const contents = await zoneContents(client, zone.id);
        assert.strictEqual(contents[`app.${z}. A`], "300 192.0.2.1");
        assert.strictEqual(contents[`gone.${z}. A`], "300 192.0.2.2");
        const again = await provider.read(first.id, first.outs);
        assert.deepStrictEqual((await provider.diff(first.id, again.props!, first.inputs)).changes, false);
    });

    it("upsert-only updates but never deletes; create-only never changes an existing record", async () => {
        const zone = await newZone(client, "policy");
        const z = zone.name;
        const a = (name: string, ip: string) => ({ name, type: "A", values: [ip] });
        const upsert = await createSync(provider, inputs(zone, [a("keep", "192.0.2.1"), a("drop", "192.0.2.2")], { policy: "upsert-only" }));
        const held = upsert.outs.instanceId as string;
        await updateSync(provider, upsert.id, upsert.outs, inputs(zone, [a("keep", "192.0.2.9"), a("add", "192.0.2.3")], { policy: "upsert-only" }));
        let contents = await zoneContents(client, zone.id);
        assert.strictEqual(contents[`keep.${z}. A`], "300 192.0.2.9");
        assert.strictEqual(contents[`add.${z}. A`], "300 192.0.2.3");
        assert.strictEqual(contents[`drop.${z}. A`], "300 192.0.2.2", "upsert-only keeps a removed record");
        assert.strictEqual(contents[`a-drop.${z}. TXT`], `300 ${marker(OWNER, undefined, held)}`);

        const zone2 = await newZone(client, "createonly");
        const z2 = zone2.name;
        const co = await createSync(provider, inputs(zone2, [a("keep", "192.0.2.1"), a("drop", "192.0.2.2")], { policy: "create-only" }));
        calls.reset();
        await updateSync(provider, co.id, co.outs, inputs(zone2, [a("keep", "192.0.2.9"), a("add", "192.0.2.3")], { policy: "create-only" }));
        contents = await zoneContents(client, zone2.id);
        assert.strictEqual(contents[`keep.${z2}. A`], "300 192.0.2.1", "create-only leaves an existing record as it is");
        assert.strictEqual(contents[`add.${z2}. A`], "300 192.0.2.3");
        assert.strictEqual(contents[`drop.${z2}. A`], "300 192.0.2.2");
        assert.deepStrictEqual(calls.lines().filter((l) => l.startsWith(CHANGE)), [`${CHANGE} CREATE add.${z2}. A|CREATE a-add.${z2}. TXT`]);
    });

    it("spaces its calls by EIM_ROUTE53_MAX_RPS", async () => {
        const zone = await newZone(client, "rate");
        const started = Date.now();
        await withEnv({ EIM_ROUTE53_MAX_RPS: "5" }, () => createSync(provider, inputs(zone, [{ name: "app", type: "A", values: ["192.0.2.1"] }])));
        const elapsed = Date.now() - started;
        assert.strictEqual(calls.lines().length, 3, "zone lookup, listing, one change");
        assert.ok(elapsed >= 380, `3 calls at 5/s take at least 400 ms, took ${elapsed} ms`);
    });

    it("fails clearly for a missing zone or a zone id that names another zone", async () => {
        const zone = await newZone(client, "lookup");
        const other = await newZone(client, "other");
        const checked = await provider.check({}, { zoneName: `missing-${zone.name}`, ownerId: OWNER, records: [] });
        await assert.rejects(provider.create(checked.inputs), /no public hosted zone named missing-.* was found/);
        const pinned = await provider.check({}, inputs(zone, [], { zoneId: other.id }));
        await assert.rejects(provider.create(pinned.inputs), new RegExp(`hosted zone ${other.id} is "${other.name}\\.", not "${zone.name}\\."`));
    });

    it("measures a 1,000-record first sync and a no-op sync (the Dns component's shape: alias A + resource)", async function () {
        this.timeout(300_000);
        const zone = await newZone(client, "thousand");
        const records = Array.from({ length: 1000 }, (_, i) => ({ name: `host-${i}`, type: "A", alias: { dnsName: ALB, evaluateTargetHealth: true }, resource: `ingress/demo/app-${i}` }));
        const wireCalls = () => Object.values(proxy.counts()).reduce((a, b) => a + b, 0);
        const started = Date.now();
        const first = await throughProxy(() => createSync(provider, inputs(zone, records)));
        const firstMs = Date.now() - started;
        const firstChanges = wire(CHANGE);
        const firstReads = wireCalls() - firstChanges;
        proxy.reset();
        await throughProxy(() => updateSync(provider, first.id, first.outs, inputs(zone, records)));
        const noopReads = wireCalls();
        assert.strictEqual(firstChanges, minimumChangeCalls(first.inputs, first.outs), `first sync change calls: ${firstChanges}`);
        assert.ok(firstReads <= 5, `first sync reads: ${firstReads}`);
        assert.ok(proxy.changeSizes().length === 0 && wire(CHANGE) === 0, "no-op sync makes no change call");
        assert.strictEqual((await listZone(client, zone.id)).length, 2002);
        console.log(`      1,000 records: first sync ${firstReads} reads + ${firstChanges} change calls (${firstMs} ms on moto); no-op ${noopReads} reads + 0 change calls`);
    });
});
