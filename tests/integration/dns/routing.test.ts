/**
 * Routing policies against moto, through the strict Route53 proxy (Route53's in-order change rules
 * and its one-policy-per-name-and-type rule, which moto does not enforce): two stacks (blue and
 * green clusters) sharing a hostname with weighted alias records, and the ExternalDNS bugs the
 * issue names as regression tests (#1698, #4058, #4345, #2245).
 */
import * as assert from "assert";
import { ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { Route53RecordSyncProvider } from "../../../providers/dns";
import { useMoto } from "../fixtures/moto";
import { parseRrsets, Route53Proxy, startRoute53Proxy, strictViolation } from "../fixtures/route53Proxy";
import { dynamicUrn, HostHandle, } from "../fixtures/dynamicProviderHost";
import { createSync, directClient, listZone, marker, newZone, Props, TestZone, updateSync, withEnv, useGrpcRoute53Rig } from "./helpers";

const LB_BLUE = "blue-alb-1.us-east-1.elb.amazonaws.com";
const LB_GREEN = "green-alb-2.us-east-1.elb.amazonaws.com";
const CHANGE = "ChangeResourceRecordSets";

describe("Route53RecordSync routing policies: two stacks on one hostname (moto, strict proxy)", function () {
    this.timeout(180_000);
    const moto = useMoto();
    let proxy: Route53Proxy;
    let client: Route53Client;
    const provider = new Route53RecordSyncProvider();

    before(async () => {
        client = directClient(moto());
        proxy = await startRoute53Proxy(moto().endpoint, { strict: true });
    });
    after(async () => {
        await proxy?.close();
        client?.destroy();
    });
    beforeEach(() => proxy.reset());

    const env = () => ({ AWS_ENDPOINT_URL: proxy.endpoint, EIM_ROUTE53_MAX_RPS: "unlimited" });
    const weighted = (lb: string, setIdentifier: string, weight: number, name = "app") => ({
        name,
        type: "A",
        alias: { dnsName: lb, evaluateTargetHealth: true },
        setIdentifier,
        weight,
        resource: `stack/${setIdentifier}`,
    });
    const stack = (zone: TestZone, owner: string, records: unknown[]): Props => ({ zoneName: zone.name, ownerId: owner, records });
    const sets = async (zone: TestZone, name: string, type: string): Promise<ResourceRecordSet[]> =>
        (await listZone(client, zone.id)).filter((r) => r.Name === `${name}.${zone.name}.` && r.Type === type).sort((a, b) => (a.SetIdentifier ?? "").localeCompare(b.SetIdentifier ?? ""));
    const weights = async (zone: TestZone): Promise<Record<string, number | undefined>> => Object.fromEntries((await sets(zone, "app", "A")).map((r) => [r.SetIdentifier ?? "(simple)", r.Weight]));
    const changeCalls = () => proxy.counts()[CHANGE] ?? 0;

    it("blue and green own one weighted set each; weights move step by step; each destroy leaves the other's set (#1698, #4058)", async () => {
        const zone = await newZone(client, "canary");
        await withEnv(env(), async () => {
            let blue = await createSync(provider, stack(zone, "blue", [weighted(LB_BLUE, "blue", 100)]));
            let green = await createSync(provider, stack(zone, "green", [weighted(LB_GREEN, "green", 0)]));
            assert.deepStrictEqual(await weights(zone), { blue: 100, green: 0 });

            // #4058: one marker name, two markers told apart by their set identifiers, as ExternalDNS writes them
            const markers = await sets(zone, "a-app", "TXT");
            assert.deepStrictEqual(
                markers.map((m) => ({ id: m.SetIdentifier, weight: m.Weight, value: m.ResourceRecords?.[0].Value })),
                [
                    { id: "blue", weight: 100, value: marker("blue", "stack/blue", blue.outs.instanceId as string) },
                    { id: "green", weight: 0, value: marker("green", "stack/green", green.outs.instanceId as string) },
                ],
            );
            assert.deepStrictEqual(blue.outs.claims, [{ name: `app.${zone.name}.`, type: "A", setIdentifier: "blue" }]);

            // weights moved 25 points at a time, each stack writing only its own set (policy sync: #1698)
            for (const [b, g] of [[75, 25], [50, 50], [25, 75], [0, 100]]) {
                proxy.reset();
                blue = { ...blue, ...(await updateSync(provider, blue.id, blue.outs, stack(zone, "blue", [weighted(LB_BLUE, "blue", b)]))) };
                green = { ...green, ...(await updateSync(provider, green.id, green.outs, stack(zone, "green", [weighted(LB_GREEN, "green", g)]))) };
                assert.deepStrictEqual(await weights(zone), { blue: b, green: g });
                assert.strictEqual(changeCalls(), 2, "one request per stack: record and marker together");
            }
            const aliasOf = async (id: string) => (await sets(zone, "app", "A")).find((r) => r.SetIdentifier === id)?.AliasTarget?.DNSName;
            assert.strictEqual(await aliasOf("blue"), `${LB_BLUE}.`);

            // blue's destroy removes only blue's set and marker; green's are byte-identical
            const greenBefore = JSON.stringify([await sets(zone, "app", "A"), await sets(zone, "a-app", "TXT")].map((l) => l.filter((r) => r.SetIdentifier === "green")));
            await provider.delete(blue.id, blue.outs);
            assert.deepStrictEqual(await weights(zone), { green: 100 });
            assert.strictEqual(JSON.stringify([await sets(zone, "app", "A"), await sets(zone, "a-app", "TXT")]), greenBefore);
            await provider.delete(green.id, green.outs);
            assert.deepStrictEqual(await weights(zone), {});
            assert.deepStrictEqual(await sets(zone, "a-app", "TXT"), []);
        });
    });

    it("green's sync never deletes blue's weighted set, even when green stops wanting the name (#1698)", async () => {
        const zone = await newZone(client, "sync");
        await withEnv(env(), async () => {
            await createSync(provider, stack(zone, "blue", [weighted(LB_BLUE, "blue", 50)]));
            const green = await createSync(provider, stack(zone, "green", [weighted(LB_GREEN, "green", 50)]));
            await updateSync(provider, green.id, green.outs, stack(zone, "green", [{ name: "other", type: "A", values: ["192.0.2.9"] }]));
            assert.deepStrictEqual(await weights(zone), { blue: 50 });
            assert.deepStrictEqual((await sets(zone, "a-app", "TXT")).map((m) => m.SetIdentifier), ["blue"]);
        });
    });

    it("moves a name from simple to weighted, weighted to latency and back to simple, each in one request (#4345)", async () => {
        const zone = await newZone(client, "switch");
        await withEnv(env(), async () => {
            const simple = { name: "app", type: "A", alias: { dnsName: LB_BLUE, evaluateTargetHealth: true } };
            let s = await createSync(provider, stack(zone, "blue", [simple]));
            for (const records of [
                [weighted(LB_BLUE, "blue", 10), weighted(LB_GREEN, "green", 90)],
                [{ ...simple, setIdentifier: "use1", region: "us-east-1" }, { name: "app", type: "A", alias: { dnsName: LB_GREEN, evaluateTargetHealth: true }, setIdentifier: "usw2", region: "us-west-2" }],
                [simple],
            ]) {
                proxy.reset();
                s = { ...s, ...(await updateSync(provider, s.id, s.outs, stack(zone, "blue", records))) };
                assert.strictEqual(changeCalls(), 1, "the switch is one atomic request");
                const live = await sets(zone, "app", "A");
                assert.deepStrictEqual(live.map((r) => r.SetIdentifier ?? "(simple)"), records.map((r) => ("setIdentifier" in r ? r.setIdentifier : "(simple)")).sort());
                assert.strictEqual((await sets(zone, "a-app", "TXT")).length, records.length, "one marker per set, no stale marker");
            }
        });
    });

    it("refuses a policy that would sit beside another owner's sets of a different policy, changing nothing", async () => {
        const zone = await newZone(client, "mixed");
        await withEnv(env(), async () => {
            await createSync(provider, stack(zone, "blue", [weighted(LB_BLUE, "blue", 50)]));
            const before = await listZone(client, zone.id);
            const checked = await provider.check({}, stack(zone, "green", [{ name: "app", type: "A", alias: { dnsName: LB_GREEN, evaluateTargetHealth: true }, setIdentifier: "green", region: "us-west-2" }]));
            await assert.rejects(provider.create(checked.inputs), /app\..* A setIdentifier green \(latency us-west-2\) cannot be written beside .* setIdentifier blue \(weighted\): Route53 allows one routing policy per name and type/);
            assert.deepStrictEqual(await listZone(client, zone.id), before);
        });
    });

    it("one hostname from two sources of one stack gives two weighted sets (#2245)", async () => {
        const zone = await newZone(client, "two-sources");
        await withEnv(env(), async () => {
            const s = await createSync(provider, stack(zone, "blue", [weighted(LB_BLUE, "svc-a", 30), weighted(LB_GREEN, "svc-b", 70)]));
            assert.deepStrictEqual(await weights(zone), { "svc-a": 30, "svc-b": 70 });
            await provider.delete(s.id, s.outs);
            assert.deepStrictEqual(await weights(zone), {});
        });
    });
});

describe("Route53RecordSync cluster canary through the gRPC host: two stacks, in the engine's order", function () {
    this.timeout(240_000);
    const rig = useGrpcRoute53Rig();
    let host: HostHandle;
    let client: Route53Client;
    let __provider: string;
    before(() => ({ host, client, provider: __provider } = rig()));

    type State = { id: string; outs: Props; inputs: Props };
    const news = (zone: TestZone, owner: string, lb: string, weight: number): Props => ({
        __provider,
        zoneName: zone.name,
        ownerId: owner,
        maxWeightStep: 25,
        records: [{ name: "app", type: "A", alias: { dnsName: lb, evaluateTargetHealth: true }, setIdentifier: owner, weight }],
    });
    async function create(urn: string, inputs: Props): Promise<State> {
        const checked = await host.check(urn, {}, inputs);
        assert.deepStrictEqual(checked.failures, []);
        const created = await host.create(urn, checked.inputs);
        return { id: created.id, outs: created.outs, inputs: checked.inputs };
    }
    async function up(urn: string, state: State, inputs: Props): Promise<State> {
        const checked = await host.check(urn, state.inputs, inputs);
        assert.deepStrictEqual(checked.failures, []);
        const diff = await host.diff(state.id, urn, state.outs, checked.inputs);
        assert.deepStrictEqual(diff.replaces, []);
        assert.ok(diff.changes, "a weight change is a change");
        const updated = await host.update(state.id, urn, state.outs, checked.inputs);
        return { id: state.id, outs: updated.outs, inputs: checked.inputs };
    }
    const weights = async (zone: TestZone) =>
        Object.fromEntries((await listZone(client, zone.id)).filter((r) => r.Type === "A" && r.Name === `app.${zone.name}.`).map((r) => [r.SetIdentifier, r.Weight]));

    it("moves traffic blue → green in steps of maxWeightStep, refuses a bigger step in check, refreshes, and each destroy leaves the other", async () => {
        const zone = await newZone(client, "grpc-canary");
        const blueUrn = dynamicUrn("dns-records", "blue");
        const greenUrn = dynamicUrn("dns-records", "green");
        let blue = await create(blueUrn, news(zone, "blue", LB_BLUE, 100));
        let green = await create(greenUrn, news(zone, "green", LB_GREEN, 0));
        assert.deepStrictEqual(await weights(zone), { blue: 100, green: 0 });

        const tooFar = await host.check(greenUrn, green.inputs, news(zone, "green", LB_GREEN, 100));
        assert.strictEqual(tooFar.failures.length, 1);
        assert.match(tooFar.failures[0].reason, /moving the weight from 0 to 100 is a step of 100, more than maxWeightStep 25; set 25 now/);

        for (const [b, g] of [[75, 25], [50, 50], [25, 75], [0, 100]]) {
            green = await up(greenUrn, green, news(zone, "green", LB_GREEN, g));
            blue = await up(blueUrn, blue, news(zone, "blue", LB_BLUE, b));
            assert.deepStrictEqual(await weights(zone), { blue: b, green: g });
        }

        const refreshed = await host.read(blue.id, blueUrn, blue.outs, blue.inputs);
        const records = refreshed.props.records as Array<{ setIdentifier?: string; weight?: number }>;
        assert.deepStrictEqual(records.map((r) => [r.setIdentifier, r.weight]), [["blue", 0]]);

        await host.delete(blue.id, blueUrn, blue.outs);
        assert.deepStrictEqual(await weights(zone), { green: 100 });
        await host.delete(green.id, greenUrn, green.outs);
        assert.deepStrictEqual(await weights(zone), {});
    });
});

describe("strict Route53 proxy: the routing-policy rules moto does not enforce", () => {
    const set = (id?: string, extra = "") =>
        `<ResourceRecordSet><Name>app.example.com.</Name><Type>A</Type>${id ? `<SetIdentifier>${id}</SetIdentifier>${extra}` : ""}<TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>`;
    const change = (action: string, rrset: string) => `<Change><Action>${action}</Action>${rrset}</Change>`;
    const live = parseRrsets(set());

    it("refuses a weighted CREATE before the simple set's DELETE, accepts the DELETE first", () => {
        const weighted = set("blue", "<Weight>10</Weight>");
        assert.match(strictViolation(live, change("CREATE", weighted) + change("DELETE", set())) ?? "", /cannot mix routing policies \(simple, weighted\)/);
        assert.strictEqual(strictViolation(live, change("DELETE", set()) + change("CREATE", weighted)), undefined);
    });

    it("refuses two PRIMARY failover sets and two sets for one latency region", () => {
        const none = parseRrsets("");
        assert.match(strictViolation(none, change("CREATE", set("a", "<Failover>PRIMARY</Failover>")) + change("CREATE", set("b", "<Failover>PRIMARY</Failover>"))) ?? "", /duplicate failover PRIMARY/);
        assert.match(strictViolation(none, change("CREATE", set("a", "<Region>us-east-1</Region>")) + change("CREATE", set("b", "<Region>us-east-1</Region>"))) ?? "", /duplicate latency us-east-1/);
    });
});
