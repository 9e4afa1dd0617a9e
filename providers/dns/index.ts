/**
 * Route53RecordSync (providers/dns): records plus ExternalDNS-compatible TXT ownership markers,
 * kept in sync from the live zone. Environment: AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ROUTE_53 and
 * the rest of the AWS SDK chain; EIM_ROUTE53_MAX_RPS (client-side request cap, default 4/s);
 * EIM_ROUTE53_CALL_LOG (file that receives one line per Route53 call, for tests).
 */
export { Route53RecordSync } from "./resource";
export type { Route53AliasArgs, Route53RecordArgs, Route53RecordSyncArgs } from "./resource";
export { Route53RecordSyncProvider } from "./provider";
export { checkInputs, UNKNOWN } from "./validate";
export type { CheckFailure, CheckOutcome } from "./validate";
export { renderSyncPolicy } from "./iamPolicy";
export type { SyncPolicyInput } from "./iamPolicy";
export { inferAliasZone, REGION_ALIAS_ZONES, CLOUDFRONT_ZONE_ID, GLOBAL_ACCELERATOR_ZONE_ID } from "./aliasZones";
export { markerName, renderMarker, parseMarker, markerLabels } from "./registry";
export { planChanges } from "./plan";
export type { Plan, PlanInput, Conflict } from "./plan";
export { packBatches, ROUTE53_LIMITS } from "./batches";
export { diffRecords, diffState } from "./diff";
export { chooseReadStrategy } from "./readStrategy";
export { DEFAULT_MAX_RPS, maxRequestsPerSecond } from "./client";
export * from "./types";
