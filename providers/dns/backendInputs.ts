/**
 * The inputs of a DnsRecordSync (Azure DNS or Google Cloud DNS): Route53RecordSync's record-sync
 * inputs minus the Route53-only ones (zoneId, privateZone, alias records), plus `backend` (which
 * zone in which cloud) and `credentials` (secret). The shared fields are checked by the same
 * `checkInputs` as Route53RecordSync's; this module adds the backend rules.
 */
import type { CheckFailure, CheckOutcome } from "./validate";
import { checkInputs, UNKNOWN } from "./validate";
import type { NormalizedInputs } from "./types";
import { AZURE_RESOURCE_GROUP, AZURE_SUBSCRIPTION_ID, GOOGLE_MANAGED_ZONE, GOOGLE_PROJECT } from "../shared/rules/dnsBackends";
import type { Rule } from "../shared/rules/rule";

export const BACKEND_KINDS = ["azure", "google"] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** Which Azure DNS zone; `endpoint`/`authorityHost` only for sovereign clouds and tests. */
export interface AzureBackendInput {
    readonly kind: "azure";
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    readonly endpoint?: string;
    readonly authorityHost?: string;
    readonly disableInstanceDiscovery?: boolean;
}

/** Which Cloud DNS managed zone; `apiEndpoint`/`tokenEndpoint` only for private endpoints and tests. */
export interface GoogleBackendInput {
    readonly kind: "google";
    readonly project: string;
    readonly managedZone: string;
    readonly apiEndpoint?: string;
    readonly tokenEndpoint?: string;
    readonly pollIntervalMs?: number;
}

export type BackendInput = AzureBackendInput | GoogleBackendInput;

/** Secret credentials; absent = the cloud's default chain (DefaultAzureCredential / ADC). */
export interface BackendCredentials {
    /** Azure: an app registration's client secret. */
    readonly tenantId?: string;
    readonly clientId?: string;
    readonly clientSecret?: string;
    /** Google: a service-account key file's JSON. */
    readonly serviceAccountKey?: string;
}

export interface BackendSyncInputs extends NormalizedInputs {
    readonly backend: BackendInput;
    readonly credentials?: BackendCredentials;
}

const ROUTE53_ONLY = ["zoneId", "privateZone"];
const AZURE_FIELDS = ["kind", "subscriptionId", "resourceGroup", "endpoint", "authorityHost", "disableInstanceDiscovery"];
const GOOGLE_FIELDS = ["kind", "project", "managedZone", "apiEndpoint", "tokenEndpoint", "pollIntervalMs"];
const CREDENTIAL_FIELDS: Record<BackendKind, string[]> = { azure: ["tenantId", "clientId", "clientSecret"], google: ["serviceAccountKey"] };

type Props = Record<string, unknown>;
const isObject = (v: unknown): v is Props => typeof v === "object" && v !== null && !Array.isArray(v);
const known = (v: unknown): boolean => v !== UNKNOWN;

function checkBackend(raw: unknown, fail: (property: string, reason: string) => void): void {
    if (raw === UNKNOWN) return;
    if (!isObject(raw)) {
        fail("backend", `backend must be { kind: "azure", subscriptionId, resourceGroup } or { kind: "google", project, managedZone }`);
        return;
    }
    if (raw.kind !== "azure" && raw.kind !== "google") {
        fail("backend.kind", `backend.kind "${String(raw.kind)}" is not one of ${BACKEND_KINDS.join(", ")} (Route53 zones use Route53RecordSync)`);
        return;
    }
    const allowed = raw.kind === "azure" ? AZURE_FIELDS : GOOGLE_FIELDS;
    for (const key of Object.keys(raw)) {
        if (!allowed.includes(key)) fail(`backend.${key}`, `unknown ${raw.kind} backend field "${key}" (allowed: ${allowed.join(", ")})`);
    }
    const text = (key: string, rule: Rule): void => {
        const v = raw[key];
        if (known(v) && !rule.test(v)) fail(`backend.${key}`, `backend.${key} "${String(v)}" ${rule.rule}`);
    };
    const url = (key: string): void => {
        const v = raw[key];
        if (v === undefined || v === null || !known(v)) return;
        if (typeof v !== "string" || !/^https:\/\/[^\s/]+(\/\S*)?$/.test(v)) fail(`backend.${key}`, `backend.${key} "${String(v)}" must be an https:// URL`);
    };
    if (raw.kind === "azure") {
        text("subscriptionId", AZURE_SUBSCRIPTION_ID);
        text("resourceGroup", AZURE_RESOURCE_GROUP);
        url("endpoint");
        url("authorityHost");
    } else {
        text("project", GOOGLE_PROJECT);
        text("managedZone", GOOGLE_MANAGED_ZONE);
        const endpoint = raw.apiEndpoint;
        if (endpoint !== undefined && known(endpoint) && (typeof endpoint !== "string" || !/^[A-Za-z0-9.[\]:-]+$/.test(endpoint))) {
            fail("backend.apiEndpoint", `backend.apiEndpoint "${String(endpoint)}" must be host:port (the client builds https://<apiEndpoint>/dns/v1)`);
        }
        url("tokenEndpoint");
    }
}

function checkCredentials(raw: unknown, kind: unknown, fail: (property: string, reason: string) => void): void {
    if (raw === undefined || raw === null || raw === UNKNOWN || (kind !== "azure" && kind !== "google")) return;
    if (!isObject(raw)) {
        fail("credentials", "credentials must be an object");
        return;
    }
    const allowed = CREDENTIAL_FIELDS[kind];
    // never echo a credential value: name the field only
    for (const key of Object.keys(raw)) {
        if (!allowed.includes(key)) fail(`credentials.${key}`, `credentials.${key} is not used by the ${kind} backend (allowed: ${allowed.join(", ")})`);
        else if (known(raw[key]) && (typeof raw[key] !== "string" || raw[key] === "")) fail(`credentials.${key}`, `credentials.${key} must be a non-empty string`);
    }
    if (kind === "azure") {
        const set = allowed.filter((k) => raw[k] !== undefined);
        if (set.length > 0 && set.length < allowed.length) {
            fail("credentials", `an Azure client secret needs all of ${allowed.join(", ")} (set: ${set.join(", ")}); leave all out to use DefaultAzureCredential`);
        }
    }
}

/** Check of a DnsRecordSync's inputs; failures name the input, the rule and what is allowed. */
export function checkBackendInputs(news: unknown): CheckOutcome {
    if (!isObject(news)) return checkInputs(news);
    const { backend, credentials, ...shared } = news;
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string): void => {
        failures.push({ property, reason });
    };
    for (const key of ROUTE53_ONLY) {
        if (shared[key] !== undefined && shared[key] !== null) fail(key, `${key} exists only for Route53 zones; remove it (the zone is named by backend)`);
        delete shared[key];
    }
    const outcome = checkInputs(shared);
    checkBackend(backend, fail);
    checkCredentials(credentials, isObject(backend) ? backend.kind : undefined, fail);
    const zoneName = outcome.inputs.zoneName;
    const records = Array.isArray(news.records) ? news.records : [];
    records.forEach((r: unknown, i: number) => {
        if (!isObject(r)) return;
        const name = typeof r.name === "string" ? r.name : `records[${i}]`;
        if (r.alias !== undefined && r.alias !== null) {
            fail(`records[${i}].alias`, `record ${name}: alias records exist only in Route53; outside AWS point a CNAME at the load balancer's DNS name`);
        }
        if (r.type === "CNAME" && typeof zoneName === "string" && typeof r.name === "string" && isApex(r.name, zoneName)) {
            fail(`records[${i}].name`, `record ${name}: a CNAME cannot be at the zone apex ${zoneName}, and Azure DNS and Cloud DNS have no alias to a name outside the zone; use a subdomain (e.g. www.${zoneName.replace(/\.$/, "")})`);
        }
    });
    const { privateZone: _p, zoneId: _z, ...inputs } = outcome.inputs;
    return {
        inputs: { ...inputs, backend, ...(credentials === undefined ? {} : { credentials }) },
        failures: [...outcome.failures.filter((f) => !(f.property.includes(".alias") || /CNAME is not allowed at the zone apex/.test(f.reason))), ...failures],
    };
}

function isApex(name: string, zoneName: string): boolean {
    const n = name.toLowerCase().replace(/\.?$/, ".");
    return name === "@" || n === zoneName;
}
