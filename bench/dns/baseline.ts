// The baseline the record sync replaces: a Pulumi program with one
// `aws.route53.Record` per DNS record. Each record is its own resource, so the
// AWS provider (terraform-provider-aws underneath) makes per-record calls:
//   create  → ChangeResourceRecordSets (CREATE of that one record; no ownership
//             TXT record) and GetChange polling until INSYNC;
//   refresh → one ListResourceRecordSets per record;
//   update  → ChangeResourceRecordSets (UPSERT) and GetChange polling.
// These are the minimum per-record calls, so the baseline is a lower bound: the
// real provider also calls GetHostedZone before each create and each read, reads
// the record back after every create/update, and waits a random 10-30 s before
// its first GetChange poll (moto reports INSYNC at once, so one GetChange per
// change here, and no wait is emulated).
import {
    ChangeResourceRecordSetsCommand,
    GetChangeCommand,
    ListResourceRecordSetsCommand,
    RRType,
    Route53Client,
} from "@aws-sdk/client-route-53";

export interface PlainRecord {
    /** Fully qualified, without the trailing dot. */
    readonly name: string;
    readonly type: RRType;
    readonly ttl: number;
    readonly values: readonly string[];
}

/** Upper bound of GetChange polls per change; moto answers INSYNC on the first. */
const MAX_POLLS = 60;
const POLL_INTERVAL_MS = 1000;

/** Runs `task` for every item with at most `concurrency` in flight (Pulumi runs independent resources in parallel). */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const item = items[next++];
            await task(item);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function changeAndWait(client: Route53Client, zoneId: string, action: "CREATE" | "UPSERT", record: PlainRecord): Promise<void> {
    const out = await client.send(new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
            Comment: "Managed by Pulumi",
            Changes: [{
                Action: action,
                ResourceRecordSet: {
                    Name: record.name,
                    Type: record.type,
                    TTL: record.ttl,
                    ResourceRecords: record.values.map((Value) => ({ Value })),
                },
            }],
        },
    }));
    const id = out.ChangeInfo?.Id;
    if (!id) throw new Error(`baseline: ChangeResourceRecordSets for ${record.name} returned no ChangeInfo.Id`);
    for (let poll = 1; ; poll++) {
        const status = (await client.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status;
        if (status === "INSYNC") return;
        if (poll >= MAX_POLLS) throw new Error(`baseline: change ${id} for ${record.name} not INSYNC after ${poll} polls`);
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
}

/** `pulumi up` creating one aws.route53.Record per record. */
export function baselineCreate(client: Route53Client, zoneId: string, records: readonly PlainRecord[], concurrency: number): Promise<void> {
    return forEachLimited(records, concurrency, (r) => changeAndWait(client, zoneId, "CREATE", r));
}

/** `pulumi up --refresh` with nothing to change: one read per record. */
export function baselineRefresh(client: Route53Client, zoneId: string, records: readonly PlainRecord[], concurrency: number): Promise<void> {
    return forEachLimited(records, concurrency, async (r) => {
        const out = await client.send(new ListResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            StartRecordName: r.name,
            StartRecordType: r.type,
            MaxItems: 1,
        }));
        const found = out.ResourceRecordSets?.[0];
        if (found?.Name?.replace(/\.$/, "") !== r.name || found.Type !== r.type) {
            throw new Error(`baseline: refresh did not find ${r.type} ${r.name}`);
        }
    });
}

/** `pulumi up` after one record's value changed: one UPSERT and its wait. */
export function baselineUpdateOne(client: Route53Client, zoneId: string, record: PlainRecord): Promise<void> {
    return changeAndWait(client, zoneId, "UPSERT", record);
}
