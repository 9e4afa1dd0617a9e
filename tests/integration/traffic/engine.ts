/**
 * The Pulumi engine's side of a dynamic resource's life, over the SDK's
 * dynamic-provider host (gRPC), reduced to what decides what stays in the
 * cluster: which calls the engine makes for `up`, `up --replace`, a rename
 * without an alias, `refresh` and `destroy`, in which order, with which
 * properties, and what it records afterwards (pulumi/pulumi
 * pkg/resource/deploy: step generator and step executor).
 *
 * - check gets the old *inputs* and the new inputs; diff, update, read and
 *   delete get the old *outputs*.
 * - A replacement is create-before-delete: the new resource is created, then
 *   the old one deleted with its own stored outputs.
 * - A rename without an alias is a different URN: create of the new, delete
 *   of the old, in that order.
 * - A failed create records nothing, a failed update keeps the old state,
 *   unless the error carried the id and the properties (a partial-state
 *   error): then those are recorded, with the new inputs.
 * - Refresh stores what read returns; an empty id drops the resource.
 */
import { HostHandle, isPartialStateError } from "../fixtures/dynamicProviderHost";

type Props = Record<string, unknown>;

export interface StoredResource {
    readonly urn: string;
    readonly id: string;
    readonly inputs: Props;
    readonly outputs: Props;
    /** The reasons of a partial-state error (the engine's init errors). */
    readonly initErrors?: string[];
}

export class CheckFailed extends Error {
    constructor(readonly failures: { property: string; reason: string }[]) {
        super(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    }
}

export class MiniEngine {
    /** The stack's state, by URN. */
    readonly state = new Map<string, StoredResource>();

    constructor(private readonly host: HostHandle) {}

    get(urn: string): StoredResource | undefined {
        return this.state.get(urn);
    }

    /** `pulumi up` for one resource with the program's new inputs; `replace` as with `--replace`. */
    async up(urn: string, news: Props, opts: { replace?: boolean } = {}): Promise<"create" | "update" | "same" | "replace"> {
        const old = this.state.get(urn);
        const checked = await this.check(urn, old?.inputs ?? {}, news);
        if (!old) {
            await this.create(urn, checked);
            return "create";
        }
        if (opts.replace) {
            await this.replaceWith(urn, old, checked);
            return "replace";
        }
        const diff = await this.host.diff(old.id, urn, old.outputs, checked);
        if (diff.replaces.length > 0) {
            await this.replaceWith(urn, old, checked);
            return "replace";
        }
        // A resource with init errors is always updated, whatever diff says.
        if (!diff.changes && !old.initErrors) {
            this.state.set(urn, { ...old, inputs: checked });
            return "same";
        }
        try {
            const { outs } = await this.host.update(old.id, urn, old.outputs, checked);
            this.state.set(urn, { urn, id: old.id, inputs: checked, outputs: outs });
        } catch (err) {
            if (isPartialStateError(err)) {
                this.state.set(urn, { urn, id: old.id, inputs: checked, outputs: err.partial.properties, initErrors: err.partial.reasons });
            }
            throw err;
        }
        return "update";
    }

    /** A rename without an alias: the new URN is created, then the old one deleted. */
    async rename(oldUrn: string, newUrn: string, news: Props): Promise<void> {
        await this.up(newUrn, news);
        await this.destroy(oldUrn);
    }

    /** `pulumi refresh` of one resource. */
    async refresh(urn: string): Promise<"gone" | "refreshed"> {
        const old = this.mustGet(urn);
        const read = await this.host.read(old.id, urn, old.outputs, old.inputs);
        if (read.id === "") {
            this.state.delete(urn);
            return "gone";
        }
        this.state.set(urn, { ...old, id: read.id, outputs: read.props });
        return "refreshed";
    }

    /** `pulumi destroy` (or the delete half of a replacement or rename) of one resource. */
    async destroy(urn: string): Promise<void> {
        const old = this.mustGet(urn);
        await this.host.delete(old.id, urn, old.outputs);
        this.state.delete(urn);
    }

    private async check(urn: string, olds: Props, news: Props): Promise<Props> {
        const { inputs, failures } = await this.host.check(urn, olds, news);
        if (failures.length > 0) {
            throw new CheckFailed(failures);
        }
        return inputs;
    }

    private async create(urn: string, inputs: Props): Promise<StoredResource> {
        try {
            const { id, outs } = await this.host.create(urn, inputs);
            const stored = { urn, id, inputs, outputs: outs };
            this.state.set(urn, stored);
            return stored;
        } catch (err) {
            if (isPartialStateError(err)) {
                this.state.set(urn, { urn, id: err.partial.id, inputs, outputs: err.partial.properties, initErrors: err.partial.reasons });
            }
            throw err;
        }
    }

    /** Create-before-delete: the old resource is deleted only after its replacement was created. */
    private async replaceWith(urn: string, old: StoredResource, inputs: Props): Promise<void> {
        this.state.delete(urn);
        try {
            await this.create(urn, inputs);
        } catch (err) {
            // The old resource stays (the engine keeps it); a partial replacement is recorded beside it.
            if (!this.state.has(urn)) {
                this.state.set(urn, old);
            } else {
                this.state.set(`${urn}#pending-delete`, old);
            }
            throw err;
        }
        await this.host.delete(old.id, urn, old.outputs);
    }

    private mustGet(urn: string): StoredResource {
        const stored = this.state.get(urn);
        if (!stored) {
            throw new Error(`no resource ${urn} in state`);
        }
        return stored;
    }
}
