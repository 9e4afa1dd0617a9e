export { createGoogleDnsClient, GOOGLE_TOKEN_URL } from "./client";
export type { GoogleDnsClientOptions } from "./client";
export { GOOGLE_DNS_LIMITS, GOOGLE_MAX_RRDATA_BYTES_PER_CHANGE } from "./limits";
export { googleDnsCustomRole } from "./iamRole";
export type { GoogleCustomRole, GoogleRoleBinding } from "./iamRole";
export { parseServiceAccountKey } from "./serviceAccountKey";
