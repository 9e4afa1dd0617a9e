import * as assert from "assert";
import * as fc from "fast-check";
import { packBatches, ROUTE53_LIMITS, fits, groupCost } from "../../../providers/dns/batches";
import type { Registries } from "../../../providers/dns/ownership";
import { indexZone, ownershipOf, markerAt } from "../../../providers/dns/ownership";
import { planChanges, type Plan } from "../../../providers/dns/plan";
import { fromRrset, recordKey, sameRecordData, toRrset } from "../../../providers/dns/records";
import { markerName, parseMarker, renderMarker, markerLabels } from "../../../providers/dns/registry";
import type { Change, NormalizedInputs, NormalizedRecord, Policy, Rrset } from "../../../providers/dns/types";
import { checkInputs } from "../../../providers/dns/validate";
import { txtText } from "../../../providers/dns/values";
import { ZoneModel } from "./route53Model";

const ZONE = "example.com.";
const ME = "me";
const BASE: Rrset[] = [
    { Name: ZONE, Type: "SOA", TTL: 900, ResourceRecords: [{ Value: "ns-1.awsdns-1.com. hostmaster.example.com. 1 7200 900 1209600 86400" }] },
    { Name: ZONE, Type: "NS", TTL: 172800, ResourceRecords: [{ Value: "ns-1.awsdns-1.com." }] },
];

function records(raw: unknown[], txtPrefix = ""): NormalizedRecord[] {
    const out = checkInputs({ zoneName: ZONE, ownerId: ME, txtPrefix, records: raw });
    assert.deepStrictEqual(out.failures, []);
    return (out.inputs as unknown as NormalizedInputs).records;
}

const a = (name: string, ip = "192.0.2.1", ttl = 300) => ({ name, type: "A", ttl, values: [ip] });
const alias = (name: string, lb = "lb-1.us-east-1.elb.amazonaws.com") => ({ name, type: "A", alias: { dnsName: lb, evaluateTargetHealth: true } });
const cname = (name: string, target = "target.example.org") => ({ name, type: "CNAME", values: [target] });

function markerSet(name: string, owner: string, resource?: string): Rrset {
    return { Name: name, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: renderMarker(markerLabels(owner, resource)) }] };
}

function registries(txtPrefix = "", previous?: Registries["previous"]): Registries {
    return { current: { ownerId: ME, txtPrefix }, previous };
}

interface SyncArgs {
    readonly desired: NormalizedRecord[];
    readonly previous?: { name: string; type: string }[];
    readonly policy?: Policy;
    readonly registries?: Registries;
}

function plan(model: ZoneModel, args: SyncArgs): Plan {
    return planChanges({
        zone: indexZone(ZONE, model.list()),
        desired: args.desired,
        previous: args.previous ?? [],
        registries: args.registries ?? registries(),
        policy: args.policy ?? "sync",
    });
}

/** Plans and applies like the provider does; returns the plan and the requests sent. */
function sync(model: ZoneModel, args: SyncArgs): { plan: Plan; requests: Change[][] } {
    const p = plan(model, args);
    assert.deepStrictEqual(p.conflicts, [], "unexpected conflicts");
    const requests = packBatches(p.groups);
    for (const request of requests) model.apply(request);
    return { plan: p, requests };
}

const summary = (requests: Change[][]) => requests.map((r) => r.map((c) => `${c.action} ${c.rrset.Name} ${c.rrset.Type}`));

describe("dns plan: examples", () => {
    it("creates each record with its marker in one request, and a re-run changes nothing", () => {
        const model = new ZoneModel(ZONE, BASE);
        const desired = records([a("app"), alias("@"), { name: "*", type: "TXT", values: ["hello"], resource: "ingress/x/y" }]);
        const { requests } = sync(model, { desired });
        assert.strictEqual(requests.length, 1);
        assert.deepStrictEqual(summary(requests)[0].sort(), [
            "CREATE *.example.com. TXT",
            "CREATE a-app.example.com. TXT",
            "CREATE a-example.com.example.com. TXT",
            "CREATE app.example.com. A",
            "CREATE example.com. A",
            "CREATE txt-*.example.com. TXT",
        ]);
        assert.deepStrictEqual(parseMarker(txtText(model.get("txt-*.example.com.", "TXT")!.ResourceRecords![0].Value)), { owner: ME, resource: "ingress/x/y" });
        const again = plan(model, { desired, previous: desired });
        assert.deepStrictEqual(again.groups, []);
    });

    it("adopts ExternalDNS records of the same owner without any change (typed and legacy markers)", () => {
        const model = new ZoneModel(ZONE, [
            ...BASE,
            toRrset(records([alias("app")])[0]),
            markerSet("a-app.example.com.", ME, "ingress/default/app"),
            markerSet("app.example.com.", ME, "ingress/default/app"), // legacy format, written by ExternalDNS < 0.16
        ]);
        const p = plan(model, { desired: records([alias("app")]) });
        assert.deepStrictEqual(p.conflicts, []);
        assert.deepStrictEqual(p.groups, [], "no change call");
    });

    it("adopts a record known only by a legacy marker by adding the typed marker, record untouched", () => {
        const model = new ZoneModel(ZONE, [...BASE, toRrset(records([a("app")])[0]), markerSet("app.example.com.", ME)]);
        const { requests } = sync(model, { desired: records([a("app")]) });
        assert.deepStrictEqual(summary(requests), [["CREATE a-app.example.com. TXT"]]);
    });

    it("refuses records without marker and records of another owner, naming both, and plans nothing for them", () => {
        const model = new ZoneModel(ZONE, [...BASE, toRrset(records([a("free")])[0]), toRrset(records([a("theirs")])[0]), markerSet("a-theirs.example.com.", "other")]);
        const p = plan(model, { desired: records([a("free", "192.0.2.9"), a("theirs", "192.0.2.9"), a("new")]) });
        assert.strictEqual(p.conflicts.length, 2);
        assert.match(p.conflicts[0].reason, /free\.example\.com\. A exists without an ownership marker \(no TXT a-free\.example\.com\.\)/);
        assert.match(p.conflicts[1].reason, /theirs\.example\.com\. A is owned by "other" \(marker TXT a-theirs\.example\.com\.\)/);
    });

    it("changes A to CNAME as DELETE-then-CREATE in one request (never relying on emulator leniency)", () => {
        const model = new ZoneModel(ZONE, BASE);
        sync(model, { desired: records([a("www")]) });
        const desired = records([cname("www")]);
        const { requests } = sync(model, { desired, previous: records([a("www")]) });
        assert.deepStrictEqual(summary(requests), [
            ["DELETE www.example.com. A", "DELETE a-www.example.com. TXT", "CREATE www.example.com. CNAME", "CREATE cname-www.example.com. TXT"],
        ]);
        assert.strictEqual(model.get("www.example.com.", "A"), undefined);
    });

    it("turns a CNAME into an alias A, and a plain A into an alias A, with DELETE before CREATE", () => {
        const model = new ZoneModel(ZONE, BASE);
        sync(model, { desired: records([cname("www"), a("app")]) });
        const desired = records([alias("www"), alias("app")]);
        const { requests } = sync(model, { desired, previous: records([cname("www"), a("app")]) });
        assert.strictEqual(requests.length, 1);
        const actions = requests[0].map((c) => c.action);
        assert.ok(actions.lastIndexOf("DELETE") < actions.indexOf("CREATE"), "all DELETEs precede the CREATEs");
        assert.deepStrictEqual(summary(requests)[0].filter((s) => s.includes("app.example.com. A")), ["DELETE app.example.com. A", "CREATE app.example.com. A"]);
        assert.ok(model.get("www.example.com.", "A")?.AliasTarget);
        assert.strictEqual(model.get("cname-www.example.com.", "TXT"), undefined);
    });

    it("updates a TTL or alias target as a compare-and-swap: DELETE exact + CREATE of the record and of its marker, in one request", () => {
        const model = new ZoneModel(ZONE, BASE);
        sync(model, { desired: records([a("app"), alias("api")]) });
        const markerBefore = model.get("a-app.example.com.", "TXT");
        const { requests } = sync(model, { desired: records([a("app", "192.0.2.1", 60), alias("api", "lb-2.us-east-1.elb.amazonaws.com")]), previous: records([a("app"), alias("api")]) });
        assert.deepStrictEqual(summary(requests).map((r) => [...r].sort()), [
            [
                "CREATE a-api.example.com. TXT",
                "CREATE a-app.example.com. TXT",
                "CREATE api.example.com. A",
                "CREATE app.example.com. A",
                "DELETE a-api.example.com. TXT",
                "DELETE a-app.example.com. TXT",
                "DELETE api.example.com. A",
                "DELETE app.example.com. A",
            ],
        ]);
        assert.ok(requests[0].every((c) => c.action !== "UPSERT"), "never an UPSERT: it would carry no precondition");
        assert.deepStrictEqual(model.get("a-app.example.com.", "TXT"), markerBefore, "the marker is rewritten with the same value");
        assert.strictEqual(model.get("app.example.com.", "A")?.TTL, 60);
    });

    it("applies the policies: sync deletes, upsert-only updates but never deletes, create-only only creates", () => {
        const initial = records([a("keep"), a("drop")]);
        const next = records([a("keep", "192.0.2.7"), a("add")]);
        // a value change: the record and its marker, each DELETEd exactly and CREATEd
        const KEEP_REPLACED = ["CREATE a-keep.example.com. TXT", "CREATE keep.example.com. A", "DELETE a-keep.example.com. TXT", "DELETE keep.example.com. A"];
        const outcome = (policy: Policy) => {
            const model = new ZoneModel(ZONE, BASE);
            sync(model, { desired: initial });
            return summary(sync(model, { desired: next, previous: initial, policy }).requests).flat().sort();
        };
        assert.deepStrictEqual(outcome("sync"), [
            "CREATE a-add.example.com. TXT",
            "CREATE add.example.com. A",
            "DELETE a-drop.example.com. TXT",
            "DELETE drop.example.com. A",
            ...KEEP_REPLACED,
        ].sort());
        assert.deepStrictEqual(outcome("upsert-only"), ["CREATE a-add.example.com. TXT", "CREATE add.example.com. A", ...KEEP_REPLACED].sort());
        assert.deepStrictEqual(outcome("create-only"), ["CREATE a-add.example.com. TXT", "CREATE add.example.com. A"]);
    });

    it("moves markers to a new owner id and txtPrefix", () => {
        const model = new ZoneModel(ZONE, BASE);
        sync(model, { desired: records([a("app")]), registries: { current: { ownerId: "old", txtPrefix: "" } } });
        const { requests } = sync(model, { desired: records([a("app")], "ext-"), previous: records([a("app")]), registries: registries("ext-", { ownerId: "old", txtPrefix: "" }) });
        assert.deepStrictEqual(summary(requests), [["DELETE a-app.example.com. TXT", "CREATE ext-a-app.example.com. TXT"]]);
        assert.deepStrictEqual(parseMarker(txtText(model.get("ext-a-app.example.com.", "TXT")!.ResourceRecords![0].Value)), { owner: ME });
    });

    it("removes a legacy marker together with the last record at its name", () => {
        const model = new ZoneModel(ZONE, [...BASE, toRrset(records([a("app")])[0]), markerSet("app.example.com.", ME), markerSet("a-app.example.com.", ME)]);
        const { requests } = sync(model, { desired: [], previous: records([a("app")]) });
        assert.deepStrictEqual(summary(requests)[0].sort(), ["DELETE a-app.example.com. TXT", "DELETE app.example.com. A", "DELETE app.example.com. TXT"]);
    });

    it("clears our legacy marker to make room for a CNAME under sync, refuses under upsert-only", () => {
        const seed = () => new ZoneModel(ZONE, [...BASE, markerSet("www.example.com.", ME)]);
        const { requests } = sync(seed(), { desired: records([cname("www")]) });
        assert.deepStrictEqual(summary(requests)[0], ["DELETE www.example.com. TXT", "CREATE www.example.com. CNAME", "CREATE cname-www.example.com. TXT"]);
        const refused = plan(seed(), { desired: records([cname("www")]), policy: "upsert-only" });
        assert.strictEqual(refused.conflicts.length, 1);
        assert.match(refused.conflicts[0].reason, /needs policy "sync"/);
    });

    it("refuses a CNAME next to a foreign record, and an A next to a foreign CNAME", () => {
        const model = new ZoneModel(ZONE, [...BASE, toRrset(records([a("www")])[0]), toRrset(records([cname("api")])[0])]);
        const p = plan(model, { desired: records([cname("www"), a("api")]) });
        assert.deepStrictEqual(p.conflicts.map((c) => `${c.name} ${c.type}`), ["www.example.com. A", "api.example.com. CNAME"]);
        assert.match(p.conflicts[0].reason, /www\.example\.com\. CNAME cannot coexist with www\.example\.com\. A.*without an ownership marker/);
    });

    it("refuses when the marker name holds someone else's TXT, or routing-policy sets", () => {
        const model = new ZoneModel(ZONE, [
            ...BASE,
            { Name: "a-app.example.com.", Type: "TXT", TTL: 60, ResourceRecords: [{ Value: '"not a marker"' }] },
            { Name: "w.example.com.", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }], SetIdentifier: "blue" } as Rrset,
        ]);
        const p = plan(model, { desired: records([a("app"), a("w")]) });
        assert.match(p.conflicts[0].reason, /a-app\.example\.com\. holds a TXT record that is not an ExternalDNS marker/);
        assert.match(p.conflicts[1].reason, /w\.example\.com\. A \(simple\) cannot be written beside w\.example\.com\. A setIdentifier blue \(other\): Route53 allows one routing policy per name and type/);
    });

    it("deletes with the set exactly as listed (escaped wildcard, alias without the emulator's TTL)", () => {
        const listed: Rrset[] = [
            { Name: "\\052.example.com.", Type: "A", TTL: 0, AliasTarget: { HostedZoneId: "Z2FDTNDATAQYW2", DNSName: "d1.cloudfront.net.", EvaluateTargetHealth: false } },
            markerSet("a-*.example.com.", ME),
        ];
        const p = planChanges({ zone: indexZone(ZONE, listed), desired: [], previous: [{ name: "*.example.com.", type: "A" }], registries: registries(), policy: "sync" });
        const del = p.groups.flat().find((c) => c.rrset.Type === "A")!;
        assert.deepStrictEqual(del, { action: "DELETE", rrset: { Name: "\\052.example.com.", Type: "A", AliasTarget: listed[0].AliasTarget } });
    });

    it("packs 2,500 records into requests within Route53's limits, each record with its marker", () => {
        const model = new ZoneModel(ZONE, BASE);
        const desired = records(Array.from({ length: 2500 }, (_, i) => ({ ...a(`r${i}`, `10.0.${i >> 8}.${i & 255}`), resource: `bench/record-${i}` })));
        const { requests } = sync(model, { desired });
        for (const request of requests) {
            assert.ok(fits(groupCost(request), ROUTE53_LIMITS));
            const names = new Set(request.map((c) => c.rrset.Name));
            for (const c of request.filter((c) => c.rrset.Type === "A")) assert.ok(names.has(`a-${c.rrset.Name}`), `${c.rrset.Name} travels with its marker`);
        }
        const chars = groupCost(requests.flat()).valueChars;
        assert.strictEqual(requests.length, Math.ceil(chars / ROUTE53_LIMITS.maxValueChars), "first-fit packing is tight for uniform groups");
        assert.strictEqual(model.list().length, 2 + 5000);
    });
});

// ---------------------------------------------------------------------------------------------
// Property-based: random live zones (ours, legacy, other owners, unmarked, orphaned markers),
// random desired records, previous state and policy; plans applied to the strict zone model.

const HOSTS = ["app", "api", "www", "x.app", "*", "@", "deep.sub"];
const TYPES = ["A", "AAAA", "CNAME", "TXT"] as const;
const OWNERSHIPS = ["ours", "oursLegacy", "oursBoth", "previousOwner", "foreign", "foreignLegacy", "unmarked", "orphanMarker"] as const;

interface Spec {
    readonly host: string;
    readonly type: (typeof TYPES)[number];
    readonly variant: number;
    readonly alias: boolean;
    readonly ttl: number;
    readonly resource?: string;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
    host: fc.constantFrom(...HOSTS),
    type: fc.constantFrom(...TYPES),
    variant: fc.integer({ min: 0, max: 2 }),
    alias: fc.boolean(),
    ttl: fc.constantFrom(60, 300),
    resource: fc.option(fc.constantFrom("ingress/a/b", "svc/c/d"), { nil: undefined }),
});

function rawRecord(s: Spec): Record<string, unknown> {
    const name = s.host === "@" ? "@" : `${s.host}.example.com`;
    const resource = s.resource === undefined ? {} : { resource: s.resource };
    switch (s.type) {
        case "A":
            return s.alias ? { name, type: "A", alias: { dnsName: `lb${s.variant}.us-east-1.elb.amazonaws.com` }, ...resource } : { name, type: "A", ttl: s.ttl, values: [`192.0.2.${s.variant + 1}`], ...resource };
        case "AAAA":
            return s.alias ? { name, type: "AAAA", alias: { dnsName: `d${s.variant}.cloudfront.net` }, ...resource } : { name, type: "AAAA", ttl: s.ttl, values: [`2001:db8::${s.variant + 1}`], ...resource };
        case "CNAME":
            return { name, type: "CNAME", ttl: s.ttl, values: [`t${s.variant}.example.org`], ...resource };
        case "TXT":
            return { name, type: "TXT", ttl: s.ttl, values: [`text ${s.variant}`], ...resource };
    }
}

/** Desired specs made valid: one per name+type, CNAMEs alone at their name and never at the apex. */
function validDesired(specs: Spec[]): Spec[] {
    const unique = [...new Map(specs.map((s) => [`${s.host} ${s.type}`, s])).values()];
    return unique.filter((s) => s.type !== "CNAME" || (s.host !== "@" && !unique.some((o) => o.host === s.host && o.type !== "CNAME")));
}

interface Scenario {
    readonly live: { spec: Spec; ownership: (typeof OWNERSHIPS)[number] }[];
    readonly desired: Spec[];
    readonly previousMask: boolean[];
    readonly policy: Policy;
    readonly txtPrefix: string;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
    live: fc.array(fc.record({ spec: specArb.filter((s) => s.type !== "CNAME" || s.host !== "@"), ownership: fc.constantFrom(...OWNERSHIPS) }), { maxLength: 8 }),
    desired: fc.array(specArb, { maxLength: 7 }).map(validDesired),
    previousMask: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
    policy: fc.constantFrom<Policy>("sync", "upsert-only", "create-only"),
    txtPrefix: fc.constantFrom("", "ext-"),
});

interface World {
    readonly model: ZoneModel;
    readonly initial: Rrset[];
    readonly desired: NormalizedRecord[];
    readonly previous: { name: string; type: string }[];
    readonly registries: Registries;
    readonly policy: Policy;
}

function buildWorld(s: Scenario): World {
    const regs = registries(s.txtPrefix, { ownerId: "me-before", txtPrefix: s.txtPrefix });
    const model = new ZoneModel(ZONE, BASE);
    for (const { spec, ownership } of s.live) {
        const record = records([rawRecord(spec)], s.txtPrefix)[0];
        const typed = markerName(s.txtPrefix, record.name, record.type, ZONE);
        const legacy = `${s.txtPrefix}${record.name}`;
        const sets: Rrset[] = ownership === "orphanMarker" ? [] : [toRrset(record)];
        if (ownership === "ours" || ownership === "oursBoth" || ownership === "orphanMarker") sets.push(markerSet(typed, ME, spec.resource));
        if (ownership === "oursLegacy" || ownership === "oursBoth") sets.push(markerSet(legacy, ME));
        if (ownership === "previousOwner") sets.push(markerSet(typed, "me-before"));
        if (ownership === "foreign") sets.push(markerSet(typed, "other"));
        if (ownership === "foreignLegacy") sets.push(markerSet(legacy, "other"));
        try {
            model.apply(sets.map((rrset) => ({ action: "CREATE", rrset })));
        } catch {
            // an impossible combination (e.g. a CNAME and its legacy TXT at one name): skip it
        }
    }
    const desired = records(s.desired.map(rawRecord), s.txtPrefix);
    const candidates = [...s.live.map(({ spec }) => records([rawRecord(spec)], s.txtPrefix)[0]), ...desired].map((r) => ({ name: r.name, type: r.type }));
    const previous = candidates.filter((_, i) => s.previousMask[i % s.previousMask.length]);
    return { model, initial: model.list(), desired, previous, registries: regs, policy: s.policy };
}

/** Keys of the initial sets this owner may touch: records owned by a marker of ours, and our markers. */
function ourKeys(world: World): Set<string> {
    const zone = indexZone(ZONE, world.initial);
    const owners = new Set([ME, "me-before"]);
    const keys = new Set<string>();
    for (const r of world.initial) {
        const name = fromRrset(r).name;
        if (r.Type === "TXT" && r.ResourceRecords?.length === 1) {
            const labels = parseMarker(txtText(r.ResourceRecords[0].Value));
            if (labels && owners.has(labels.owner ?? "")) keys.add(recordKey(name, r.Type));
        }
        if (ownershipOf(zone, name, r.Type, world.registries).kind === "owned") keys.add(recordKey(name, r.Type));
    }
    return keys;
}

describe("dns plan: properties", () => {
    it("never changes or deletes a set that is not ours, even when it reports conflicts", () => {
        fc.assert(
            fc.property(scenarioArb, (s) => {
                const world = buildWorld(s);
                const p = plan(world.model, world);
                const existing = new Set(world.initial.map((r) => recordKey(fromRrset(r).name, r.Type)));
                const ours = ourKeys(world);
                const deleted = new Set<string>();
                for (const c of p.groups.flat()) {
                    const k = recordKey(fromRrset(c.rrset).name, c.rrset.Type);
                    if (c.action === "CREATE") assert.ok(!existing.has(k) || deleted.has(k), `CREATE of existing ${k}`);
                    else if (existing.has(k)) assert.ok(ours.has(k), `${c.action} of ${k}, which is not ours`);
                    if (c.action === "DELETE") deleted.add(k);
                }
            }),
            { numRuns: 300 },
        );
    });

    it("without conflicts, applies cleanly on a strict Route53 model and yields exactly the desired owned records", () => {
        fc.assert(
            fc.property(scenarioArb, (s) => {
                const world = buildWorld(s);
                const p = plan(world.model, world);
                fc.pre(p.conflicts.length === 0);
                const ours = ourKeys(world);
                const before = new Map(world.initial.map((r) => [recordKey(fromRrset(r).name, r.Type), r]));
                for (const request of packBatches(p.groups)) world.model.apply(request); // throws on any Route53 rule violation

                const after = indexZone(ZONE, world.model.list());
                // foreign sets are byte-for-byte unchanged
                for (const [k, r] of before) if (!ours.has(k)) assert.deepStrictEqual(world.model.get(fromRrset(r).name, r.Type), r, `foreign ${k} changed`);
                // every desired record is there, ours, and (unless create-only kept an existing one) as desired
                for (const d of world.desired) {
                    const own = ownershipOf(after, d.name, d.type, world.registries);
                    assert.strictEqual(own.kind, "owned", `${d.name} ${d.type} is ${own.kind}`);
                    const existed = before.has(recordKey(d.name, d.type));
                    if (world.policy !== "create-only" || !existed) assert.ok(own.kind === "owned" && sameRecordData(own.record, d), `${d.name} ${d.type} not as desired`);
                    const marker = markerAt(after, markerName(world.registries.current.txtPrefix, d.name, d.type, ZONE));
                    assert.ok(marker?.labels, `${d.name} ${d.type} has its typed marker`);
                }
                const desiredKeys = new Set(world.desired.map((d) => recordKey(d.name, d.type)));
                if (world.policy === "sync") {
                    for (const prev of world.previous) {
                        const k = recordKey(prev.name, prev.type);
                        if (!desiredKeys.has(k) && ours.has(k)) assert.strictEqual(world.model.get(prev.name, prev.type), undefined, `${k} should be deleted`);
                    }
                } else {
                    for (const k of before.keys()) assert.ok(world.model.list().some((r) => recordKey(fromRrset(r).name, r.Type) === k), `${k} deleted under ${world.policy}`);
                }
                // converged: the next run changes nothing
                const again = plan(world.model, { ...world, previous: world.desired });
                assert.deepStrictEqual(again.conflicts, []);
                assert.deepStrictEqual(again.groups, [], "a no-op sync makes zero change calls");
            }),
            { numRuns: 300 },
        );
    });

    it("every request is self-contained: after any prefix of requests, each record we wrote has its marker", () => {
        fc.assert(
            fc.property(scenarioArb, (s) => {
                const world = buildWorld(s);
                const p = plan(world.model, world);
                fc.pre(p.conflicts.length === 0);
                const written = new Set<string>();
                for (const request of packBatches(p.groups, { maxRecords: 10, maxValueChars: 32000 })) {
                    const actions = request.map((c) => c.action);
                    assert.deepStrictEqual(actions, [...actions].sort((x, y) => ["DELETE", "UPSERT", "CREATE"].indexOf(x) - ["DELETE", "UPSERT", "CREATE"].indexOf(y)));
                    world.model.apply(request);
                    for (const c of request) if (c.action !== "DELETE") written.add(recordKey(fromRrset(c.rrset).name, c.rrset.Type));
                    const zone = indexZone(ZONE, world.model.list());
                    for (const d of world.desired) {
                        if (written.has(recordKey(d.name, d.type))) assert.strictEqual(ownershipOf(zone, d.name, d.type, world.registries).kind, "owned");
                    }
                }
            }),
            {
                numRuns: 200,
                // found by this property: replacing our A with a CNAME while our CNAME's marker already exists (`cname-<name>` is also an alias A's legacy marker)
                examples: [
                    [
                        {
                            live: [
                                { spec: { host: "app", type: "A", variant: 0, alias: false, ttl: 60, resource: undefined }, ownership: "ours" },
                                { spec: { host: "app", type: "CNAME", variant: 0, alias: false, ttl: 60, resource: undefined }, ownership: "orphanMarker" },
                            ],
                            desired: [{ host: "app", type: "CNAME", variant: 0, alias: false, ttl: 60, resource: undefined }],
                            previousMask: Array(16).fill(false),
                            policy: "sync",
                            txtPrefix: "",
                        },
                    ],
                ],
            },
        );
    });
});

describe("dns plan: routing policies", () => {
    const mine = (value = renderMarker(markerLabels(ME))) => ({ Name: "a-w.example.com.", Type: "TXT", TTL: 300, ResourceRecords: [{ Value: value }] });

    it("simple → weighted is one group, DELETEs first; the routed marker carries the set identifier and weight", () => {
        const model = new ZoneModel(ZONE, [...BASE, { Name: "w.example.com.", Type: "A", TTL: 300, ResourceRecords: [{ Value: "192.0.2.1" }] }, mine()]);
        const p = plan(model, { desired: records([{ ...a("w"), setIdentifier: "blue", weight: 10 }]), previous: [{ name: "w.example.com.", type: "A" }] });
        assert.deepStrictEqual(p.conflicts, []);
        assert.strictEqual(p.groups.length, 1);
        const g = p.groups[0];
        assert.deepStrictEqual(
            g.map((c) => `${c.action} ${c.rrset.Name} ${c.rrset.Type} ${c.rrset.SetIdentifier ?? "-"} ${c.rrset.Weight ?? "-"}`).sort(),
            ["CREATE a-w.example.com. TXT blue 10", "CREATE w.example.com. A blue 10", "DELETE a-w.example.com. TXT - -", "DELETE w.example.com. A - -"],
        );
        assert.ok(g.findIndex((c) => c.action === "CREATE") > g.map((c) => c.action).lastIndexOf("DELETE"), "every DELETE before the first CREATE");
    });

    it("another owner's weighted set at the name is left alone; ours is written beside it", () => {
        const theirs: Rrset[] = [
            { Name: "w.example.com.", Type: "A", TTL: 300, ResourceRecords: [{ Value: "192.0.2.9" }], SetIdentifier: "green", Weight: 50 },
            { Name: "a-w.example.com.", Type: "TXT", TTL: 300, ResourceRecords: [{ Value: renderMarker(markerLabels("green")) }], SetIdentifier: "green", Weight: 50 },
        ];
        const model = new ZoneModel(ZONE, [...BASE, ...theirs]);
        const p = plan(model, { desired: records([{ ...a("w"), setIdentifier: "blue", weight: 50 }]) });
        assert.deepStrictEqual(p.conflicts, []);
        assert.deepStrictEqual(p.groups.flat().map((c) => `${c.action} ${c.rrset.Name} ${c.rrset.SetIdentifier}`).sort(), ["CREATE a-w.example.com. blue", "CREATE w.example.com. blue"]);
    });
});
