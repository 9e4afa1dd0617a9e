/**
 * Reads a service-account key (the JSON file `gcloud iam service-accounts keys create` writes),
 * given as a secret input. Errors name the rule and never echo the key.
 */
import { DnsBackendError } from "../backend";

export interface ServiceAccountKey {
    readonly type: "service_account";
    readonly client_email: string;
    readonly private_key: string;
    readonly project_id?: string;
}

export function parseServiceAccountKey(json: string): ServiceAccountKey {
    let parsed: unknown;
    try {
        parsed = JSON.parse(json);
    } catch {
        throw new DnsBackendError("Google Cloud DNS", "InvalidServiceAccountKey", "the service-account key is not JSON (expected the key file's contents)");
    }
    const key = parsed as Partial<ServiceAccountKey> | null;
    if (!key || typeof key !== "object" || key.type !== "service_account") {
        throw new DnsBackendError("Google Cloud DNS", "InvalidServiceAccountKey", 'the service-account key must be a key file with "type": "service_account"');
    }
    const missing = (["client_email", "private_key"] as const).filter((f) => typeof key[f] !== "string" || key[f] === "");
    if (missing.length > 0) {
        throw new DnsBackendError("Google Cloud DNS", "InvalidServiceAccountKey", `the service-account key lacks ${missing.join(" and ")}`);
    }
    return key as ServiceAccountKey;
}
