export { createAzureDnsClient, azureCredential, AZURE_RESOURCE_MANAGER } from "./client";
export type { AzureDnsClientOptions, AzureClientSecret } from "./client";
export { AZURE_DNS_LIMITS } from "./limits";
export { azureDnsRoleDefinition, azureZoneId } from "./roleDefinition";
export type { AzureRoleDefinition } from "./roleDefinition";
