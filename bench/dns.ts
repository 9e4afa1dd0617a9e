// DNS benchmark (`npm run bench:dns`): API calls and wall time of
// Route53RecordSync against one aws.route53.Record per record, for N records,
// on moto behind a rate-limited, call-counting proxy. Writes out/bench/dns.md
// and out/bench/dns.json, prints PASS/FAIL for the Done-when targets and exits
// non-zero when one fails. Bounded: a hard deadline stops the run.
//
//   --sizes 100,1000,5000      record counts (updates: one-record change/add/removal at N >= 1000,
//                              each with both update protocols, and a drifted change)
//   --baseline-max 100         measure the baseline up to this N, extrapolate above (its calls are
//                              fixed per record; 2 calls per record at 10 req/s is 200 s at N = 1000)
//   --rps 10                   proxy token bucket (delaying), Route53's limit stand-in
//   --concurrency 10           baseline resources in flight (Pulumi runs them in parallel)
//   --deadline-min 20          hard stop
import * as fs from "fs";
import * as path from "path";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { NormalizedInputs, Route53RecordSyncProvider } from "../providers/dns";
import { minimumRequests, packBatches } from "../providers/dns/batches";
import { newInstanceId } from "../providers/dns/provider";
import { planForEmptyZone } from "../providers/dns/plan";
import { startMoto } from "../tests/integration/fixtures/moto";
import { listZone } from "../tests/integration/dns/helpers";
import { Route53Proxy, startRoute53Proxy } from "../tests/integration/fixtures/route53Proxy";
import { PlainRecord, baselineCreate, baselineRefresh, baselineUpdateOne } from "./dns/baseline";
import { BASELINE, Measurement, READ_FIRST, SYNC, Scenario, Subject, changeCalls, checkTargets, describeCalls, extrapolateBaseline, formatMs, renderMarkdown, totalCalls } from "./dns/report";

interface Options {
    readonly sizes: number[];
    readonly baselineMax: number;
    readonly rps: number;
    readonly concurrency: number;
    readonly deadlineMin: number;
}

function parseOptions(argv: readonly string[]): Options {
    const opts = { sizes: [100, 1000, 5000], baselineMax: 100, rps: 10, concurrency: 10, deadlineMin: 20 };
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        const num = Number(value);
        const bad = (rule: string): never => {
            throw new Error(`bench:dns: ${flag} ${rule}, got ${JSON.stringify(value)}`);
        };
        switch (flag) {
            case "--sizes":
                opts.sizes = (value ?? "").split(",").map(Number);
                if (opts.sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 10000)) bad("must be a comma-separated list of integers in 1..10000");
                break;
            case "--baseline-max":
                if (!Number.isInteger(num) || num < 0) bad("must be an integer >= 0");
                opts.baselineMax = num;
                break;
            case "--rps":
                if (!(num > 0)) bad("must be a number > 0");
                opts.rps = num;
                break;
            case "--concurrency":
                if (!Number.isInteger(num) || num < 1) bad("must be an integer >= 1");
                opts.concurrency = num;
                break;
            case "--deadline-min":
                if (!(num > 0)) bad("must be a number > 0");
                opts.deadlineMin = num;
                break;
            default:
                throw new Error(`bench:dns: unknown option ${flag}; allowed: --sizes, --baseline-max, --rps, --concurrency, --deadline-min`);
        }
    }
    return opts;
}

const CREDENTIALS = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "us-east-1" };

/** How the sync labels its ownership markers; marker length decides how many records fit a request. */
interface MarkerStyle {
    readonly subject: Subject;
    /** The program's default owner id is "<project>-<stack>". */
    readonly ownerId: string;
    /** ExternalDNS-style resource label of record i (what components/dns.ts passes), or none. */
    readonly resource?: (i: number) => string;
}

/** The N the Done-when targets are stated for. */
const TARGET_N = 1000;

const REALISTIC: MarkerStyle = { subject: SYNC, ownerId: "eks-ingress-mesh-bench", resource: (i) => `ingress/bench/app-${i}` };
const OWNER_ONLY: MarkerStyle = { subject: "Route53RecordSync, owner-only markers", ownerId: "eks-ingress-mesh-bench" };

function client(endpoint: string): Route53Client {
    return new Route53Client({ endpoint, region: CREDENTIALS.AWS_REGION, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
}

function recordsFor(zone: string, n: number, variant = 0): PlainRecord[] {
    return Array.from({ length: n }, (_, i) => ({
        name: `r${i}.${zone}`,
        type: "A" as const,
        ttl: 300,
        values: [`10.${(i >> 8) & 255}.${i & 255}.${variant + 1}`],
    }));
}

function syncInputs(zone: string, zoneId: string, records: readonly PlainRecord[], style: MarkerStyle): Record<string, unknown> {
    return {
        zoneName: zone,
        zoneId,
        ownerId: style.ownerId,
        records: records.map((r, i) => ({ name: r.name, type: r.type, ttl: r.ttl, values: [...r.values], ...(style.resource ? { resource: style.resource(i) } : {}) })),
    };
}

async function createZone(direct: Route53Client, name: string): Promise<string> {
    const out = await direct.send(new CreateHostedZoneCommand({ Name: name, CallerReference: `${name}-${Date.now()}` }));
    const id = out.HostedZone?.Id;
    if (!id) throw new Error(`bench:dns: CreateHostedZone ${name} returned no id`);
    return id.replace(/^\/hostedzone\//, "");
}

/** The zone must hold exactly the wanted A records, each with its ownership TXT record. */
async function verifyZone(direct: Route53Client, zoneId: string, records: readonly PlainRecord[], ownerId: string): Promise<void> {
    const live = await listZone(direct, zoneId);
    const a = new Map(live.filter((r) => r.Type === "A").map((r) => [r.Name!.replace(/\.$/, ""), r.ResourceRecords?.map((v) => v.Value)]));
    const txt = live.filter((r) => r.Type === "TXT" && (r.ResourceRecords ?? []).some((v) => v.Value?.includes(`external-dns/owner=${ownerId}`)));
    const wrong = records.filter((r) => JSON.stringify(a.get(r.name)) !== JSON.stringify(r.values));
    if (wrong.length > 0 || a.size !== records.length || txt.length !== records.length) {
        throw new Error(
            `bench:dns: zone ${zoneId} is not in the desired state: ${a.size} A records (want ${records.length}), ` +
            `${txt.length} owned TXT markers (want ${records.length}), ${wrong.length} wrong, e.g. ${wrong[0]?.name ?? "-"}`,
        );
    }
}

async function measure(
    proxy: Route53Proxy, n: number, subject: Subject, scenario: Scenario, run: () => Promise<void>,
): Promise<Measurement> {
    proxy.reset();
    const t0 = performance.now();
    await run();
    const m: Measurement = { n, subject, scenario, calls: proxy.counts(), wallMs: performance.now() - t0 };
    log(`  N=${n} ${subject} ${scenario}: ${totalCalls(m.calls)} calls (${describeCalls(m.calls)}) in ${formatMs(m.wallMs)}`);
    return m;
}

function log(line: string): void {
    process.stderr.write(`${line}\n`);
}

async function benchProvider(proxy: Route53Proxy, direct: Route53Client, n: number, zone: string, style: MarkerStyle): Promise<Measurement[]> {
    const zoneId = await createZone(direct, zone);
    const provider = new Route53RecordSyncProvider();
    const records = recordsFor(zone, n);
    const checked = await provider.check!({}, syncInputs(zone, zoneId, records, style));
    if (checked.failures && checked.failures.length > 0) {
        throw new Error(`bench:dns: check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
    const inputs = checked.inputs;
    const out: Measurement[] = [];
    let id = "";
    let state: Record<string, unknown> = {};
    if (n > TARGET_N) {
        // Above the first-sync target N the zone is seeded, not measured: moto checks every CREATE
        // against its whole change journal (quadratic: a 5,000-record first sync takes 1-2 min of
        // moto CPU). The seed is the provider's own first-sync plan for a fresh instance, written
        // straight to moto as UPSERTs (the same sets in an empty zone); the state then comes from an
        // (unmeasured) update of that instance with an empty record list, which reads the zone and
        // finds every record already its own.
        const instanceId = newInstanceId();
        const plan = planForEmptyZone(inputs as unknown as NormalizedInputs, instanceId);
        for (const batch of packBatches(plan.groups)) {
            await direct.send(new ChangeResourceRecordSetsCommand({
                HostedZoneId: zoneId,
                ChangeBatch: { Changes: batch.map((c) => ({ Action: "UPSERT", ResourceRecordSet: c.rrset as ResourceRecordSet })) },
            }));
        }
        id = `${zoneId}/${style.ownerId}`;
        proxy.reset();
        state = (await provider.update!(id, { ...inputs, zoneId, instanceId, records: [], claims: [] }, inputs)).outs ?? {};
        if (changeCalls(proxy.counts()) !== 0) throw new Error("bench:dns: the seeded zone was not adopted as it is");
    } else {
        const first = await measure(proxy, n, style.subject, "first sync", async () => {
            const created = await provider.create!(inputs);
            id = created.id;
            state = created.outs ?? {};
        });
        out.push({ ...first, minChangeCalls: minimumRequests(planForEmptyZone(inputs as unknown as NormalizedInputs, String(state.instanceId)).groups.flat()) });
    }
    await verifyZone(direct, zoneId, records, style.ownerId);
    out.push(await measure(proxy, n, style.subject, "no-op sync", async () => {
        state = (await provider.update!(id, state, inputs)).outs ?? state;
    }));
    if (n < TARGET_N || style !== REALISTIC) {
        const changed = records.map((r, i) => (i === 0 ? { ...r, values: ["192.0.2.200"] } : r));
        await step(style.subject, "one-record change", changed);
        await verifyZone(direct, zoneId, changed, style.ownerId);
        return out;
    }

    // one-record updates with both protocols, each from the state the previous one wrote; the proxy
    // enforces Route53's change rules (moto alone accepts a DELETE of a value it no longer holds)
    proxy.setStrict(true);
    try {
        return await updates();
    } finally {
        proxy.setStrict(false);
        delete process.env.EIM_ROUTE53_UPDATE_PLAN;
    }

    async function updates(): Promise<Measurement[]> {
        let desired = records;
        for (const [subject, plan, i] of [[SYNC, "state", 0], [READ_FIRST, "read-first", 1]] as const) {
            process.env.EIM_ROUTE53_UPDATE_PLAN = plan;
            desired = desired.map((r, k) => (k === i ? { ...r, values: [`192.0.2.${200 + i}`] } : r));
            await step(subject, "one-record change", desired);
            const extra = { name: `extra-${i}.${zone}`, type: "A" as const, ttl: 300, values: ["192.0.2.250"] };
            await step(subject, "one-record add", [...desired, extra]);
            await step(subject, "one-record removal", desired);
        }
        delete process.env.EIM_ROUTE53_UPDATE_PLAN;
        // someone changed r2 by hand: the request planned from the state is refused and re-planned from reads
        await direct.send(new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: desired[2].name, Type: "A", TTL: 300, ResourceRecords: [{ Value: "203.0.113.2" }] } }] },
        }));
        desired = desired.map((r, k) => (k === 2 ? { ...r, values: ["192.0.2.202"] } : r));
        await step(SYNC, "one-record change, drifted", desired);
        await verifyZone(direct, zoneId, desired, style.ownerId);
        return out;
    }

    async function step(subject: Subject, scenario: Scenario, next: readonly PlainRecord[]): Promise<void> {
        const news = (await provider.check!(inputs, syncInputs(zone, zoneId, next, style))).inputs;
        out.push(await measure(proxy, n, subject, scenario, async () => {
            state = (await provider.update!(id, state, news)).outs ?? state;
        }));
    }
}

async function benchBaseline(proxy: Route53Proxy, direct: Route53Client, counted: Route53Client, n: number, zone: string, concurrency: number): Promise<Measurement[]> {
    const zoneId = await createZone(direct, zone);
    const records = recordsFor(zone, n);
    return [
        await measure(proxy, n, BASELINE, "first sync", () => baselineCreate(counted, zoneId, records, concurrency)),
        await measure(proxy, n, BASELINE, "no-op sync", () => baselineRefresh(counted, zoneId, records, concurrency)),
        await measure(proxy, n, BASELINE, "one-record change", () => baselineUpdateOne(counted, zoneId, { ...records[0], values: ["192.0.2.200"] })),
    ];
}

async function main(): Promise<number> {
    const opts = parseOptions(process.argv.slice(2));
    const started = performance.now();
    const deadline = setTimeout(() => {
        log(`bench:dns: FAIL: still running after ${opts.deadlineMin} min (--deadline-min); stopping.`);
        process.exit(2);
    }, opts.deadlineMin * 60_000);
    deadline.unref();

    Object.assign(process.env, CREDENTIALS);
    const moto = await startMoto({ detached: true });
    const proxy = await startRoute53Proxy(moto.endpoint);
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    const direct = client(moto.endpoint);
    const counted = client(proxy.endpoint);
    const runId = Date.now().toString(36);
    const measurements: Measurement[] = [];
    try {
        proxy.setRateLimit(opts.rps);
        for (const n of opts.sizes) {
            log(`N=${n}`);
            measurements.push(...(await benchProvider(proxy, direct, n, `sync-${n}-${runId}.bench.test`, REALISTIC)));
            if (n === TARGET_N) measurements.push(...(await benchProvider(proxy, direct, n, `owner-${n}-${runId}.bench.test`, OWNER_ONLY)));
            if (n <= opts.baselineMax) {
                measurements.push(...(await benchBaseline(proxy, direct, counted, n, `base-${n}-${runId}.bench.test`, opts.concurrency)));
            } else {
                const from = Math.max(...measurements.filter((m) => m.subject === BASELINE).map((m) => m.n));
                if (!Number.isFinite(from)) throw new Error("bench:dns: nothing to extrapolate the baseline from; raise --baseline-max");
                for (const m of measurements.filter((x) => x.subject === BASELINE && x.n === from)) measurements.push(extrapolateBaseline(n, m));
            }
        }
    } finally {
        direct.destroy();
        counted.destroy();
        await proxy.close();
        // moto runs detached and is killed when this process exits (awaiting its exit would let the event loop drain).
    }

    const checks = checkTargets(measurements, TARGET_N);
    const meta = {
        date: new Date().toISOString(),
        rps: opts.rps,
        baselineConcurrency: opts.concurrency,
        baselineMeasuredUpTo: Math.min(opts.baselineMax, Math.max(...opts.sizes)),
        providerMaxRps: process.env.EIM_ROUTE53_MAX_RPS ?? "unset (provider default)",
        node: process.versions.node,
        totalMs: performance.now() - started,
        notes: [
            `Records: N plain A records (TTL 300, one value). ${SYNC} writes one ExternalDNS TXT marker per record, owner id ` +
                `"${REALISTIC.ownerId}" (the program's "<project>-<stack>" default), resource label "ingress/bench/app-<i>" ` +
                `(the shape components/dns.ts passes) and the instance label ",external-dns/eim-instance=<12 hex>" (39 characters): ` +
                `about 157 value characters per record and its marker, so Route53's limit of 32000 value characters per request ` +
                `binds before its 1000-record limit and 1000 records need ceil(157 450 / 32 000) = 5 requests. "${OWNER_ONLY.subject}" ` +
                `(N=${TARGET_N} only) omits the resource label: about 114 characters, ceil(113 560 / 32 000) = 4 requests. ` +
                `The zone is pinned (zoneId), so every operation looks it up with one GetHostedZone. ` +
                `Updates plan from the previous state: "${SYNC}" sends the compare-and-swap request at once (reads only the name ` +
                `of a record to be created, and everything the changed names concern after Route53 refuses the request); ` +
                `"${READ_FIRST}" reads every changed name (record, a- and cname- marker names: one call each) before sending. ` +
                `"one-record change, drifted": r2 was changed by hand before the update. During the updates the proxy enforces ` +
                `Route53's change rules (strict mode: before each change call it reads the sets at the request's names from moto, ` +
                `uncounted). Above N = ${TARGET_N} the zone is seeded, not synced: the provider's own first-sync plan written straight ` +
                `to moto (moto checks each CREATE against its whole change journal, so a 5,000-record first sync costs 1-2 min of ` +
                `moto CPU that says nothing about Route53), then adopted by an unmeasured update; so no first-sync row there.`,
        ],
    };
    const markdown = renderMarkdown(meta, measurements, checks);
    const outDir = path.resolve(__dirname, "../out/bench");
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, "dns.md"), markdown);
    fs.writeFileSync(path.join(outDir, "dns.json"), JSON.stringify({ meta, measurements, checks }, null, 2) + "\n");
    process.stdout.write(markdown);
    log(`wrote ${path.relative(process.cwd(), path.join(outDir, "dns.md"))} and dns.json`);
    return checks.every((c) => c.pass) ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        log(`bench:dns: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(2);
    },
);
