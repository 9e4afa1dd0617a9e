/**
 * Route53RecordSyncProvider through the SDK's dynamic-provider host over gRPC, as `pulumi up`
 * runs it: the provider is serialized into `__provider`, the host (a separate node process)
 * deserializes it and talks to moto through the standard AWS_ENDPOINT_URL.
 */
import * as assert from "assert";
import { ChangeResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { Route53RecordSyncProvider } from "../../../providers/dns";
import { dynamicUrn, HostHandle, serializeProvider, startDynamicProviderHost } from "../fixtures/dynamicProviderHost";
import { useMoto } from "../fixtures/moto";
import { directClient, listZone, marker, newZone, Props, seed, TestZone, useCallLog, zoneContents } from "./helpers";

const OWNER = "eim-grpc";
const ALB = "k8s-demo-app-1234567890.eu-west-1.elb.amazonaws.com";

describe("Route53RecordSyncProvider through the gRPC dynamic-provider host", function () {
    this.timeout(120_000);
    const moto = useMoto();
    const calls = useCallLog();
    let host: HostHandle;
    let client: Route53Client;
    let __provider: string;
    let zone: TestZone;
    const urn = dynamicUrn("dns-records");

    before(async () => {
        client = directClient(moto());
        // started after useMoto/useCallLog: the host inherits AWS_ENDPOINT_URL and the call log
        [host, __provider, zone] = await Promise.all([startDynamicProviderHost(), serializeProvider(new Route53RecordSyncProvider()), newZone(directClient(moto()), "grpc")]);
    });
    after(async () => {
        await host?.stop();
        client?.destroy();
    });

    const news = (records: unknown[], extra: Props = {}): Props => ({ __provider, zoneName: zone.name, ownerId: OWNER, records, ...extra });

    it("the serialized provider captures no client, endpoint or credentials", () => {
        // ~170 000 characters since the provider carries ExternalDNS's mapper, the encrypted-marker codec (Go's gzip)
        // and the readers of every earlier state shape (96 000 before); a captured SDK client would add megabytes
        assert.ok(__provider.length < 250_000, `serialized provider is ${__provider.length} chars`);
        assert.match(__provider, /require\("@aws-sdk\/client-route-53"\)/);
        assert.ok(!__provider.includes(moto().endpoint), "endpoint is read at call time, not captured");
        assert.ok(!/testing|AKIA/.test(__provider), "no credentials");
    });

    it("runs check (with failures), create, diff, update, read and delete against moto", async () => {
        const z = zone.name;
        await seed(client, zone.id, [{ Name: `hand.${z}`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "198.51.100.1" }] }]);
        const initial = await listZone(client, zone.id);

        // check: failures come back per property, naming record and rule; nothing is called
        calls.reset();
        const bad = await host.check(urn, {}, news([{ name: "@", type: "CNAME", values: ["x.example.org"] }, { name: "app.example.org", type: "A", values: ["192.0.2.1"] }]));
        assert.deepStrictEqual(bad.failures.map((f) => f.property), ["records[0].name", "records[1].name"]);
        assert.match(bad.failures[0].reason, /records\[0\] \(.* CNAME\): a CNAME is not allowed at the zone apex.*\[rule: cname-at-apex\]/);
        assert.match(bad.failures[1].reason, /\[rule: outside-zone\]/);
        assert.deepStrictEqual(calls.lines(), []);

        // create
        const v1 = [
            { name: "app", type: "A", alias: { dnsName: ALB, evaluateTargetHealth: true }, resource: "ingress/demo/app" },
            { name: "www", type: "CNAME", values: [`app.${z}`] },
            { name: "@", type: "TXT", values: ["v=spf1 -all"] },
        ];
        const checked = await host.check(urn, {}, news(v1));
        assert.deepStrictEqual(checked.failures, []);
        assert.strictEqual((checked.inputs.records as Props[])[0].name, `app.${z}.`);
        const created = await host.create(urn, checked.inputs);
        assert.strictEqual(created.id, `${zone.id}/${OWNER}`);
        assert.strictEqual(created.outs.zoneId, zone.id);
        assert.strictEqual(created.outs.__provider, __provider, "the host keeps the provider in the state");
        let contents = await zoneContents(client, zone.id);
        assert.strictEqual(contents[`app.${z}. A`], `alias ${ALB}. Z32O12XQLNTSW2 true`);
        const instance = created.outs.instanceId as string;
        assert.match(instance, /^[0-9a-f]{12}$/, "the instance id is generated on create and kept in state");
        assert.strictEqual(contents[`a-app.${z}. TXT`], `300 ${marker(OWNER, "ingress/demo/app", instance)}`);
        assert.strictEqual(contents[`www.${z}. CNAME`], `300 app.${z}.`);
        assert.strictEqual(contents[`${z}. TXT`], '300 "v=spf1 -all"');
        assert.strictEqual(contents[`txt-${z}.${z}. TXT`], `300 ${marker(OWNER, undefined, instance)}`);

        // diff: nothing, a record change, a zone change
        assert.strictEqual((await host.diff(created.id, urn, created.outs, checked.inputs)).changes, false);
        const v2 = [v1[0], { name: "www", type: "A", alias: { dnsName: ALB } }];
        const checked2 = await host.check(urn, checked.inputs, news(v2));
        const diff = await host.diff(created.id, urn, created.outs, checked2.inputs);
        assert.strictEqual(diff.changes, true);
        assert.deepStrictEqual(diff.replaces, []);
        const other = await host.check(urn, checked.inputs, news([], { zoneName: `other.${z}` }));
        assert.deepStrictEqual((await host.diff(created.id, urn, created.outs, other.inputs)).replaces, ["zoneName"]);

        // update: CNAME becomes an alias A, the TXT record leaves
        const updated = await host.update(created.id, urn, created.outs, checked2.inputs);
        contents = await zoneContents(client, zone.id);
        assert.strictEqual(contents[`www.${z}. A`], `alias ${ALB}. Z32O12XQLNTSW2 false`);
        assert.strictEqual(contents[`www.${z}. CNAME`], undefined);
        assert.strictEqual(contents[`${z}. TXT`], undefined);
        assert.strictEqual(contents[`txt-${z}.${z}. TXT`], undefined);
        assert.deepStrictEqual(updated.outs.changeCounts, { create: 2, upsert: 0, delete: 4 });

        // drift behind our back: read reports it, diff sees it, update repairs it
        await client.send(
            new ChangeResourceRecordSetsCommand({
                HostedZoneId: zone.id,
                ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: `app.${z}.`, Type: "A", AliasTarget: { DNSName: "evil.cloudfront.net.", HostedZoneId: "Z2FDTNDATAQYW2", EvaluateTargetHealth: false } } }] },
            }),
        );
        const read = await host.read(created.id, urn, updated.outs, checked2.inputs);
        const readApp = (read.props.records as Props[]).find((r) => r.name === `app.${z}.`) as { alias: Props };
        assert.strictEqual(readApp.alias.dnsName, "evil.cloudfront.net.");
        assert.strictEqual((await host.diff(created.id, urn, read.props, checked2.inputs)).changes, true);
        await host.update(created.id, urn, read.props, checked2.inputs);
        assert.strictEqual((await zoneContents(client, zone.id))[`app.${z}. A`], `alias ${ALB}. Z32O12XQLNTSW2 true`);

        // a conflict surfaces as the provider's message
        await assert.rejects(
            host.update(created.id, urn, updated.outs, (await host.check(urn, checked2.inputs, news([...v2, { name: "hand", type: "A", values: ["192.0.2.1"] }]))).inputs),
            /hand\..* A exists without an ownership marker/,
        );

        // delete: only what we own goes
        await host.delete(created.id, urn, updated.outs);
        assert.deepStrictEqual(await listZone(client, zone.id), initial);
        assert.ok(calls.lines().length > 0, "the host's calls went through the provider's client");
    });
});
