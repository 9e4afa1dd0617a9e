/**
 * Shared helpers of the Route53RecordSync integration tests: zones on moto, full listings through
 * a direct SDK client, and the provider's call log (EIM_ROUTE53_CALL_LOG).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { NormalizedInputs, Route53RecordSyncProvider } from "../../../providers/dns";
import { minimumRequests } from "../../../providers/dns/batches";
import { planForEmptyZone } from "../../../providers/dns/plan";
import { HostHandle, serializeProvider, startDynamicProviderHost } from "../fixtures/dynamicProviderHost";
import type { MotoServer } from "../fixtures/moto";
import { useMoto } from "../fixtures/moto";
import { Route53Proxy, startRoute53Proxy } from "../fixtures/route53Proxy";

export type Props = Record<string, unknown>;

let zoneSeq = 0;

export function directClient(moto: MotoServer): Route53Client {
    return new Route53Client({ endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
}

export interface TestZone {
    readonly name: string;
    readonly id: string;
}

/** A fresh public zone with a unique name. */
export async function newZone(client: Route53Client, label: string): Promise<TestZone> {
    const name = `${label}-${++zoneSeq}-${process.pid}-${Date.now().toString(36)}.dns.test`;
    const out = await client.send(new CreateHostedZoneCommand({ Name: name, CallerReference: name }));
    return { name, id: (out.HostedZone?.Id ?? "").replace(/^\/hostedzone\//, "") };
}

/** The zone's full listing, exactly as Route53 (moto) returns it. */
export async function listZone(client: Route53Client, zoneId: string): Promise<ResourceRecordSet[]> {
    const all: ResourceRecordSet[] = [];
    let start: { StartRecordName?: string; StartRecordType?: ResourceRecordSet["Type"] } = {};
    for (let page = 0; page < 200; page++) {
        const out = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 300, ...start }));
        all.push(...(out.ResourceRecordSets ?? []));
        if (!out.IsTruncated) return all;
        start = { StartRecordName: out.NextRecordName, StartRecordType: out.NextRecordType };
    }
    throw new Error(`zone ${zoneId}: more than 200 pages`);
}

/** name → type → values (or "alias:<dns name>") for compact assertions; SOA/NS left out. */
export async function zoneContents(client: Route53Client, zoneId: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const r of await listZone(client, zoneId)) {
        if (r.Type === "SOA" || r.Type === "NS") continue;
        const value = r.AliasTarget
            ? `alias ${r.AliasTarget.DNSName} ${r.AliasTarget.HostedZoneId} ${r.AliasTarget.EvaluateTargetHealth}`
            : `${r.TTL} ${(r.ResourceRecords ?? []).map((v) => v.Value).join(" , ")}`;
        out[`${r.Name} ${r.Type}`] = value;
    }
    return out;
}

/** Writes record sets directly (another tool, a human, ExternalDNS). */
export async function seed(client: Route53Client, zoneId: string, sets: ResourceRecordSet[], action: "CREATE" | "UPSERT" = "CREATE"): Promise<void> {
    await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: sets.map((ResourceRecordSet) => ({ Action: action, ResourceRecordSet })) } }));
}

/** A marker value exactly as written: labels sorted by key (`eim-instance` < `owner` < `resource`). */
export const marker = (owner: string, resource?: string, instance?: string): string =>
    `"heritage=external-dns${instance ? `,external-dns/eim-instance=${instance}` : ""},external-dns/owner=${owner}${resource ? `,external-dns/resource=${resource}` : ""}"`;

/**
 * Points the provider's call log at a temp file for the describe block, and raises the rate cap
 * (moto has no account limit). Returns readers for the calls made since the last reset.
 */
export function useCallLog(): { reset(): void; lines(): string[]; count(action: string): number } {
    let file = "";
    const saved: Record<string, string | undefined> = {};
    before(() => {
        file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dns-calls-")), "calls.log");
        for (const [k, v] of Object.entries({ EIM_ROUTE53_CALL_LOG: file, EIM_ROUTE53_MAX_RPS: "unlimited" })) {
            saved[k] = process.env[k];
            process.env[k] = v;
        }
    });
    after(() => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    });
    const lines = (): string[] => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []);
    return {
        reset: () => fs.rmSync(file, { force: true }),
        lines,
        count: (action) => lines().filter((l) => l === action || l.startsWith(`${action} `)).length,
    };
}

/** check + create, asserting check passes; returns what the engine would keep. */
export async function createSync(provider: Route53RecordSyncProvider, news: Props): Promise<{ id: string; inputs: Props; outs: Props }> {
    const checked = await provider.check({}, news);
    assert.deepStrictEqual(checked.failures ?? [], []);
    const created = await provider.create(checked.inputs);
    return { id: created.id, inputs: checked.inputs, outs: created.outs };
}

/** check + update from the previous outputs. */
export async function updateSync(provider: Route53RecordSyncProvider, id: string, olds: Props, news: Props): Promise<{ inputs: Props; outs: Props }> {
    const checked = await provider.check(olds, news);
    assert.deepStrictEqual(checked.failures ?? [], []);
    const updated = await provider.update(id, olds, checked.inputs);
    return { inputs: checked.inputs, outs: updated.outs as Props };
}

/** Runs `fn` with some environment variables set, restoring them afterwards. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
        return await fn();
    } finally {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    }
}

/** The fewest change requests Route53's limits allow for a first sync of these inputs (markers with this instance id). */
export function minimumChangeCalls(inputs: Props, outs: Props): number {
    return minimumRequests(planForEmptyZone(inputs as unknown as NormalizedInputs, outs.instanceId as string).groups.flat());
}

/** What the engine-order suites drive: moto behind a strict counting proxy, and the SDK's dynamic-provider host. */
export interface GrpcRoute53Rig {
    /** Talks to moto directly (seeding, listings). */
    readonly client: Route53Client;
    /** Route53's own change rules enforced; counts calls by action; injects faults. */
    readonly proxy: Route53Proxy;
    readonly host: HostHandle;
    /** The serialized Route53RecordSyncProvider, as `__provider` in every request. */
    readonly provider: string;
}

/** Registers mocha hooks that start the rig once per suite and reset the proxy before each test. */
export function useGrpcRoute53Rig(): () => GrpcRoute53Rig {
    const moto = useMoto();
    let rig: GrpcRoute53Rig | undefined;
    before(async () => {
        const proxy = await startRoute53Proxy(moto().endpoint, { strict: true });
        const [host, provider] = await Promise.all([
            startDynamicProviderHost({ env: { AWS_ENDPOINT_URL: proxy.endpoint, EIM_ROUTE53_MAX_RPS: "unlimited", AWS_MAX_ATTEMPTS: "2" } }),
            serializeProvider(new Route53RecordSyncProvider()),
        ]);
        rig = { client: directClient(moto()), proxy, host, provider };
    });
    after(async () => {
        await rig?.host.stop();
        await rig?.proxy.close();
        rig?.client.destroy();
    });
    beforeEach(() => {
        rig?.proxy.reset();
        rig?.proxy.setFaults({ rules: [] });
    });
    return () => {
        if (!rig) throw new Error("the gRPC Route53 rig is used outside its suite");
        return rig;
    };
}
