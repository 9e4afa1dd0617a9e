/**
 * Rules for the DNS backend fields (pure), shared by the stack config (`dns.azure.*`,
 * `dns.google.*`) and DnsRecordSync's `check`.
 */
import { parseServiceAccountKey } from "../../dns/google/serviceAccountKey";
import { patternRule, Rule } from "./rule";

export const DNS_PROVIDERS = ["route53", "azure", "google"] as const;
export type DnsProviderKind = (typeof DNS_PROVIDERS)[number];

export const AZURE_SUBSCRIPTION_ID = patternRule(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be an Azure subscription id (a GUID)");
export const AZURE_RESOURCE_GROUP = patternRule(/^[A-Za-z0-9._()-]{1,90}$/, "must be an Azure resource group name (1-90 letters, digits, . _ ( ) -)");
/** Tenant and client (application) ids are GUIDs too. */
export const AZURE_GUID = patternRule(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a GUID");
export const GOOGLE_PROJECT = patternRule(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "must be a Google Cloud project id (6-30 lower-case letters, digits and hyphens, starting with a letter)");
export const GOOGLE_MANAGED_ZONE = patternRule(/^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Cloud DNS managed zone name (1-63 lower-case letters, digits and hyphens, starting with a letter)");

/** A service-account key file's JSON (type service_account, client_email, private_key); the value is never shown. */
export const GOOGLE_SERVICE_ACCOUNT_KEY: Rule = {
    rule: 'must be a service-account key file\'s JSON ("type": "service_account" with client_email and private_key)',
    test: (v) => {
        if (typeof v !== "string") return false;
        try {
            parseServiceAccountKey(v);
            return true;
        } catch {
            return false;
        }
    },
};

export const AZURE_CLIENT_SECRET = patternRule(/^\S.{0,1023}$/s, "must be a non-empty client secret");
