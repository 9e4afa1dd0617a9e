/**
 * ExternalDNS's TXT registry format, exact to its own code (kubernetes-sigs/external-dns v0.22:
 * registry/mapper/mapper.go, endpoint/labels.go, registry/txt/registry.go), so a zone can move
 * between ExternalDNS and this program without recreating records, and both can run side by side.
 *
 * Names (AffixNameMapper): `toTxtName` / `toEndpointName` work on names without the trailing dot,
 * as ExternalDNS does; `markerName` adds the zone rule of this provider: a Route53 zone only holds
 * names inside it, and ExternalDNS's marker of an apex record falls outside the zone unless the
 * affix keeps the zone's labels intact (e.g. `--txt-prefix=%{record_type}.` gives `a.example.com`).
 * For those apex markers this provider writes the name ExternalDNS would give the record
 * `<zone>.<zone>` (`a-example.com.example.com` for no prefix), which is where every earlier
 * version of this provider wrote them; ExternalDNS cannot write any marker for such a record.
 *
 * Values (Labels): `heritage=external-dns` then `external-dns/<key>=<value>` tokens sorted by key,
 * quoted; parsing splits at commas and each token at its first `=`. Besides ExternalDNS's
 * `owner` and `resource` this provider writes `eim-instance=<id>` (INSTANCE_LABEL): the physical
 * resource instance that holds the record, which ExternalDNS keeps as an unknown label.
 */
import type { RecordType } from "./types";

export const HERITAGE = "external-dns";
export const OWNER_LABEL = "owner";
export const RESOURCE_LABEL = "resource";
/** Names the Route53RecordSync instance (not just the owner id) holding a record. */
export const INSTANCE_LABEL = "eim-instance";
/** ExternalDNS keeps an encrypted marker's nonce as this label; it is never serialized. */
export const NONCE_LABEL = "txt-encryption-nonce";
const RECORD_TYPE_TEMPLATE = "%{record_type}";

/** mapper.supportedRecords, in ExternalDNS's order (the first matching type wins when reading). */
export const EXTERNAL_DNS_TYPES = ["A", "AAAA", "CNAME", "NS", "MX", "PTR", "SRV", "NAPTR", "TXT", "DNAME"] as const;

/** ExternalDNS's --txt-prefix, --txt-suffix and --txt-wildcard-replacement (lower-cased as it does). */
export interface MarkerNaming {
    /** May contain `%{record_type}`; "" by default. */
    readonly txtPrefix: string;
    /** Mutually exclusive with txtPrefix (as in ExternalDNS); may contain `%{record_type}`. */
    readonly txtSuffix?: string;
    /** Replaces a leading `*` label in marker names. */
    readonly wildcardReplacement?: string;
}

/** Where markers live and whose they are. */
export interface Registry extends MarkerNaming {
    readonly ownerId: string;
}

/** The labels of a parsed marker (without the `external-dns/` key prefix). */
export type MarkerLabels = Readonly<Record<string, string>>;

interface Affixes {
    readonly prefix: string;
    readonly suffix: string;
    readonly wildcard: string;
}

function affixes(naming: MarkerNaming | string): Affixes {
    const n: MarkerNaming = typeof naming === "string" ? { txtPrefix: naming } : naming;
    return { prefix: n.txtPrefix.toLowerCase(), suffix: (n.txtSuffix ?? "").toLowerCase(), wildcard: (n.wildcardReplacement ?? "").toLowerCase() };
}

const typeInAffix = (a: Affixes): boolean => a.prefix.includes(RECORD_TYPE_TEMPLATE) || a.suffix.includes(RECORD_TYPE_TEMPLATE);
const expand = (affix: string, type: string): string => affix.split(RECORD_TYPE_TEMPLATE).join(type);

/** AffixNameMapper.ToTXTName: the marker name of record `dns` (no trailing dot) of `type`. */
export function toTxtName(naming: MarkerNaming | string, dns: string, type: string): string {
    const a = affixes(naming);
    const dot = dns.indexOf(".");
    const parts = dot < 0 ? [dns] : [dns.slice(0, dot), dns.slice(dot + 1)];
    const lowerType = type.toLowerCase();
    const prefix = expand(a.prefix, lowerType);
    const suffix = expand(a.suffix, lowerType);
    if (a.wildcard !== "" && parts[0] === "*") parts[0] = a.wildcard;
    if (!typeInAffix(a)) parts[0] = `${lowerType}-${parts[0]}`;
    return parts.length < 2 ? `${prefix}${parts[0]}${suffix}` : `${prefix}${parts[0]}${suffix}.${parts[1]}`;
}

/** extractRecordTypeDefaultPosition: `a-foo.example.com` → [foo.example.com, A]; no type → [name, ""]. */
function extractTypeDefaultPosition(name: string): [string, string] {
    const first = name.split("-")[0];
    const type = EXTERNAL_DNS_TYPES.find((t) => t.toLowerCase() === first);
    return type ? [name.startsWith(`${first}-`) ? name.slice(first.length + 1) : name, type] : [name, ""];
}

function dropAffixExtractType(a: Affixes, name: string): [string, string] {
    const isPrefix = a.suffix === "";
    const isSuffix = a.prefix === "" && a.suffix !== "";
    let { prefix, suffix } = a;
    if (typeInAffix(a)) {
        for (const t of EXTERNAL_DNS_TYPES) {
            const p = expand(prefix, t.toLowerCase());
            const s = expand(suffix, t.toLowerCase());
            if (isPrefix && name.startsWith(p)) return [name.slice(p.length), t];
            if (isSuffix && name.endsWith(s)) return [name.slice(0, name.length - s.length), t];
        }
        // markers written before the template was configured
        prefix = expand(prefix, "");
        suffix = expand(suffix, "");
    }
    if (isPrefix && name.startsWith(prefix)) return extractTypeDefaultPosition(name.slice(prefix.length));
    if (isSuffix && name.endsWith(suffix)) return extractTypeDefaultPosition(name.slice(0, name.length - suffix.length));
    return ["", ""];
}

/**
 * AffixNameMapper.ToEndpointName: the record (name, type) ExternalDNS attributes a marker name to;
 * type "" is the legacy one-marker-per-name format; ["", ""] when the name is no marker name.
 */
export function toEndpointName(naming: MarkerNaming | string, txtName: string): [string, string] {
    const a = affixes(naming);
    const lower = txtName.toLowerCase();
    if (a.suffix === "") return dropAffixExtractType(a, lower);
    if (a.prefix !== "") return ["", ""];
    const dc = a.suffix.split(".").length - 1;
    const parts = splitN(lower, ".", 2 + dc);
    if (parts.length <= dc) return ["", ""];
    const [r, type] = dropAffixExtractType(a, parts.slice(0, 1 + dc).join("."));
    return parts.length <= 1 + dc ? [r, type] : [`${r}.${parts[1 + dc]}`, type];
}

/** Go's strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
    const out: string[] = [];
    let rest = s;
    while (out.length < n - 1) {
        const i = rest.indexOf(sep);
        if (i < 0) break;
        out.push(rest.slice(0, i));
        rest = rest.slice(i + sep.length);
    }
    out.push(rest);
    return out;
}

const withoutDot = (name: string): string => (name.endsWith(".") ? name.slice(0, -1) : name);
const inZone = (name: string, zone: string): boolean => name === zone || name.endsWith(`.${zone}`);

/** The name ExternalDNS matches a record's markers by: the record name with a leading `*` replaced. */
export function endpointKeyName(naming: MarkerNaming | string, name: string): string {
    const { wildcard } = affixes(naming);
    const bare = withoutDot(name);
    return wildcard !== "" && (bare === "*" || bare.startsWith("*.")) ? `${wildcard}${bare.slice(1)}` : bare;
}

/**
 * The marker name this provider writes for a record (names normalized, with trailing dot):
 * ExternalDNS's own name when it lies inside the zone, else (apex records only) the in-zone name
 * described at the top of this file.
 */
export function markerName(naming: MarkerNaming | string, name: string, type: RecordType | string, zone: string): string {
    const own = `${toTxtName(naming, withoutDot(name), type)}.`;
    return inZone(own, zone) ? own : apexFallbackName(naming, type, zone);
}

/** The in-zone marker name for an apex record: ExternalDNS's name for the record `<zone>.<zone>`. */
export function apexFallbackName(naming: MarkerNaming | string, type: string, zone: string): string {
    return `${toTxtName(naming, `${withoutDot(zone)}.${withoutDot(zone)}`, type)}.`;
}

/** Legacy (type-less, ExternalDNS < 0.12) marker name of every record at `name`. */
export function legacyMarkerName(naming: MarkerNaming | string, name: string): string {
    const a = affixes(naming);
    return `${toTxtNameRaw({ ...a, prefix: expand(a.prefix, ""), suffix: expand(a.suffix, "") }, withoutDot(name), "")}.`;
}

/** toTxtName with a given first-label type tag ("" = none), for the legacy and pre-template forms. */
function toTxtNameRaw(a: Affixes, dns: string, typeTag: string): string {
    const dot = dns.indexOf(".");
    const parts = dot < 0 ? [dns] : [dns.slice(0, dot), dns.slice(dot + 1)];
    if (a.wildcard !== "" && parts[0] === "*") parts[0] = a.wildcard;
    if (typeTag !== "") parts[0] = `${typeTag}-${parts[0]}`;
    return parts.length < 2 ? `${a.prefix}${parts[0]}${a.suffix}` : `${a.prefix}${parts[0]}${a.suffix}.${parts[1]}`;
}

/** Where ExternalDNS (or an earlier version of this provider) may have put a marker for a record. */
export interface MarkerCandidate {
    /** Normalized, with trailing dot. */
    readonly name: string;
    /**
     * typed: ExternalDNS's current name (or, for a `%{record_type}` affix, the name written before
     * the template was configured); cname: the `cname-` marker ExternalDNS < 0.22 wrote for alias A
     * records; legacy: one type-less marker for the whole name (ExternalDNS < 0.12); moved: where an
     * earlier version of this provider wrote an apex marker that now has an in-zone ExternalDNS name.
     */
    readonly kind: "typed" | "cname" | "legacy" | "moved";
}

/**
 * Every name a marker of (name, type) may live at, each one only if ExternalDNS itself would read
 * a marker there as belonging to this record (its mapper is not injective for every affix), in
 * ExternalDNS's precedence: typed, then `cname-` for alias A, then legacy (never for AAAA).
 */
export function markerCandidates(naming: MarkerNaming | string, name: string, type: string, zone: string, aliasA: boolean): MarkerCandidate[] {
    const a = affixes(naming);
    const key = endpointKeyName(naming, name);
    const out: MarkerCandidate[] = [];
    const add = (txt: string, wantType: string, kind: MarkerCandidate["kind"]): void => {
        const full = `${txt}.`;
        if (!inZone(full, zone) || out.some((c) => c.name === full)) return;
        const [ep, t] = toEndpointName(naming, txt);
        if (ep === key && t === wantType) out.push({ name: full, kind });
    };
    const bare = withoutDot(name);
    const primary = markerName(naming, name, type, zone);
    out.push({ name: primary, kind: "typed" });
    add(toTxtName(naming, bare, type), type, "typed");
    if (typeInAffix(a)) {
        add(toTxtNameRaw({ ...a, prefix: expand(a.prefix, ""), suffix: expand(a.suffix, "") }, bare, type.toLowerCase()), type, "typed");
    }
    if (name === zone) {
        const moved = apexFallbackName(naming, type, zone);
        if (moved !== primary) out.push({ name: moved, kind: "moved" });
        // earlier versions expanded a template prefix in front of the whole zone name
        const old = `${expand(a.prefix, type.toLowerCase())}${typeInAffix(a) ? "" : `${type.toLowerCase()}-`}${bare}.${zone}`;
        if (a.suffix === "" && old !== primary && !out.some((c) => c.name === old)) out.push({ name: old, kind: "moved" });
    }
    if (aliasA && type === "A") add(toTxtName(naming, bare, "CNAME"), "CNAME", "cname");
    if (type !== "AAAA") add(toTxtNameRaw({ ...a, prefix: expand(a.prefix, ""), suffix: expand(a.suffix, "") }, bare, ""), "", "legacy");
    return out;
}

/** Renders a marker value in Route53 TXT form (quoted), labels sorted like ExternalDNS does. */
export function renderMarker(labels: MarkerLabels): string {
    return `"${serializeLabels(labels)}"`;
}

/** Labels.SerializePlain(false): heritage first, then every label but the nonce, sorted by key. */
export function serializeLabels(labels: MarkerLabels): string {
    const tokens = [`heritage=${HERITAGE}`];
    for (const key of Object.keys(labels).sort()) {
        if (key !== NONCE_LABEL) tokens.push(`${HERITAGE}/${key}=${labels[key]}`);
    }
    return tokens.join(",");
}

/** The labels this program writes for a record. */
export function markerLabels(ownerId: string, resource?: string, instance?: string): MarkerLabels {
    return {
        [OWNER_LABEL]: ownerId,
        ...(resource === undefined ? {} : { [RESOURCE_LABEL]: resource }),
        ...(instance === undefined ? {} : { [INSTANCE_LABEL]: instance }),
    };
}

/**
 * Labels.NewLabelsFromStringPlain: quotes trimmed, comma-separated tokens split at their first
 * `=`, a `heritage=external-dns` token required (any other heritage: not a marker), keys starting
 * with `external-dns` kept without the `external-dns/` prefix, anything else ignored.
 */
export function parseMarker(text: string): MarkerLabels | undefined {
    const body = text.replace(/^"+|"+$/g, "");
    const labels: Record<string, string> = {};
    let heritage = false;
    for (const token of body.split(",")) {
        const eq = token.indexOf("=");
        if (eq < 0) continue;
        const key = token.slice(0, eq);
        const value = token.slice(eq + 1);
        if (key === "heritage") {
            if (value !== HERITAGE) return undefined;
            heritage = true;
        } else if (key.startsWith(HERITAGE)) {
            labels[key.startsWith(`${HERITAGE}/`) ? key.slice(HERITAGE.length + 1) : key] = value;
        }
    }
    return heritage ? labels : undefined;
}

/** Characters that would corrupt the comma/equals/quote structure of a marker value we write. */
export const FORBIDDEN_LABEL_CHARS = /[,"\\\s]/;

/** Length of a generated instance id (lower-case hex). */
export const INSTANCE_ID_LENGTH = 12;
