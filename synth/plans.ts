/**
 * What each dynamic resource would write, derived offline from its checked
 * inputs with the providers' own pure modules: the VirtualService a
 * TrafficSplit applies, the Route53 changes a Route53RecordSync makes in an
 * empty zone (the real plan is made from the live zone during `pulumi up`). Synth writes these so a reviewer sees them before `pulumi up`.
 */
import { MockResource } from "./mockCloud";
import { Manifest } from "./manifest";
import { packBatches } from "../providers/dns/batches";
import { planForEmptyZone } from "../providers/dns/plan";
import { NormalizedInputs } from "../providers/dns/types";
import { renderVirtualService } from "../providers/traffic/render";
import { TrafficSplitInputs } from "../providers/traffic/types";

export interface DynamicPlan {
    /** One line for the resource tree, e.g. "2 records: app.example.com, …". */
    readonly label: string;
    /** Kubernetes objects the provider applies. */
    readonly manifests: Manifest[];
    /** A JSON summary written to out/<stack>/<resource name>.plan.json. */
    readonly summary: Record<string, unknown>;
}

function trafficSplitPlan(inputs: TrafficSplitInputs): DynamicPlan {
    const virtualService = renderVirtualService(inputs, inputs.canaryWeight) as unknown as Manifest;
    return {
        label: `VirtualService ${inputs.namespace}/${inputs.name}: stable ${100 - inputs.canaryWeight}% / canary ${inputs.canaryWeight}%`,
        manifests: [virtualService],
        summary: {
            virtualService: `${inputs.namespace}/${inputs.name}`,
            weights: { stable: 100 - inputs.canaryWeight, canary: inputs.canaryWeight },
            maxStep: inputs.maxStep ?? 100,
            canaryHeader: inputs.canaryHeader,
            analysis: inputs.analysis ? { ...inputs.analysis } : undefined,
        },
    };
}

/**
 * The change batches a first sync sends to an empty zone: every record with its TXT ownership marker,
 * and which source (annotated object or stack config, the marker's `resource` label) asked for each.
 */
function recordSyncPlan(inputs: NormalizedInputs): DynamicPlan {
    const plan = planForEmptyZone(inputs);
    const names = inputs.records.map((r) => `${r.type} ${r.name.replace(/\.$/, "")}${r.resource ? ` ← ${r.resource}` : ""}`);
    const sources: Record<string, string[]> = {};
    for (const r of inputs.records) {
        (sources[r.resource ?? "(unlabelled)"] ??= []).push(`${r.type} ${r.name.replace(/\.$/, "")}`);
    }
    return {
        label: `${inputs.records.length} record${inputs.records.length === 1 ? "" : "s"} in ${inputs.zoneName.replace(/\.$/, "")}: ${names.join(", ")}`,
        manifests: [],
        summary: { zoneName: inputs.zoneName, ownerId: inputs.ownerId, policy: inputs.policy, sources, counts: plan.counts, batches: packBatches(plan.groups) },
    };
}

/** The plan of a dynamic resource, or undefined for one synth does not know. */
export function dynamicPlanOf(r: MockResource): DynamicPlan | undefined {
    if (r.type.endsWith(":TrafficSplit")) {
        return trafficSplitPlan(r.inputs as TrafficSplitInputs);
    }
    if (r.type.endsWith(":Route53RecordSync")) {
        return recordSyncPlan(r.inputs as NormalizedInputs);
    }
    return undefined;
}
