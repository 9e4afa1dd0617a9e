/**
 * The cluster canary across stacks: with `dns.setIdentifier` set, every record this stack takes
 * from its annotated Services and Ingresses (its hostnames on its load balancers) becomes a
 * weighted set with that identifier and `dns.weight`, so two stacks (blue and green clusters)
 * share each hostname and Route53 splits the answers by weight. Sources with their own
 * `set-identifier` annotation keep their own policy; static `dns.records` are not touched. Pure.
 */
import type { SourceRecord } from "./endpoints";

export interface StackWeight {
    readonly setIdentifier?: string;
    readonly weight: number;
}

export function withStackWeight(records: readonly SourceRecord[], stack: StackWeight): SourceRecord[] {
    if (stack.setIdentifier === undefined) return [...records];
    const setIdentifier = stack.setIdentifier;
    return records.map((r) => (r.setIdentifier !== undefined ? r : { ...r, setIdentifier, weight: stack.weight }));
}
