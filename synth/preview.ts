/**
 * What synth says about each dynamic resource beyond its plan: with
 * `--state`, the change preview would show (weights from → to, records to
 * create / update / delete); without it, which state-dependent rules were
 * not checked.
 */
import { DynamicPreview } from "./mockCloud";
import { diffState } from "../providers/dns/diff";
import { lastAppliedWeight } from "../providers/traffic/weights";

const split = (canary: number) => `stable ${100 - canary}% / canary ${canary}%`;

function action(p: DynamicPreview): string {
    if (!p.prior) return "create";
    if (!p.diff?.changes) return "no change";
    return (p.diff.replaces ?? []).length > 0 ? `replace (${p.diff.replaces!.join(", ")} changed)` : "update";
}

function trafficChange(p: DynamicPreview): string {
    const to = p.inputs.canaryWeight as number;
    const from = p.prior ? lastAppliedWeight(p.prior.outputs) : undefined;
    if (from === undefined) return `weights ${split(to)}`;
    return from === to ? `weights stay ${split(to)}` : `weights ${split(from)} → ${split(to)} (step ${Math.abs(to - from)}, canary.maxStep ${p.inputs.maxStep ?? 100})`;
}

function recordChanges(p: DynamicPreview): string {
    if (!p.prior) return `${(p.inputs.records as unknown[]).length} record(s) to create`;
    const { records } = diffState(p.prior.outputs, p.inputs);
    const verb = { add: "create", update: "update", remove: "delete" } as const;
    const list = records.map((r) => `${verb[r.kind]} ${r.type} ${r.name.replace(/\.$/, "")}`);
    return list.length > 0 ? list.join("; ") : "records unchanged";
}

/** One line per dynamic resource: what preview against the state would do. */
export function describePreview(p: DynamicPreview): string {
    const detail = p.type.endsWith(":TrafficSplit") ? trafficChange(p) : p.type.endsWith(":Route53RecordSync") ? recordChanges(p) : "";
    const secrets = p.prior && p.prior.undecryptable.length > 0 ? ` [encrypted in the state, taken as unchanged: ${p.prior.undecryptable.join(", ")}]` : "";
    return `${p.name}: ${action(p)}${detail ? `: ${detail}` : ""}${secrets}`;
}

/** The rules that need the last deployment, per resource type. */
export function uncheckedRules(p: DynamicPreview): string[] {
    if (p.type.endsWith(":TrafficSplit")) {
        return [`${p.name}: canary.maxStep / canary.force (the step from the last applied weight)`];
    }
    if (p.type.endsWith(":Route53RecordSync")) {
        return [`${p.name}: records to create / update / delete since the last sync (the plan assumes an empty zone)`];
    }
    return [];
}
