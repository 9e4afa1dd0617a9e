/**
 * The SDK's partial-state error: a create or update that changed something
 * before it failed throws an error carrying the resource's id and its
 * properties as they now are. The dynamic-provider host packs them into
 * `pulumirpc.ErrorResourceInitFailed`, and the engine records them as the
 * resource's state (with `reasons` as init errors) instead of recording
 * nothing (failed create) or keeping the old state (failed update). The next
 * `pulumi up` then updates from the truth, and `pulumi destroy` knows the
 * object exists.
 */

export interface PartialStateError extends Error {
    readonly id: string;
    readonly properties: Record<string, unknown>;
    readonly reasons: string[];
}

/**
 * `properties` must carry the serialized provider (`__provider`) of the
 * request: the host does not add it to an error's properties, and state
 * without it could not be updated or deleted later.
 */
export function partialStateError(message: string, id: string, properties: Record<string, unknown>): PartialStateError {
    return Object.assign(new Error(message), { id, properties, reasons: [message] });
}
