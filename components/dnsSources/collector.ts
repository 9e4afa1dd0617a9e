/**
 * Collects every Kubernetes Service and Ingress the program declares — its
 * own and a user's — through a stack transformation registered before any
 * of them, so user code only annotates an object to get its DNS records.
 *
 * Why `registerStackTransformation` and not the newer
 * `registerResourceTransform`: the new transforms run inside the engine and
 * see only a resource's type, name, inputs and options; the records need the
 * created object's `status.loadBalancer`, which only the Resource object
 * carries, and the SDK hands that object to stack transformations alone.
 * Both apply to every resource constructed after registration (components'
 * children included); neither sees objects a Helm chart creates, which is
 * why kube-ops-view's LoadBalancer Service is a resource of its own.
 */
import * as pulumi from "@pulumi/pulumi";
import { HOSTNAME_ANNOTATION, NEW_ANNOTATION_PREFIX } from "./annotations";
import { SourceKind, SourceObject, SourceRecord, sourceHostnames, sourceLabel, sourceRecords } from "./endpoints";

/** The resource types that are sources, and the kind their markers name. */
export const SOURCE_TYPES: Readonly<Record<string, SourceKind>> = {
    "kubernetes:core/v1:Service": "service",
    "kubernetes:networking.k8s.io/v1:Ingress": "ingress",
};

interface ObjectMeta {
    readonly name?: string;
    readonly namespace?: string;
    readonly annotations?: Record<string, string>;
}

interface Collected {
    readonly kind: SourceKind;
    readonly props: pulumi.Inputs;
    readonly resource: pulumi.Resource;
}

const annotated = (m: ObjectMeta | undefined): boolean =>
    m?.annotations?.[HOSTNAME_ANNOTATION] !== undefined || m?.annotations?.[`${NEW_ANNOTATION_PREFIX}hostname`] !== undefined;

/** Throws one error listing every problem (each names its object); a RunError, so the engine shows the message without a stack trace. */
function refuse(problems: string[]): never {
    throw new pulumi.RunError(`dns sources: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n  - ${problems.join("\n  - ")}`);
}

/**
 * Create it first in the program; call `seal()` once the program has
 * declared everything. `records` then resolves to the records of every
 * annotated Service and Ingress declared in between.
 */
export class DnsSources {
    /** Every annotated object's records, in declaration order. */
    readonly records: pulumi.Output<SourceRecord[]>;
    /** The names those records carry (trailing dot); known without the objects' status. */
    readonly hostnames: pulumi.Output<string[]>;
    private readonly collected: Collected[] = [];
    private sealed = false;
    /** What seal() fixed; kept out of any Output so nothing in it gets unwrapped (or turns the list unknown in preview). */
    private snapshot: Collected[] = [];
    private resolveSealed!: (count: number) => void;

    constructor(domain: pulumi.Input<string>) {
        const sealedList = pulumi.output(new Promise<number>((resolve) => (this.resolveSealed = resolve))).apply(() => this.snapshot);
        pulumi.runtime.registerStackTransformation((args) => this.collect(args));
        // From the annotations alone, so the names stay known in preview even when a namespace is not.
        this.hostnames = pulumi.all([domain, sealedList.apply((list) => pulumi.all(list.map((c) => annotationsOf(c.props))))]).apply(([d, sets]) => [
            ...new Set(sets.flatMap((annotations) => sourceHostnames({ kind: "service", namespace: "", name: "", annotations }, d).names)),
        ]);
        this.records = pulumi.all([domain, sealedList]).apply(([d, list]) =>
            pulumi.all(list.map((c) => this.identity(c).apply((o) => withStatus(o, c)))).apply((objs) => {
                const results = objs.map((o) => sourceRecords(o, d));
                const problems = [...results.flatMap((r) => r.problems), ...claimedTwice(objs, objs.map((o) => sourceHostnames(o, d).names))];
                if (problems.length > 0) refuse(problems);
                return results.flatMap((r) => r.records);
            }),
        );
    }

    /** No more sources: the records resolve from what was collected. */
    seal(): void {
        this.sealed = true;
        this.snapshot = [...this.collected];
        this.resolveSealed(this.snapshot.length);
    }

    private collect(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
        const kind = SOURCE_TYPES[args.type];
        // opts.urn / opts.id: a reference to an existing object (get/import), not one the program declares.
        if (kind === undefined || args.opts.urn !== undefined || (args.opts as pulumi.CustomResourceOptions).id !== undefined) {
            return undefined;
        }
        if (!this.sealed) {
            this.collected.push({ kind, props: args.props, resource: args.resource });
            return undefined;
        }
        // Too late to be published: fail the object's registration if it asks for records.
        const metadata = pulumi.output(args.props.metadata as pulumi.Input<ObjectMeta> | undefined).apply((m) => {
            if (annotated(m)) {
                throw new pulumi.RunError(
                    `dns sources: ${kind} ${args.name} has ${HOSTNAME_ANNOTATION} but was declared after the DNS layer took its sources ` +
                        "(inside an apply, or after the program returned); declare it in the program body",
                );
            }
            return m;
        });
        return { props: { ...args.props, metadata }, opts: args.opts };
    }

    /** Kind, namespace, name and annotations from the declared inputs, so they are known in preview. */
    private identity(c: Collected): pulumi.Output<SourceObject> {
        const declared = pulumi.output(c.props.metadata as pulumi.Input<ObjectMeta> | undefined);
        const live = (c.resource as unknown as { metadata: pulumi.Output<ObjectMeta> }).metadata;
        return declared.apply((m) => {
            const fromInputs = { kind: c.kind, annotations: m?.annotations, name: m?.name, namespace: m?.namespace };
            if (fromInputs.name !== undefined && fromInputs.namespace !== undefined) {
                return pulumi.output({ ...fromInputs, name: fromInputs.name, namespace: fromInputs.namespace });
            }
            // Auto-named or in the provider's default namespace: the created object says.
            return live.apply((l) => ({ ...fromInputs, name: fromInputs.name ?? l?.name ?? "", namespace: fromInputs.namespace ?? l?.namespace ?? "default" }));
        });
    }
}

/** The declared annotations; read on their own, so an unknown namespace elsewhere in the metadata does not hide them. */
function annotationsOf(props: pulumi.Inputs): pulumi.Output<Record<string, string> | undefined> {
    const metadata = props.metadata as pulumi.Input<ObjectMeta> | undefined;
    if (metadata !== undefined && !pulumi.Output.isInstance(metadata) && !(metadata instanceof Promise)) {
        return pulumi.output((metadata as { annotations?: pulumi.Input<Record<string, pulumi.Input<string>>> }).annotations) as pulumi.Output<Record<string, string> | undefined>;
    }
    return pulumi.output(metadata).apply((m) => m?.annotations);
}

/** The object with its Service type and load balancer status, read only when it is a source. */
function withStatus(o: SourceObject, c: Collected): pulumi.Output<SourceObject> {
    if (!annotated(o)) return pulumi.output(o);
    const status = (c.resource as unknown as { status: pulumi.Output<SourceObject["status"]> }).status;
    const spec = pulumi.output(c.props.spec as pulumi.Input<{ type?: string }> | undefined);
    return pulumi.all([spec, status]).apply(([s, st]) => ({ ...o, serviceType: s?.type, status: st }));
}

/** One hostname asked for by two objects: which would win is undefined, so neither does. */
function claimedTwice(objs: readonly SourceObject[], names: readonly string[][]): string[] {
    const owner = new Map<string, string>();
    const problems: string[] = [];
    objs.forEach((o, i) => {
        for (const name of names[i]) {
            const other = owner.get(name);
            if (other !== undefined) {
                problems.push(`${sourceLabel(o)}: ${HOSTNAME_ANNOTATION} "${name.replace(/\.$/, "")}" is already claimed by ${other}; a name has one source`);
            } else {
                owner.set(name, sourceLabel(o));
            }
        }
    });
    return problems;
}
