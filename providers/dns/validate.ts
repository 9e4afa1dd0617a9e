/**
 * `check`: validates and normalizes Route53RecordSync inputs without any API call. Every failure
 * names the property, the record (index, name and type) and the rule that was broken.
 */
import { inferAliasZone } from "./aliasZones";
import { groupCost, ROUTE53_LIMITS, fits } from "./batches";
import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH, isInZone, normalizeDomain, normalizeRecordName, withoutDot } from "./names";
import { recordKey, toRrset } from "./records";
import type { RoutedMember } from "./routing";
import { checkRoutedGroup, checkRouting, isWeightStep, MAX_WEIGHT, ROUTING_FIELDS } from "./routing";
import { encryptText, NONCE_SIZE, parseEncryptionKey } from "./markerCrypto";
import type { MarkerNaming } from "./registry";
import { endpointKeyName, INSTANCE_ID_LENGTH, markerLabels, markerName, renderMarker, serializeLabels, toEndpointName } from "./registry";
import type { MarkerCompat, NormalizedAlias, NormalizedInputs, NormalizedRecord, Policy, RecordType } from "./types";
import { DEFAULT_MARKER_COMPAT, DEFAULT_POLICY, DEFAULT_TTL, MARKER_COMPATS, POLICIES, RECORD_TYPES } from "./types";
import { canonicalValue, TXT_STRING_LIMIT } from "./values";
import { CheckFailure, CheckOutcome, UNKNOWN } from "../shared/check";
import { ASSUME_ROLE_ARN, EXTERNAL_ID, isTxtPrefix, isTxtSuffix, labelProblem, normalizeZoneId, ZONE_ID_PATTERN as ZONE_ID } from "../shared/rules/dns";

export { normalizeZoneId };

export { UNKNOWN };
export type { CheckFailure, CheckOutcome };

export const MAX_TTL = 2147483647;

const TOP_LEVEL_FIELDS = ["zoneName", "zoneId", "privateZone", "ownerId", "txtPrefix", "policy", "records", "txtSuffix", "txtWildcardReplacement", "markerCompat", "txtEncryptionKey", "assumeRoleArn", "externalId", "maxWeightStep"];
const RECORD_FIELDS = ["name", "type", "ttl", "values", "alias", "resource", ...ROUTING_FIELDS];
const ALIAS_FIELDS = ["dnsName", "hostedZoneId", "evaluateTargetHealth"];
const WILDCARD_REPLACEMENT = /^[a-z0-9_-]{1,63}$/;

/** True when a value (or anything inside it) is still unknown. */
export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

interface Failures {
    readonly list: CheckFailure[];
    add(property: string, subject: string, reason: string, rule: string): void;
}

function newFailures(): Failures {
    const list: CheckFailure[] = [];
    return { list, add: (property, subject, reason, rule) => list.push({ property, reason: `${subject}: ${reason} [rule: ${rule}]` }) };
}

interface RecordContext {
    readonly zoneName: string;
    readonly failures: Failures;
}

function checkAlias(raw: unknown, type: RecordType, prop: string, subject: string, ctx: RecordContext): NormalizedAlias | undefined {
    const { failures } = ctx;
    if (!isObject(raw)) {
        failures.add(prop, subject, "alias must be an object { dnsName, hostedZoneId?, evaluateTargetHealth? }", "alias-shape");
        return undefined;
    }
    for (const key of Object.keys(raw)) {
        if (!ALIAS_FIELDS.includes(key)) {
            failures.add(`${prop}.${key}`, subject, `unknown alias field "${key}" (allowed: ${ALIAS_FIELDS.join(", ")})`, "unknown-field");
        }
    }
    if (type !== "A" && type !== "AAAA") {
        failures.add(prop, subject, `alias records must be of type A or AAAA, not ${type}`, "alias-type");
    }
    const evaluate = raw.evaluateTargetHealth ?? false;
    if (typeof evaluate !== "boolean" && evaluate !== UNKNOWN) {
        failures.add(`${prop}.evaluateTargetHealth`, subject, "evaluateTargetHealth must be a boolean", "alias-shape");
    }
    if (typeof raw.dnsName !== "string" || raw.dnsName.trim() === "") {
        failures.add(`${prop}.dnsName`, subject, "alias.dnsName must be a non-empty string", "alias-shape");
        return undefined;
    }
    if (raw.dnsName === UNKNOWN) {
        return raw as unknown as NormalizedAlias; // resolved once the target exists
    }
    const target = normalizeDomain(raw.dnsName);
    if (!target.ok) {
        failures.add(`${prop}.dnsName`, subject, `alias.dnsName ${target.reason}`, `alias-target-${target.rule}`);
        return undefined;
    }
    let hostedZoneId: string | undefined;
    const inferred = inferAliasZone(target.name);
    if (raw.hostedZoneId !== undefined && raw.hostedZoneId !== null && raw.hostedZoneId !== UNKNOWN) {
        if (typeof raw.hostedZoneId !== "string" || !ZONE_ID.test(normalizeZoneId(raw.hostedZoneId))) {
            failures.add(`${prop}.hostedZoneId`, subject, `alias.hostedZoneId "${String(raw.hostedZoneId)}" is not a hosted zone id (like Z35SXDOTRQ7X7K)`, "alias-zone-id");
            return undefined;
        }
        hostedZoneId = normalizeZoneId(raw.hostedZoneId);
    } else if (raw.hostedZoneId === UNKNOWN) {
        hostedZoneId = UNKNOWN;
    } else if (inferred?.hostedZoneId) {
        hostedZoneId = inferred.hostedZoneId;
    } else if (inferred) {
        failures.add(
            `${prop}.hostedZoneId`,
            subject,
            `no published hosted zone id for ${inferred.service} in region ${inferred.region ?? "?"} (target ${target.name}); set alias.hostedZoneId`,
            "alias-zone-unknown",
        );
        return undefined;
    } else if (!isInZone(target.name, ctx.zoneName)) {
        failures.add(
            `${prop}.hostedZoneId`,
            subject,
            `cannot infer the hosted zone of alias target ${target.name} (not a known AWS endpoint and not inside ${ctx.zoneName}); set alias.hostedZoneId`,
            "alias-zone-unknown",
        );
        return undefined;
    }
    // else: a record in the managed zone; its id is filled in once the zone is resolved
    if (inferred?.service === "cloudfront" && evaluate === true) {
        failures.add(`${prop}.evaluateTargetHealth`, subject, "evaluateTargetHealth cannot be true for a CloudFront distribution", "alias-evaluate-cloudfront");
    }
    return {
        dnsName: target.name,
        ...(hostedZoneId === undefined ? {} : { hostedZoneId }),
        evaluateTargetHealth: evaluate === true,
    };
}

function checkValues(raw: unknown, type: RecordType, prop: string, subject: string, failures: Failures): string[] | undefined {
    if (!Array.isArray(raw) || raw.length === 0) {
        failures.add(prop, subject, "values must be a non-empty array of strings", "values-shape");
        return undefined;
    }
    if (raw.some((v) => v === UNKNOWN)) {
        return raw as string[];
    }
    const values: string[] = [];
    raw.forEach((v, j) => {
        if (typeof v !== "string") {
            failures.add(`${prop}[${j}]`, subject, `values[${j}] must be a string`, "values-shape");
            return;
        }
        const result = canonicalValue(type, v);
        if (!result.ok) {
            failures.add(`${prop}[${j}]`, subject, `values[${j}]: ${result.reason}`, result.rule);
            return;
        }
        if (values.includes(result.value)) {
            failures.add(`${prop}[${j}]`, subject, `values[${j}] duplicates another value (${result.value})`, "duplicate-value");
            return;
        }
        values.push(result.value);
    });
    if (type === "CNAME" && raw.length > 1) {
        failures.add(prop, subject, `a CNAME has exactly one value, got ${raw.length}`, "cname-single-value");
    }
    return values.sort();
}

function checkRecord(raw: unknown, i: number, ctx: RecordContext): NormalizedRecord | undefined {
    const { failures } = ctx;
    const prop = `records[${i}]`;
    if (!isObject(raw)) {
        failures.add(prop, prop, "each record must be an object { name, type, ttl?, values? | alias?, resource? }", "record-shape");
        return undefined;
    }
    const rawName = typeof raw.name === "string" ? raw.name : undefined;
    const rawType = typeof raw.type === "string" ? raw.type.toUpperCase() : undefined;
    const subject = `${prop} (${rawName ?? "?"} ${rawType ?? "?"})`;
    for (const key of Object.keys(raw)) {
        if (!RECORD_FIELDS.includes(key)) {
            failures.add(`${prop}.${key}`, subject, `unknown field "${key}" (allowed: ${RECORD_FIELDS.join(", ")})`, "unknown-field");
        }
    }
    if (!(RECORD_TYPES as readonly string[]).includes(rawType ?? "")) {
        failures.add(`${prop}.type`, subject, `type must be one of ${RECORD_TYPES.join(", ")}`, "record-type");
        return undefined;
    }
    const type = rawType as RecordType;
    let name: string | undefined;
    if (rawName === undefined) {
        failures.add(`${prop}.name`, subject, "name must be a string (an FQDN in the zone, a single relative label or \"@\")", "name-shape");
    } else if (rawName !== UNKNOWN) {
        const result = normalizeRecordName(rawName, ctx.zoneName);
        if (result.ok) {
            name = result.name;
        } else {
            failures.add(`${prop}.name`, subject, `name ${result.reason}`, result.rule);
        }
    }
    const subjectN = `${prop} (${name ?? rawName ?? "?"} ${type})`;

    const hasAlias = raw.alias !== undefined && raw.alias !== null;
    const hasValues = raw.values !== undefined && raw.values !== null;
    if (hasAlias && hasValues) {
        failures.add(prop, subjectN, "set either values or alias, not both", "alias-xor-values");
    } else if (!hasAlias && !hasValues) {
        failures.add(prop, subjectN, "set values (a plain record) or alias", "alias-xor-values");
    }
    let ttl: number | undefined;
    if (raw.ttl !== undefined && raw.ttl !== null) {
        if (hasAlias) {
            failures.add(`${prop}.ttl`, subjectN, "ttl cannot be set on an alias record (Route53 uses the target's TTL)", "ttl-with-alias");
        } else if (raw.ttl === UNKNOWN) {
            ttl = raw.ttl as unknown as number;
        } else if (typeof raw.ttl !== "number" || !Number.isInteger(raw.ttl) || raw.ttl < 0 || raw.ttl > MAX_TTL) {
            failures.add(`${prop}.ttl`, subjectN, `ttl must be an integer from 0 to ${MAX_TTL} seconds, got ${JSON.stringify(raw.ttl)}`, "ttl-range");
        } else {
            ttl = raw.ttl;
        }
    } else if (!hasAlias) {
        ttl = DEFAULT_TTL;
    }
    let resource: string | undefined;
    if (raw.resource !== undefined && raw.resource !== null) {
        const problem = typeof raw.resource === "string" ? labelProblem(raw.resource) : "must be a string";
        if (problem && raw.resource !== UNKNOWN) {
            failures.add(`${prop}.resource`, subjectN, `resource ${problem}`, "resource-label");
        } else {
            resource = raw.resource as string;
        }
    }
    const routing = checkRouting(raw, (field, reason, rule) => failures.add(`${prop}.${field}`, subjectN, reason, rule));
    const alias = hasAlias && !hasValues ? checkAlias(raw.alias, type, `${prop}.alias`, subjectN, ctx) : undefined;
    const values = hasValues && !hasAlias ? checkValues(raw.values, type, `${prop}.values`, subjectN, failures) : undefined;
    if (name === undefined && rawName !== UNKNOWN) {
        return undefined;
    }
    return {
        name: name ?? (rawName as string),
        type,
        ...(ttl === undefined ? {} : { ttl }),
        ...(values === undefined ? {} : { values }),
        ...(alias === undefined ? {} : { alias }),
        ...(resource === undefined ? {} : { resource }),
        ...routing,
    };
}

/** Rules that involve more than one record, or a record and its marker. */
interface MarkerSettings {
    readonly naming: MarkerNaming;
    readonly compat: MarkerCompat;
    /** The AES key when markers are encrypted. */
    readonly key?: Buffer;
}

/** The longest marker text this provider writes for a record (instance label included; encrypted when configured). */
export function markerTextLength(ownerId: string, resource: string | undefined, key?: Buffer): number {
    const labels = markerLabels(ownerId, resource, "x".repeat(INSTANCE_ID_LENGTH));
    return key ? encryptText(serializeLabels(labels), key, Buffer.alloc(NONCE_SIZE).toString("base64")).length : renderMarker(labels).length - 2;
}

function checkRecordSet(records: ReadonlyArray<{ record: NormalizedRecord; index: number }>, zoneName: string, ownerId: string | undefined, settings: MarkerSettings, failures: Failures): void {
    const txtPrefix = settings.naming;
    const byKey = new Map<string, number>();
    const groups = new Map<string, RoutedMember[]>();
    const typesByName = new Map<string, Map<RecordType, number>>();
    for (const { record, index } of records) {
        if (record.name === UNKNOWN) continue;
        const subject = `records[${index}] (${record.name} ${record.type})`;
        const key = recordKey(record.name, record.type);
        const group = groups.get(key) ?? [];
        group.push({ index, routing: record });
        groups.set(key, group);
        if (byKey.has(key)) continue;
        byKey.set(key, index);
        const types = typesByName.get(record.name) ?? new Map<RecordType, number>();
        types.set(record.type, index);
        typesByName.set(record.name, types);
        if (record.type === "CNAME" && record.name === zoneName) {
            failures.add(`records[${index}].name`, subject, `a CNAME is not allowed at the zone apex ${zoneName} (use an alias A record)`, "cname-at-apex");
        }
    }
    for (const group of groups.values()) {
        for (const [index, reason, rule] of checkRoutedGroup(group)) {
            const { record } = records.find((r) => r.index === index) as { record: NormalizedRecord };
            failures.add(`records[${index}]`, `records[${index}] (${record.name} ${record.type}${record.setIdentifier === undefined ? "" : ` ${record.setIdentifier}`})`, reason, rule);
        }
    }
    for (const [name, types] of typesByName) {
        const cname = types.get("CNAME");
        if (cname !== undefined && types.size > 1) {
            const others = [...types.entries()].filter(([t]) => t !== "CNAME").map(([t, i]) => `records[${i}] ${t}`);
            failures.add(`records[${cname}]`, `records[${cname}] (${name} CNAME)`, `a CNAME cannot share its name with other records (${others.join(", ")})`, "cname-with-other-types");
        }
    }
    for (const { record, index } of records) {
        if (record.name === UNKNOWN || byKey.get(recordKey(record.name, record.type)) !== index) continue;
        const subject = `records[${index}] (${record.name} ${record.type})`;
        const marker = markerName(txtPrefix, record.name, record.type, zoneName);
        const firstLabel = marker.split(".")[0];
        if (firstLabel.length > MAX_LABEL_LENGTH || withoutDot(marker).length > MAX_NAME_LENGTH) {
            failures.add(`records[${index}].name`, subject, `its TXT ownership marker ${marker} would exceed DNS length limits (label ${MAX_LABEL_LENGTH}, name ${MAX_NAME_LENGTH}); shorten the name or txtPrefix`, "marker-name-too-long");
        }
        if (record.name !== zoneName) {
            // ExternalDNS's mapper is not injective for every affix: refuse names it would misread
            const [ep, t] = toEndpointName(txtPrefix, withoutDot(marker));
            if (ep !== endpointKeyName(txtPrefix, record.name) || t !== record.type) {
                failures.add(`records[${index}].name`, subject, `ExternalDNS would read its ownership marker ${marker} as belonging to ${ep || "(no record)"} ${t || "(any type)"}; use a txtPrefix or txtSuffix that separates the type (e.g. "%{record_type}-")`, "marker-ambiguous");
            }
        }
        const clash = typesByName.get(marker);
        const clashType = clash && ([...clash.keys()].find((t) => t === "TXT" || t === "CNAME") as RecordType | undefined);
        if (clash && clashType) {
            failures.add(`records[${index}].name`, subject, `its TXT ownership marker ${marker} collides with records[${clash.get(clashType)}] (${marker} ${clashType})`, "marker-collision");
        }
        if (ownerId !== undefined && ownerId !== UNKNOWN && record.resource !== UNKNOWN) {
            const length = markerTextLength(ownerId, record.resource, settings.key);
            if (length > TXT_STRING_LIMIT) {
                failures.add(`records[${index}].resource`, subject, `the ownership marker text is ${length} characters${settings.key ? " encrypted" : ""}; the limit is ${TXT_STRING_LIMIT} (shorten ownerId or resource)`, "marker-too-long");
            }
        }
        if (!containsUnknown(record)) {
            const rrset = toRrset(record);
            const markerChange = { action: "UPSERT" as const, rrset: { Name: marker, Type: "TXT", TTL: DEFAULT_TTL, ResourceRecords: [{ Value: "x".repeat(TXT_STRING_LIMIT + 2) }] } };
            const markers = settings.compat === "pre-v0.22" && record.alias ? [markerChange, markerChange] : [markerChange];
            const worst = groupCost([{ action: "UPSERT", rrset }, ...markers]);
            if (!fits(worst, ROUTE53_LIMITS)) {
                failures.add(`records[${index}].values`, subject, `the record is too large to change in one Route53 request (${worst.records} records / ${worst.valueChars} characters with its marker, UPSERT counted twice)`, "record-too-large");
            }
        }
    }
}

/** Validates and normalizes the inputs of a Route53RecordSync. */
export function checkInputs(news: unknown): CheckOutcome {
    const failures = newFailures();
    if (!isObject(news)) {
        failures.add("", "inputs", "inputs must be an object", "inputs-shape");
        return { inputs: {}, failures: failures.list };
    }
    for (const key of Object.keys(news)) {
        if (!TOP_LEVEL_FIELDS.includes(key) && key !== "__provider") {
            failures.add(key, key, `unknown field "${key}" (allowed: ${TOP_LEVEL_FIELDS.join(", ")})`, "unknown-field");
        }
    }

    let zoneName: string | undefined;
    if (news.zoneName === UNKNOWN) {
        zoneName = UNKNOWN;
    } else if (typeof news.zoneName !== "string") {
        failures.add("zoneName", "zoneName", "zoneName must be a domain name such as example.com", "zone-name");
    } else {
        const result = normalizeDomain(news.zoneName);
        if (result.ok) {
            zoneName = result.name;
        } else {
            failures.add("zoneName", "zoneName", `zoneName "${news.zoneName}" ${result.reason}`, result.rule);
        }
    }

    let zoneId: string | undefined;
    if (news.zoneId !== undefined && news.zoneId !== null && news.zoneId !== UNKNOWN) {
        if (typeof news.zoneId !== "string" || !ZONE_ID.test(normalizeZoneId(news.zoneId))) {
            failures.add("zoneId", "zoneId", `zoneId "${String(news.zoneId)}" is not a hosted zone id (like Z0123456789ABCDEFGHIJ)`, "zone-id");
        } else {
            zoneId = normalizeZoneId(news.zoneId);
        }
    } else if (news.zoneId === UNKNOWN) {
        zoneId = UNKNOWN;
    }

    const privateZone = news.privateZone ?? false;
    if (typeof privateZone !== "boolean" && privateZone !== UNKNOWN) {
        failures.add("privateZone", "privateZone", "privateZone must be a boolean", "private-zone");
    }

    let ownerId: string | undefined;
    if (news.ownerId === UNKNOWN) {
        ownerId = UNKNOWN;
    } else {
        const problem = typeof news.ownerId === "string" ? labelProblem(news.ownerId) : "must be a non-empty string";
        if (problem) {
            failures.add("ownerId", "ownerId", `ownerId ${problem}`, "owner-id");
        } else {
            ownerId = news.ownerId as string;
        }
    }

    let txtPrefix = "";
    if (news.txtPrefix !== undefined && news.txtPrefix !== null && news.txtPrefix !== UNKNOWN) {
        const prefix = typeof news.txtPrefix === "string" ? news.txtPrefix.toLowerCase() : undefined;
        if (prefix === undefined || !isTxtPrefix(prefix)) {
            failures.add("txtPrefix", "txtPrefix", `txtPrefix "${String(news.txtPrefix)}" may only contain a-z, 0-9, "-", "_", "%{record_type}" and single dots (not leading)`, "txt-prefix");
        } else {
            txtPrefix = prefix;
        }
    }

    const present = (v: unknown): boolean => v !== undefined && v !== null && v !== UNKNOWN;
    let txtSuffix = "";
    if (present(news.txtSuffix)) {
        const suffix = typeof news.txtSuffix === "string" ? news.txtSuffix.toLowerCase() : undefined;
        if (suffix === undefined || !isTxtSuffix(suffix)) {
            failures.add("txtSuffix", "txtSuffix", `txtSuffix "${String(news.txtSuffix)}" may only contain a-z, 0-9, "-", "_", "%{record_type}" and single dots (not trailing)`, "txt-suffix");
        } else if (suffix !== "" && txtPrefix !== "") {
            failures.add("txtSuffix", "txtSuffix", `txtPrefix ("${txtPrefix}") and txtSuffix ("${suffix}") are mutually exclusive, as in ExternalDNS; set one of them`, "txt-affix-exclusive");
        } else {
            txtSuffix = suffix;
        }
    }

    let txtWildcardReplacement = "";
    if (present(news.txtWildcardReplacement)) {
        const value = typeof news.txtWildcardReplacement === "string" ? news.txtWildcardReplacement.toLowerCase() : undefined;
        if (value === undefined || (value !== "" && !WILDCARD_REPLACEMENT.test(value))) {
            failures.add("txtWildcardReplacement", "txtWildcardReplacement", `txtWildcardReplacement "${String(news.txtWildcardReplacement)}" must be one DNS label (a-z, 0-9, "-", "_", at most 63 characters)`, "txt-wildcard-replacement");
        } else {
            txtWildcardReplacement = value;
        }
    }

    let markerCompat: MarkerCompat = DEFAULT_MARKER_COMPAT;
    if (present(news.markerCompat)) {
        if (!(MARKER_COMPATS as readonly unknown[]).includes(news.markerCompat)) {
            failures.add("markerCompat", "markerCompat", `markerCompat must be one of ${MARKER_COMPATS.join(", ")}, got ${JSON.stringify(news.markerCompat)}`, "marker-compat");
        } else {
            markerCompat = news.markerCompat as MarkerCompat;
        }
    }

    let key: Buffer | undefined;
    if (present(news.txtEncryptionKey) && news.txtEncryptionKey !== "") {
        const parsed = typeof news.txtEncryptionKey === "string" ? parseEncryptionKey(news.txtEncryptionKey) : { error: "must be a string" };
        if ("error" in parsed) {
            // the key is secret: the message never repeats it
            failures.add("txtEncryptionKey", "txtEncryptionKey", `txtEncryptionKey ${parsed.error}`, "txt-encryption-key");
        } else {
            key = parsed.key;
        }
    }

    for (const [field, rule] of [["assumeRoleArn", ASSUME_ROLE_ARN], ["externalId", EXTERNAL_ID]] as const) {
        if (present(news[field]) && !rule.test(news[field])) {
            failures.add(field, field, `${field} ${rule.rule}, got ${JSON.stringify(news[field])}`, field === "assumeRoleArn" ? "assume-role-arn" : "external-id");
        }
    }
    if (present(news.externalId) && !present(news.assumeRoleArn)) {
        failures.add("externalId", "externalId", "externalId is only used with assumeRoleArn; set both or neither", "external-id");
    }

    let policy: Policy = DEFAULT_POLICY;
    if (news.policy !== undefined && news.policy !== null && news.policy !== UNKNOWN) {
        if (!(POLICIES as readonly unknown[]).includes(news.policy)) {
            failures.add("policy", "policy", `policy must be one of ${POLICIES.join(", ")}, got ${JSON.stringify(news.policy)}`, "policy");
        } else {
            policy = news.policy as Policy;
        }
    }

    if (present(news.maxWeightStep) && news.maxWeightStep !== UNKNOWN && !isWeightStep(news.maxWeightStep)) {
        failures.add("maxWeightStep", "maxWeightStep", `maxWeightStep must be an integer from 1 to ${MAX_WEIGHT}, got ${JSON.stringify(news.maxWeightStep)}`, "max-weight-step");
    }

    let records: NormalizedRecord[] | undefined;
    if (news.records === UNKNOWN || zoneName === UNKNOWN) {
        records = news.records as NormalizedRecord[];
    } else if (!Array.isArray(news.records)) {
        failures.add("records", "records", "records must be an array", "records-shape");
    } else if (zoneName !== undefined) {
        const ctx: RecordContext = { zoneName, failures };
        const checked: { record: NormalizedRecord; index: number }[] = [];
        records = news.records.map((raw: unknown, index) => {
            if (raw === UNKNOWN) return raw as unknown as NormalizedRecord;
            const record = checkRecord(raw, index, ctx);
            if (record) checked.push({ record, index });
            return record as NormalizedRecord;
        });
        const naming: MarkerNaming = { txtPrefix, txtSuffix, wildcardReplacement: txtWildcardReplacement };
        checkRecordSet(checked, zoneName, ownerId, { naming, compat: markerCompat, key }, failures);
    }

    if (failures.list.length > 0) {
        // top-level fields first, then by record, each in the order found
        const order = (f: CheckFailure) => Number(/^records\[(\d+)\]/.exec(f.property)?.[1] ?? -1);
        const sorted = failures.list.map((f, i) => ({ f, i })).sort((x, y) => order(x.f) - order(y.f) || x.i - y.i);
        return { inputs: { ...news }, failures: sorted.map((x) => x.f) };
    }
    const inputs: NormalizedInputs = {
        zoneName: zoneName as string,
        ...(zoneId === undefined ? {} : { zoneId }),
        privateZone: privateZone as boolean,
        ownerId: ownerId as string,
        txtPrefix: news.txtPrefix === UNKNOWN ? UNKNOWN : txtPrefix,
        policy: news.policy === UNKNOWN ? (UNKNOWN as Policy) : policy,
        txtSuffix: news.txtSuffix === UNKNOWN ? UNKNOWN : txtSuffix,
        txtWildcardReplacement: news.txtWildcardReplacement === UNKNOWN ? UNKNOWN : txtWildcardReplacement,
        markerCompat: news.markerCompat === UNKNOWN ? (UNKNOWN as MarkerCompat) : markerCompat,
        ...(present(news.txtEncryptionKey) && news.txtEncryptionKey !== "" ? { txtEncryptionKey: news.txtEncryptionKey as string } : news.txtEncryptionKey === UNKNOWN ? { txtEncryptionKey: UNKNOWN } : {}),
        ...(present(news.assumeRoleArn) || news.assumeRoleArn === UNKNOWN ? { assumeRoleArn: news.assumeRoleArn as string } : {}),
        ...(present(news.externalId) || news.externalId === UNKNOWN ? { externalId: news.externalId as string } : {}),
        records: records as NormalizedRecord[],
        ...(present(news.maxWeightStep) ? { maxWeightStep: news.maxWeightStep as number } : {}),
    };
    return { inputs: inputs as unknown as Record<string, unknown>, failures: [] };
}
