/** The adapter between the record-sync core's plan and the Azure / Google backend changes, and DnsRecordSync's check. */
import * as assert from "assert";
import { azurePhases, indexLive, isMarkerChange, toChangeSet } from "../../../providers/dns/backendAdapter";
import { checkBackendInputs } from "../../../providers/dns/backendInputs";
import { planChanges, registryOf } from "../../../providers/dns/plan";
import { indexZone } from "../../../providers/dns/ownership";
import { markerLabels, renderMarker } from "../../../providers/dns/registry";
import type { Change, NormalizedInputs } from "../../../providers/dns/types";

const AZURE = { kind: "azure", subscriptionId: "00000000-0000-4000-8000-000000000001", resourceGroup: "dns-rg" };
const marker = (instance?: string) => renderMarker(markerLabels("o1", "ingress/default/app", instance));
const txt = (name: string, value: string) => ({ Name: name, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: value }] });
const a = (name: string, ip: string) => ({ Name: name, Type: "A", TTL: 300, ResourceRecords: [{ Value: ip }] });

describe("dns backends: adapter from the core's plan to backend changes", () => {
    it("a first sync in Azure: the marker is written in a step before its record", () => {
        const inputs = checkBackendInputs({ backend: AZURE, zoneName: "example.com", ownerId: "o1", records: [{ name: "app", type: "A", values: ["192.0.2.1"], resource: "ingress/default/app" }] }).inputs as unknown as NormalizedInputs;
        const plan = planChanges({ zone: indexZone("example.com.", []), desired: inputs.records, previous: [], registries: { current: registryOf(inputs), instance: "abcdef012345" }, policy: "sync" });
        const steps = azurePhases(plan.groups.flat());
        assert.deepStrictEqual(steps.map((s) => s.map((c) => `${c.action} ${c.rrset.Type} ${c.rrset.Name}`)), [["CREATE TXT a-app.example.com."], ["CREATE A app.example.com."]]);
    });

    it("a removal in Azure: the record goes in a step before its marker", () => {
        const changes: Change[] = [
            { action: "DELETE", rrset: a("app.example.com.", "192.0.2.1") },
            { action: "DELETE", rrset: txt("a-app.example.com.", marker("abcdef012345")) },
        ];
        assert.deepStrictEqual(azurePhases(changes).map((s) => s.map((c) => c.rrset.Type)), [["A"], ["TXT"]]);
    });

    it("a relabelled marker (DELETE exact + CREATE) is one replacement carrying the live etag", () => {
        const live = indexLive([{ name: "a-app.example.com.", type: "TXT", ttl: 300, values: [marker()], etag: "etag-1" }]);
        const changes: Change[] = [
            { action: "DELETE", rrset: txt("a-app.example.com.", marker()) },
            { action: "CREATE", rrset: txt("a-app.example.com.", marker("abcdef012345")) },
        ];
        const [step] = azurePhases(changes);
        assert.strictEqual(step.length, 2, "delete and create of the same marker stay in one step");
        const set = toChangeSet(step, live);
        assert.deepStrictEqual(set.deletions, [{ name: "a-app.example.com.", type: "TXT", ttl: 300, values: [marker()], etag: "etag-1" }]);
        assert.deepStrictEqual(set.additions, [{ name: "a-app.example.com.", type: "TXT", ttl: 300, values: [marker("abcdef012345")] }]);
    });

    it("UPSERT of a live record becomes a replacement of exactly what was read; of an absent one, an addition", () => {
        const live = indexLive([{ name: "app.example.com.", type: "A", ttl: 60, values: ["192.0.2.9"], etag: "e9" }]);
        const set = toChangeSet([{ action: "UPSERT", rrset: a("app.example.com.", "192.0.2.1") }, { action: "UPSERT", rrset: a("new.example.com.", "192.0.2.2") }], live);
        assert.deepStrictEqual(set.deletions, [{ name: "app.example.com.", type: "A", ttl: 60, values: ["192.0.2.9"], etag: "e9" }]);
        assert.deepStrictEqual(set.additions.map((s) => s.name), ["app.example.com.", "new.example.com."]);
    });

    it("only ExternalDNS markers count as marker changes, not a user's TXT record", () => {
        assert.ok(isMarkerChange({ action: "CREATE", rrset: txt("a-app.example.com.", marker()) }));
        assert.ok(!isMarkerChange({ action: "CREATE", rrset: txt("app.example.com.", '"v=spf1 -all"') }));
    });
});

describe("dns backends: DnsRecordSync check", () => {
    const check = (extra: Record<string, unknown>) => checkBackendInputs({ backend: AZURE, zoneName: "example.com", ownerId: "o1", records: [], ...extra });

    it("accepts the shared inputs and keeps backend and credentials", () => {
        const { inputs, failures } = check({ credentials: { tenantId: "t", clientId: "c", clientSecret: "s" } });
        assert.deepStrictEqual(failures, []);
        assert.deepStrictEqual(inputs.backend, AZURE);
        assert.strictEqual(inputs.zoneId, undefined);
    });

    it("names the field, the rule and the allowed values; never echoes a credential", () => {
        const reasons = (extra: Record<string, unknown>) => check(extra).failures.map((f) => `${f.property}: ${f.reason}`);
        assert.match(reasons({ backend: { ...AZURE, kind: "cloudflare" } })[0], /backend\.kind: backend\.kind "cloudflare" is not one of azure, google/);
        assert.match(reasons({ backend: { ...AZURE, subscriptionId: "nope" } })[0], /backend\.subscriptionId "nope" must be an Azure subscription id/);
        assert.match(reasons({ backend: { kind: "google", project: "p", managedZone: "Zone" } }).join("\n"), /backend\.project "p" must be a Google Cloud project id[\s\S]*backend\.managedZone "Zone"/);
        assert.match(reasons({ zoneId: "Z0123456789ABCDEFGHIJ" })[0], /zoneId exists only for Route53 zones/);
        const partial = reasons({ credentials: { clientSecret: "hunter2-secret" } });
        assert.match(partial.join("\n"), /needs all of tenantId, clientId, clientSecret \(set: clientSecret\)/);
        assert.ok(!partial.join("\n").includes("hunter2-secret"));
        assert.match(reasons({ credentials: { serviceAccountKey: "k" } })[0], /credentials\.serviceAccountKey is not used by the azure backend/);
    });
});
