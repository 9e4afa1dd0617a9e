/**
 * Reading a Route53RecordSync state written by this or any earlier version: every field may be
 * missing (earlier versions had no `instanceId`, `claims`, `txtSuffix`…; a hand-edited or
 * partial state may lack `records` or `zoneId`), so each reader falls back to what the field
 * meant before it existed. Pure.
 */
import type { MarkerDecoder, Registries } from "./ownership";
import type { RecordSetKey } from "./records";
import { isManagedType, keyFields, keyOf } from "./records";
import type { Registry } from "./registry";
import { encryptedDecoder, encryptedEncoder, parseEncryptionKey } from "./markerCrypto";
import type { MarkerEncoder } from "./plan";
import { plainDecoder } from "./ownership";

type Props = Record<string, unknown>;
export type Key = RecordSetKey;

function keysOf(value: unknown): Key[] {
    const list = Array.isArray(value) ? value : [];
    return list.filter((r): r is Key => r !== null && typeof r === "object" && typeof r.name === "string" && isManagedType(r.type));
}

/** The records a state lists (none when the field is missing). */
export function stateKeys(state: Props): Key[] {
    return keysOf(state.records);
}

/** True when the state says which records it manages (an empty list counts). */
export function hasRecordList(state: Props): boolean {
    return Array.isArray(state.records);
}

/** Records and claimed markers of a state, de-duplicated: everything it may still hold. */
export function stateHeldKeys(state: Props): Key[] {
    const out = new Map<string, Key>();
    for (const k of [...keysOf(state.records), ...keysOf(state.claims)]) out.set(keyOf(k), keyFields(k));
    return [...out.values()];
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");

export function stateRegistry(state: Props): Registry | undefined {
    return typeof state.ownerId === "string"
        ? { ownerId: state.ownerId, txtPrefix: text(state.txtPrefix), txtSuffix: text(state.txtSuffix), wildcardReplacement: text(state.txtWildcardReplacement ?? state.wildcardReplacement) }
        : undefined;
}

/**
 * The registry a state was being migrated from when an update that changed the owner id or the
 * marker naming failed half way (`migratingFrom`, written only into partial states): its markers
 * still count as this resource's until a run completes the migration.
 */
export function stateMigratingFrom(state: Props): Registry | undefined {
    const from = state.migratingFrom;
    return from !== null && typeof from === "object" ? stateRegistry(from as Props) : undefined;
}

/** The registry markers may still carry on update: a half-done migration's origin, else the state's own. */
export function previousRegistry(state: Props): Registry | undefined {
    return stateMigratingFrom(state) ?? stateRegistry(state);
}

/** The instance id of a state; undefined for states written before instances existed. */
export function stateInstance(state: Props): string | undefined {
    return typeof state.instanceId === "string" && state.instanceId !== "" ? state.instanceId : undefined;
}

export interface MarkerCodec {
    readonly decode: MarkerDecoder;
    readonly encode?: MarkerEncoder;
    readonly encrypted: boolean;
}

/**
 * How markers are read and written: encrypted with the current key when one is configured; read
 * with the current key, then the previous one (a key rotation), then as plain labels.
 */
export function markerCodec(currentKey: unknown, previousKey?: unknown): MarkerCodec {
    const parse = (k: unknown): Buffer | undefined => {
        if (typeof k !== "string" || k === "") return undefined;
        const parsed = parseEncryptionKey(k);
        return "key" in parsed ? parsed.key : undefined;
    };
    const current = parse(currentKey);
    const previous = parse(previousKey);
    const decoders = [current, previous].filter((k): k is Buffer => k !== undefined).map(encryptedDecoder);
    const decode: MarkerDecoder = (value) => {
        for (const d of decoders) {
            const out = d(value);
            if (out?.nonce !== undefined) return out;
        }
        return plainDecoder(value);
    };
    return { decode, encode: current ? encryptedEncoder(current) : undefined, encrypted: current !== undefined };
}

/** The registries of a state alone (refresh, delete). */
export function stateRegistries(state: Props): Registries | undefined {
    const current = stateRegistry(state);
    return current ? { current, previous: stateMigratingFrom(state), instance: stateInstance(state), decode: markerCodec(state.txtEncryptionKey).decode } : undefined;
}
