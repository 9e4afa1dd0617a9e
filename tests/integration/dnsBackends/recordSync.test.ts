/**
 * The ownership suite of the record sync against Azure DNS and Google Cloud DNS: DnsRecordSyncProvider
 * serialized as Pulumi does and run by the SDK's dynamic-provider host (a child process; it
 * inherits NODE_EXTRA_CA_CERTS from `npm test`), talking to the TLS API doubles through the
 * official SDK clients. The same cases run against each backend (Route53's run against moto in
 * tests/integration/dns). Credentials: Azure client secret and Google service-account key, both
 * exchanged at the doubles' token endpoints.
 */
import * as assert from "assert";
import { DnsRecordSyncProvider } from "../../../providers/dns/backendSync";
import { markerLabels, renderMarker } from "../../../providers/dns/registry";
import { AzureDnsDouble, startAzureDnsDouble } from "../fixtures/azureDnsDouble";
import { dynamicUrn, HostHandle, isPartialStateError, serializeProvider, startDynamicProviderHost } from "../fixtures/dynamicProviderHost";
import { GoogleDnsDouble, startGoogleDnsDouble } from "../fixtures/googleDnsDouble";

type Props = Record<string, unknown>;

const ZONE = "example.com";
const OWNER = "stack-a";

/** One backend's double behind a neutral face: seed and list in zone-file terms (name with dot, type, "ttl v1 , v2"). */
interface Harness {
    readonly kind: "azure" | "google";
    readonly backend: Props;
    readonly credentials: Props;
    seed(name: string, type: string, ttl: number, values: string[]): void;
    contents(): Record<string, string>;
    /** The next write's response is lost after it was applied. */
    loseNextWrite(): void;
    /** The next `n` API requests are answered 429 (Azure with Retry-After: 1). */
    throttle(n: number): void;
    writes(): number;
    close(): Promise<void>;
}

let lastAzureDouble: AzureDnsDouble | undefined;

const rel = (name: string) => (name === `${ZONE}.` ? "@" : name.slice(0, -(ZONE.length + 2)));
const quoted = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const unquote = (v: string) => v.replace(/^"|"$/g, "").replace(/\\(.)/g, "$1");

async function azureHarness(): Promise<Harness> {
    const double: AzureDnsDouble = await startAzureDnsDouble();
    lastAzureDouble = double;
    const [sub, rg, tenant, client, secret] = ["00000000-0000-4000-8000-000000000001", "dns-rg", "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "s3cret-value"];
    double.addZone(sub, rg, ZONE);
    double.addClient(tenant, client, secret);
    return {
        kind: "azure",
        backend: { kind: "azure", subscriptionId: sub, resourceGroup: rg, endpoint: double.url, authorityHost: double.url, disableInstanceDiscovery: true },
        credentials: { tenantId: tenant, clientId: client, clientSecret: secret },
        seed(name, type, ttl, values) {
            const props: Props = { TTL: ttl };
            if (type === "A") props.ARecords = values.map((ipv4Address) => ({ ipv4Address }));
            if (type === "CNAME") props.CNAMERecord = { cname: values[0] };
            if (type === "TXT") props.TXTRecords = values.map((v) => ({ value: [unquote(v)] }));
            double.seed(ZONE, rel(name), type, props);
        },
        contents() {
            const out: Record<string, string> = {};
            for (const s of double.list(ZONE)) {
                if (s.type === "NS" || s.type === "SOA") continue;
                const p = s.properties as { TTL: number; ARecords?: { ipv4Address: string }[]; CNAMERecord?: { cname: string }; TXTRecords?: { value: string[] }[] };
                const values = p.ARecords?.map((r) => r.ipv4Address) ?? (p.CNAMERecord ? [p.CNAMERecord.cname.replace(/\.?$/, ".")] : (p.TXTRecords ?? []).map((r) => r.value.map(quoted).join(" ")));
                out[`${s.name === "@" ? "" : `${s.name}.`}${ZONE}. ${s.type}`] = `${p.TTL} ${[...values].sort().join(" , ")}`;
            }
            return out;
        },
        loseNextWrite: () => double.loseNextWriteResponse(),
        throttle: (n) => double.throttle(n, 1),
        writes: () => double.armRequests().filter((r) => r.method === "PUT" || r.method === "DELETE").length,
        close: () => double.close(),
    };
}

async function googleHarness(): Promise<Harness> {
    const double: GoogleDnsDouble = await startGoogleDnsDouble();
    double.addZone("dns-project", "example-com", `${ZONE}.`);
    const key = double.addServiceAccount("record-sync@dns-project.iam.gserviceaccount.com", "dns-project");
    return {
        kind: "google",
        backend: { kind: "google", project: "dns-project", managedZone: "example-com", apiEndpoint: double.host, tokenEndpoint: `${double.url}/token`, pollIntervalMs: 10 },
        credentials: { serviceAccountKey: key },
        seed: (name, type, ttl, rrdatas) => double.seed("example-com", { name, type, ttl, rrdatas }),
        contents() {
            const out: Record<string, string> = {};
            for (const s of double.list("example-com")) {
                if (s.type === "NS" || s.type === "SOA") continue;
                out[`${s.name} ${s.type}`] = `${s.ttl} ${[...s.rrdatas].sort().join(" , ")}`;
            }
            return out;
        },
        loseNextWrite: () => double.loseNextChangeResponse(),
        throttle: (n) => double.throttle(n),
        writes: () => double.apiRequests().filter((r) => r.method === "POST").length,
        close: () => double.close(),
    };
}

/** Mocha hooks: one dynamic-provider host with the serialized DnsRecordSyncProvider per suite, a fresh zone double per test. */
function useRig(start: () => Promise<Harness>): () => { host: HostHandle; provider: string; zone: Harness } {
    let host: HostHandle | undefined;
    let provider = "";
    let zone: Harness | undefined;
    before(async () => {
        [host, provider] = await Promise.all([startDynamicProviderHost(), serializeProvider(new DnsRecordSyncProvider())]);
    });
    after(async () => host?.stop());
    beforeEach(async () => {
        zone = await start();
    });
    afterEach(async () => zone?.close());
    return () => ({ host: host as HostHandle, provider, zone: zone as Harness });
}

/** A marker as ExternalDNS writes it (labels sorted), with our instance label when given. */
const marker = (owner: string, resource: string, instance?: string) => renderMarker(markerLabels(owner, resource, instance));

for (const [label, start] of [
    ["Azure DNS", azureHarness],
    ["Google Cloud DNS", googleHarness],
] as const) {
    describe(`dnsBackends: DnsRecordSync ownership suite against ${label} (dynamic-provider host)`, function () {
        this.timeout(60_000);
        let host: HostHandle;
        let __provider: string;
        let zone: Harness;
        const urn = dynamicUrn("records");
        const rig = useRig(start);
        beforeEach(() => ({ host, provider: __provider, zone } = rig()));

        const news = (records: unknown[], extra: Props = {}): Props => ({ __provider, backend: zone.backend, credentials: zone.credentials, zoneName: ZONE, ownerId: OWNER, records, ...extra });
        const checked = async (props: Props): Promise<Props> => {
            const { inputs, failures } = await host.check(urn, {}, props);
            assert.deepStrictEqual(failures, []);
            return inputs;
        };
        const app = (values: string[], extra: Props = {}) => ({ name: "app.example.com", type: "A", values, resource: "ingress/default/app", ...extra });
        const web = { name: "web", type: "CNAME", values: ["k8s-web-123.us-east-1.elb.amazonaws.com"], resource: "ingress/default/web" };

        it("create → update → delete: records with ExternalDNS markers carrying the instance; another owner's records never touched", async () => {
            zone.seed("other.example.com.", "A", 60, ["198.51.100.9"]);
            zone.seed("a-other.example.com.", "TXT", 60, [marker("stack-b", "ingress/x/other")]);
            const before = zone.contents();

            const created = await host.create(urn, await checked(news([app(["192.0.2.1"]), web])));
            const instance = String(created.outs.instanceId);
            assert.match(instance, /^[0-9a-f]{12}$/);
            assert.deepStrictEqual(zone.contents(), {
                ...before,
                "app.example.com. A": "300 192.0.2.1",
                "a-app.example.com. TXT": `300 ${marker(OWNER, "ingress/default/app", instance)}`,
                "web.example.com. CNAME": "300 k8s-web-123.us-east-1.elb.amazonaws.com.",
                "cname-web.example.com. TXT": `300 ${marker(OWNER, "ingress/default/web", instance)}`,
            });
            assert.deepStrictEqual(created.outs.fqdns, ["app.example.com", "web.example.com"]);

            const read = await host.read(created.id, urn, created.outs);
            assert.deepStrictEqual(read.props.records, created.outs.records);

            const next = await checked(news([app(["192.0.2.2", "192.0.2.3"])]));
            const diff = await host.diff(created.id, urn, created.outs, next);
            assert.ok(diff.changes);
            assert.deepStrictEqual(diff.replaces, []);
            const updated = await host.update(created.id, urn, created.outs, next);
            assert.deepStrictEqual(zone.contents(), {
                ...before,
                "app.example.com. A": "300 192.0.2.2 , 192.0.2.3",
                "a-app.example.com. TXT": `300 ${marker(OWNER, "ingress/default/app", instance)}`,
            });

            await host.delete(created.id, urn, updated.outs);
            assert.deepStrictEqual(zone.contents(), before);
        });

        it("adopts ExternalDNS's records of the same owner by relabelling the marker, leaving the record as it is", async () => {
            zone.seed("app.example.com.", "A", 300, ["192.0.2.1"]);
            zone.seed("a-app.example.com.", "TXT", 300, [marker(OWNER, "ingress/default/app")]);
            const created = await host.create(urn, await checked(news([app(["192.0.2.1"])])));
            assert.deepStrictEqual(zone.contents(), {
                "app.example.com. A": "300 192.0.2.1",
                "a-app.example.com. TXT": `300 ${marker(OWNER, "ingress/default/app", String(created.outs.instanceId))}`,
            });
        });

        it("refuses records without our marker or with another owner's, naming them, and changes nothing", async () => {
            zone.seed("app.example.com.", "A", 300, ["203.0.113.5"]);
            zone.seed("web.example.com.", "CNAME", 300, ["elsewhere.example.net."]);
            zone.seed("cname-web.example.com.", "TXT", 300, [marker("stack-b", "ingress/x/web")]);
            const before = zone.contents();
            await assert.rejects(host.create(urn, await checked(news([app(["192.0.2.1"]), web]))), (e: Error) => {
                assert.ok(!isPartialStateError(e), "nothing was written, so no partial state");
                assert.match(e.message, /2 conflict\(s\)/);
                assert.match(e.message, /app\.example\.com/);
                assert.match(e.message, /"stack-b"/);
                return true;
            });
            assert.deepStrictEqual(zone.contents(), before);
        });

        it("upsert-only keeps records left out; sync then removes them", async () => {
            const created = await host.create(urn, await checked(news([app(["192.0.2.1"]), web])));
            const kept = await host.update(created.id, urn, created.outs, await checked(news([app(["192.0.2.1"])], { policy: "upsert-only" })));
            assert.ok(zone.contents()["web.example.com. CNAME"], "upsert-only never deletes");
            await host.update(created.id, urn, kept.outs, await checked(news([app(["192.0.2.1"])])));
            assert.strictEqual(zone.contents()["web.example.com. CNAME"], undefined);
            assert.strictEqual(zone.contents()["cname-web.example.com. TXT"], undefined);
        });

        it("a write whose response was lost: the call re-reads, re-plans and converges", async () => {
            zone.loseNextWrite();
            const created = await host.create(urn, await checked(news([app(["192.0.2.1"])])));
            assert.deepStrictEqual(Object.keys(zone.contents()).sort(), ["a-app.example.com. TXT", "app.example.com. A"]);
            await host.delete(created.id, urn, created.outs);
            assert.deepStrictEqual(zone.contents(), {});
        });

        it("429 answers are retried by the SDK (Azure after Retry-After) and the sync completes", async () => {
            zone.throttle(2);
            await host.create(urn, await checked(news([app(["192.0.2.1"])])));
            assert.deepStrictEqual(Object.keys(zone.contents()).sort(), ["a-app.example.com. TXT", "app.example.com. A"]);
        });

        it("a takeover by a second instance: the first one's delete leaves the records alone", async () => {
            const first = await host.create(urn, await checked(news([app(["192.0.2.1"])])));
            const second = await host.create(dynamicUrn("records-2"), await checked(news([app(["192.0.2.1"])])));
            assert.notStrictEqual(first.outs.instanceId, second.outs.instanceId);
            await host.delete(first.id, urn, first.outs);
            assert.deepStrictEqual(zone.contents(), {
                "app.example.com. A": "300 192.0.2.1",
                "a-app.example.com. TXT": `300 ${marker(OWNER, "ingress/default/app", String(second.outs.instanceId))}`,
            });
        });

        it("txtPrefix and encrypted markers: the marker is not readable in the zone; refresh decodes it; destroy empties the zone", async () => {
            const key = "0123456789abcdef0123456789abcdef";
            const created = await host.create(urn, await checked(news([app(["192.0.2.1"])], { txtPrefix: "reg-", txtEncryptionKey: key })));
            const contents = zone.contents();
            assert.deepStrictEqual(Object.keys(contents).sort(), ["app.example.com. A", "reg-a-app.example.com. TXT"]);
            assert.doesNotMatch(contents["reg-a-app.example.com. TXT"], /heritage=external-dns/, "encrypted");
            const read = await host.read(created.id, urn, created.outs);
            assert.deepStrictEqual(read.props.records, created.outs.records, "our encrypted marker is recognised");
            await host.delete(created.id, urn, created.outs);
            assert.deepStrictEqual(zone.contents(), {});
        });

        it("an owner id migration relabels the markers to the new owner in place", async () => {
            const created = await host.create(urn, await checked(news([app(["192.0.2.1"])])));
            const moved = await host.update(created.id, urn, created.outs, await checked(news([app(["192.0.2.1"])], { ownerId: "stack-a2" })));
            assert.deepStrictEqual(zone.contents(), {
                "app.example.com. A": "300 192.0.2.1",
                "a-app.example.com. TXT": `300 ${marker("stack-a2", "ingress/default/app", String(created.outs.instanceId))}`,
            });
            await host.delete(created.id, urn, moved.outs);
            assert.deepStrictEqual(zone.contents(), {});
        });

        it("check refuses alias records and a CNAME at the apex, naming the record", async () => {
            const { failures } = await host.check(urn, {}, news([
                { name: "app", type: "A", alias: { dnsName: "k8s-app-1.us-east-1.elb.amazonaws.com" } },
                { name: "@", type: "CNAME", values: ["k8s-app-1.us-east-1.elb.amazonaws.com"] },
            ]));
            const reasons = failures.map((f) => f.reason).join("\n");
            assert.match(reasons, /record app: alias records exist only in Route53; outside AWS point a CNAME/);
            assert.match(reasons, /record @: a CNAME cannot be at the zone apex example\.com/);
            assert.ok(!reasons.includes(String(Object.values(zone.credentials)[0]).slice(0, 20)), "credentials never echoed");
        });
    });
}

describe("dnsBackends: DnsRecordSync against Azure DNS, a failure between record-set writes (dynamic-provider host)", function () {
    this.timeout(60_000);
    let host: HostHandle;
    let __provider: string;
    let zone: Harness;
    const urn = dynamicUrn("records");
    const rig = useRig(azureHarness);
    beforeEach(() => ({ host, provider: __provider, zone } = rig()));

    it("a CNAME appearing between the marker and the record: partial state holding the marker; destroy removes only ours", async () => {
        const double = lastAzureDouble as AzureDnsDouble;
        double.setWriteLatency(400);
        const inputs = { __provider, backend: zone.backend, credentials: zone.credentials, zoneName: ZONE, ownerId: OWNER, records: [{ name: "app", type: "A", values: ["192.0.2.1"], resource: "ingress/default/app" }] };
        const { inputs: checked } = await host.check(urn, {}, inputs);
        const creating = host.create(urn, checked).then(
            () => undefined,
            (e: unknown) => e,
        );
        // the other writer acts once our marker is written and before our record is
        for (let i = 0; i < 200 && !double.get(ZONE, "a-app", "TXT"); i++) await new Promise((r) => setTimeout(r, 10));
        assert.ok(double.get(ZONE, "a-app", "TXT"), "the marker is written first");
        assert.strictEqual(double.get(ZONE, "app", "A"), undefined, "the record is not written yet");
        zone.seed("app.example.com.", "CNAME", 60, ["elsewhere.example.net."]);
        const err = await creating;
        assert.ok(isPartialStateError(err), `expected a partial-state error, got ${String(err)}`);
        assert.match(err.message, /CnameConflict|409/);
        const state = err.partial.properties;
        assert.deepStrictEqual(state.claims, [{ name: "app.example.com.", type: "A" }], "the state holds the marker written");
        assert.deepStrictEqual(state.records, []);
        assert.ok(!JSON.stringify(err.partial.reasons).includes("s3cret-value"), "the client secret is not in the error");
        double.setWriteLatency(0);
        await host.delete(err.partial.id, urn, state);
        assert.deepStrictEqual(zone.contents(), { "app.example.com. CNAME": "60 elsewhere.example.net." }, "our marker removed, the other writer's CNAME untouched");
    });
});
