/**
 * What each dynamic resource would write, derived offline from its checked
 * inputs with the providers' own pure modules: the VirtualService a
 * TrafficSplit applies, the Route53 changes a Route53RecordSync makes in an
 * empty zone. Synth writes these so a reviewer sees them before `pulumi up`.
 */
import { MockResource } from "./mockCloud";
import { Manifest } from "./synthOutput";
import { renderVirtualService } from "../providers/traffic/render";
import { TrafficSplitInputs } from "../providers/traffic/types";

export interface DynamicPlan {
    /** Kubernetes objects the provider applies. */
    readonly manifests: Manifest[];
    /** A JSON summary written to out/<stack>/<resource name>.plan.json. */
    readonly summary: Record<string, unknown>;
}

function trafficSplitPlan(inputs: TrafficSplitInputs): DynamicPlan {
    const virtualService = renderVirtualService(inputs, inputs.canaryWeight) as unknown as Manifest;
    return {
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

/** The plan of a dynamic resource, or undefined for one synth does not know. */
export function dynamicPlanOf(r: MockResource): DynamicPlan | undefined {
    if (r.type.endsWith(":TrafficSplit")) {
        return trafficSplitPlan(r.inputs as TrafficSplitInputs);
    }
    return undefined;
}
