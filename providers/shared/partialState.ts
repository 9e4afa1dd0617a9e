/**
 * The SDK's partial-state error for dynamic providers. A create or update that changed something
 * before it failed must not throw a plain error: the engine would then record nothing (create) or
 * keep the old state (update), and whatever was written is known to no state. An Error carrying
 * `id`, `properties` and `reasons` is turned by the dynamic-provider host into an
 * `ErrorResourceInitFailed` detail (see `grpcResponseFromError` in
 * @pulumi/pulumi/cmd/dynamic-provider), which the engine records as the resource's state with init
 * errors: the next `up` runs an update from that state, and `destroy` hands it to delete.
 *
 * The host does not add `__provider` to these properties (it does for successful results), so it
 * is copied from the request's inputs here; without it the recorded state could not be updated or
 * deleted later.
 */

type Props = Record<string, unknown>;

export interface PartialStateError extends Error {
    readonly id: string;
    readonly properties: Props;
    readonly reasons: string[];
}

/** Builds the error; `properties` must describe the object as it now is, live. */
export function partialStateError(message: string, id: string, properties: object, inputs: Props): PartialStateError {
    const withProvider: Props = inputs.__provider === undefined ? { ...properties } : { ...properties, __provider: inputs.__provider };
    return Object.assign(new Error(message), { id, properties: withProvider, reasons: [message] });
}

export function isPartialStateError(err: unknown): err is PartialStateError {
    return err instanceof Error && typeof (err as Partial<PartialStateError>).id === "string" && typeof (err as Partial<PartialStateError>).properties === "object";
}
