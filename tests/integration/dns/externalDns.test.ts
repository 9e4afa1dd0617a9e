/**
 * ExternalDNS interoperability against moto: zones seeded exactly as ExternalDNS writes them
 * (v0.22 `a-` markers, the `cname-` markers of alias A records every earlier release wrote, legacy
 * type-less markers, %{record_type} prefixes at the apex, suffixes, wildcard replacement, encrypted
 * markers), then taken over, shared and handed back. Every written name and value is asserted
 * byte for byte; records and markers of other owners must be byte-identical afterwards.
 */
import * as assert from "assert";
import { ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { Route53RecordSyncProvider } from "../../../providers/dns";
import { decryptText, encryptText } from "../../../providers/dns/markerCrypto";
import { useMoto } from "../fixtures/moto";
import { createSync, directClient, listZone, newZone, Props, seed, TestZone, updateSync, useCallLog } from "./helpers";

const EDNS = "edns-owner"; // the ExternalDNS --txt-owner-id being migrated
const OTHER = "edns-other"; // an ExternalDNS that keeps running beside the stack
const LB = "k8s-default-app-0123456789.us-east-1.elb.amazonaws.com";
const LB_ZONE = "Z35SXDOTRQ7X7K";
const CHANGE = "ChangeResourceRecordSets";

/** A marker value exactly as ExternalDNS's Labels.Serialize(true) writes it (keys sorted). */
const edns = (labels: Record<string, string>): string =>
    `"heritage=external-dns${Object.keys(labels)
        .sort()
        .map((k) => `,external-dns/${k}=${labels[k]}`)
        .join("")}"`;

describe("Route53RecordSync and ExternalDNS in one zone (moto)", function () {
    this.timeout(120_000);
    const moto = useMoto();
    const calls = useCallLog();
    let client: Route53Client;
    const provider = new Route53RecordSyncProvider();

    before(() => {
        client = directClient(moto());
    });
    after(() => client?.destroy());
    beforeEach(() => calls.reset());

    const alias = (name: string): ResourceRecordSet => ({ Name: name, Type: "A", AliasTarget: { DNSName: `${LB}.`, HostedZoneId: LB_ZONE, EvaluateTargetHealth: true } });
    const txt = (name: string, value: string): ResourceRecordSet => ({ Name: name, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: value }] });
    const inputs = (zone: TestZone, owner: string, records: unknown[], extra: Props = {}): Props => ({ zoneName: zone.name, ownerId: owner, records, ...extra });
    const aliasRecord = (name: string, resource?: string) => ({ name, type: "A", alias: { dnsName: LB, evaluateTargetHealth: true }, ...(resource ? { resource } : {}) });
    const byName = (sets: ResourceRecordSet[]) => Object.fromEntries(sets.filter((r) => r.Type !== "SOA" && r.Type !== "NS").map((r) => [`${r.Name} ${r.Type}`, r]));
    const value = (sets: Record<string, ResourceRecordSet>, key: string) => sets[key]?.ResourceRecords?.[0]?.Value;

    /** ExternalDNS's records in a zone: v0.22 markers, pre-v0.22 cname- markers of alias A, a legacy marker, and another owner's. */
    async function externalDnsZone(label: string): Promise<{ zone: TestZone; foreign: ResourceRecordSet[] }> {
        const zone = await newZone(client, label);
        const z = zone.name;
        await seed(client, zone.id, [
            alias(`app.${z}.`),
            txt(`a-app.${z}.`, edns({ owner: EDNS, resource: "ingress/default/app" })),
            alias(`old.${z}.`),
            txt(`cname-old.${z}.`, edns({ owner: EDNS, resource: "ingress/default/old" })),
            { Name: `www.${z}.`, Type: "CNAME", TTL: 300, ResourceRecords: [{ Value: `app.${z}` }] },
            txt(`cname-www.${z}.`, edns({ owner: EDNS, resource: "service/default/www" })),
            alias(`legacy.${z}.`),
            txt(`legacy.${z}.`, edns({ owner: EDNS })),
            alias(`other.${z}.`),
            txt(`a-other.${z}.`, edns({ owner: OTHER, resource: "crd/default/name=web" })),
        ]);
        const foreign = (await listZone(client, zone.id)).filter((r) => r.Name?.includes("other."));
        return { zone, foreign };
    }

    it("takes over a zone a running ExternalDNS owns: same owner id, markers relabelled (cname- upgraded to a- in the same request), records untouched", async () => {
        const { zone, foreign } = await externalDnsZone("takeover");
        const z = zone.name;
        const before = byName(await listZone(client, zone.id));
        const created = await createSync(provider, inputs(zone, EDNS, [aliasRecord("app"), aliasRecord("old"), { name: "www", type: "CNAME", values: [`app.${z}`] }, aliasRecord("legacy")]));
        const i = created.outs.instanceId as string;
        const after = byName(await listZone(client, zone.id));
        // every record set byte-identical
        for (const key of [`app.${z}. A`, `old.${z}. A`, `www.${z}. CNAME`, `legacy.${z}. A`]) assert.deepStrictEqual(after[key], before[key], key);
        // markers: exactly ExternalDNS's names, its values plus this instance's label, resources kept
        assert.strictEqual(value(after, `a-app.${z}. TXT`), edns({ owner: EDNS, resource: "ingress/default/app", "eim-instance": i }));
        assert.strictEqual(value(after, `a-old.${z}. TXT`), edns({ owner: EDNS, resource: "ingress/default/old", "eim-instance": i }));
        assert.strictEqual(after[`cname-old.${z}. TXT`], undefined, "the pre-v0.22 alias marker is replaced by the a- marker");
        assert.strictEqual(value(after, `cname-www.${z}. TXT`), edns({ owner: EDNS, resource: "service/default/www", "eim-instance": i }));
        assert.strictEqual(value(after, `a-legacy.${z}. TXT`), edns({ owner: EDNS, "eim-instance": i }));
        assert.strictEqual(value(after, `legacy.${z}. TXT`), edns({ owner: EDNS }), "the legacy marker stays until its name is emptied (as ExternalDNS leaves it)");
        assert.deepStrictEqual((await listZone(client, zone.id)).filter((r) => r.Name?.includes("other.")), foreign, "another owner's records byte-identical");
        assert.strictEqual(calls.count(CHANGE), 1, "one request: each record's marker changes atomically");
        assert.match(calls.lines().find((l) => l.startsWith(CHANGE)) ?? "", new RegExp(`DELETE cname-old\\.${z.replace(/\./g, "\\.")}\\. TXT.*CREATE a-old\\.`));

        // owner id migration: the stack's own owner id, written into every marker in one update
        calls.reset();
        const migrated = await updateSync(provider, created.id, created.outs, inputs(zone, "stack-prod", [aliasRecord("app"), aliasRecord("old"), { name: "www", type: "CNAME", values: [`app.${z}`] }, aliasRecord("legacy")]));
        const m = byName(await listZone(client, zone.id));
        assert.strictEqual(value(m, `a-app.${z}. TXT`), edns({ owner: "stack-prod", resource: "ingress/default/app", "eim-instance": i }));
        assert.strictEqual(value(m, `cname-www.${z}. TXT`), edns({ owner: "stack-prod", resource: "service/default/www", "eim-instance": i }));
        assert.deepStrictEqual(migrated.outs.changeCounts, { create: 4, upsert: 0, delete: 4 });
        assert.deepStrictEqual((await listZone(client, zone.id)).filter((r) => r.Name?.includes("other.")), foreign);
    });

    it("runs side by side with another owner: refuses its records naming it, refuses an AAAA beside its A (cross-type rule), changes nothing", async () => {
        const { zone } = await externalDnsZone("sidebyside");
        const before = await listZone(client, zone.id);
        const checked = await provider.check({}, inputs(zone, "stack-prod", [aliasRecord("other"), { name: "other", type: "AAAA", values: ["2001:db8::1"] }]));
        await assert.rejects(provider.create(checked.inputs), (err: Error) => {
            assert.match(err.message, /other\..* A is owned by "edns-other" \(marker TXT a-other\./);
            assert.match(err.message, /other\..* AAAA cannot be created: other\..* A is owned by "edns-other"/);
            assert.match(err.message, /nothing was changed/);
            return true;
        });
        assert.strictEqual(calls.count(CHANGE), 0);
        assert.deepStrictEqual(await listZone(client, zone.id), before);
    });

    it("hands a zone back to an ExternalDNS older than v0.22 (markerCompat pre-v0.22): a- and cname- markers for alias A, byte for byte", async () => {
        const zone = await newZone(client, "handback");
        const z = zone.name;
        const created = await createSync(provider, inputs(zone, EDNS, [aliasRecord("app", "ingress/default/app"), aliasRecord("@")], { markerCompat: "pre-v0.22", txtPrefix: "%{record_type}." }));
        const i = created.outs.instanceId as string;
        const sets = byName(await listZone(client, zone.id));
        assert.deepStrictEqual(
            Object.keys(sets).sort(),
            [`${z}. A`, `a.${z}. TXT`, `a.app.${z}. TXT`, `app.${z}. A`, `cname.${z}. TXT`, `cname.app.${z}. TXT`].sort(),
            "apex markers with the %{record_type}. prefix sit inside the zone (a.<zone>), as ExternalDNS writes them",
        );
        assert.strictEqual(value(sets, `a.app.${z}. TXT`), edns({ owner: EDNS, resource: "ingress/default/app", "eim-instance": i }));
        assert.strictEqual(value(sets, `cname.app.${z}. TXT`), edns({ owner: EDNS, resource: "ingress/default/app", "eim-instance": i }));
        assert.strictEqual(value(sets, `a.${z}. TXT`), edns({ owner: EDNS, "eim-instance": i }));
        assert.strictEqual(value(sets, `cname.${z}. TXT`), edns({ owner: EDNS, "eim-instance": i }));
    });

    it("adopts an ExternalDNS apex record under the %{record_type}. prefix (marker a.<zone>), and moves markers an earlier version wrote at a.<zone>.<zone>", async () => {
        const zone = await newZone(client, "apexprefix");
        const z = zone.name;
        await seed(client, zone.id, [alias(`${z}.`), txt(`a.${z}.`, edns({ owner: EDNS })), alias(`api.${z}.`), txt(`a.api.${z}.${z}.`, edns({ owner: EDNS }))]);
        const created = await createSync(provider, inputs(zone, EDNS, [aliasRecord("@")], { txtPrefix: "%{record_type}." }));
        const sets = byName(await listZone(client, zone.id));
        assert.strictEqual(value(sets, `a.${z}. TXT`), edns({ owner: EDNS, "eim-instance": created.outs.instanceId as string }));
        assert.ok(sets[`a.api.${z}.${z}. TXT`], "a marker of a name the sync does not manage is left alone");

        const zone2 = await newZone(client, "apexmoved");
        const z2 = zone2.name;
        await seed(client, zone2.id, [alias(`${z2}.`), txt(`a.${z2}.${z2}.`, edns({ owner: EDNS }))]);
        const moved = await createSync(provider, inputs(zone2, EDNS, [aliasRecord("@")], { txtPrefix: "%{record_type}." }));
        const sets2 = byName(await listZone(client, zone2.id));
        assert.strictEqual(value(sets2, `a.${z2}. TXT`), edns({ owner: EDNS, "eim-instance": moved.outs.instanceId as string }));
        assert.strictEqual(sets2[`a.${z2}.${z2}. TXT`], undefined, "the old location is deleted in the same request");
    });

    it("txtSuffix with %{record_type}, wildcard replacement and encrypted markers: ExternalDNS's names, values that decrypt to its labels", async () => {
        const zone = await newZone(client, "suffix");
        const z = zone.name;
        const key = "passphrasewhichneedstobe32bytes!";
        const nonce = Buffer.alloc(12, 9).toString("base64");
        // ExternalDNS's encrypted marker of its wildcard record (suffix -%{record_type}, replacement "wild")
        await seed(client, zone.id, [
            { Name: `\\052.${z}.`, Type: "A", TTL: 300, ResourceRecords: [{ Value: "192.0.2.7" }] },
            txt(`wild-a.${z}.`, `"${encryptText("heritage=external-dns,external-dns/owner=edns-owner,external-dns/resource=ingress/default/wild", Buffer.from(key), nonce)}"`),
        ]);
        const created = await createSync(
            provider,
            inputs(zone, EDNS, [{ name: "*", type: "A", ttl: 300, values: ["192.0.2.7"] }, { name: "api", type: "AAAA", values: ["2001:db8::2"] }], {
                txtSuffix: "-%{record_type}",
                txtWildcardReplacement: "wild",
                txtEncryptionKey: key,
            }),
        );
        const i = created.outs.instanceId as string;
        const sets = byName(await listZone(client, zone.id));
        assert.deepStrictEqual(Object.keys(sets).filter((k) => k.endsWith("TXT")).sort(), [`api-aaaa.${z}. TXT`, `wild-a.${z}. TXT`]);
        const read = (k: string) => decryptText(value(sets, k)!.replace(/^"|"$/g, ""), Buffer.from(key));
        assert.deepStrictEqual(read(`wild-a.${z}. TXT`), {
            text: `heritage=external-dns,external-dns/eim-instance=${i},external-dns/owner=${EDNS},external-dns/resource=ingress/default/wild`,
            nonce,
        }, "taken over: labels relabelled, ExternalDNS's nonce kept");
        assert.strictEqual(read(`api-aaaa.${z}. TXT`)?.text, `heritage=external-dns,external-dns/eim-instance=${i},external-dns/owner=${EDNS}`);
        // a no-op sync rewrites nothing (same nonce, same labels)
        calls.reset();
        await updateSync(provider, created.id, created.outs, created.inputs);
        assert.strictEqual(calls.count(CHANGE), 0);
        // destroy removes them all
        await provider.delete(created.id, created.outs);
        assert.deepStrictEqual(Object.keys(byName(await listZone(client, zone.id))), []);
    });
});
