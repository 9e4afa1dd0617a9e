/**
 * The least-privilege Azure custom role for the record sync, assignable at the zone's scope only:
 * read the zone and its record sets, write and delete the record-set types it manages. No zone
 * write or delete, no other resource.
 */
export interface AzureRoleDefinition {
    readonly Name: string;
    readonly IsCustom: true;
    readonly Description: string;
    readonly Actions: string[];
    readonly NotActions: string[];
    readonly DataActions: string[];
    readonly NotDataActions: string[];
    readonly AssignableScopes: string[];
}

/** ARM id of a DNS zone. */
export function azureZoneId(subscriptionId: string, resourceGroup: string, zoneName: string): string {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/dnsZones/${zoneName.replace(/\.$/, "")}`;
}

export function azureDnsRoleDefinition(subscriptionId: string, resourceGroup: string, zoneName: string): AzureRoleDefinition {
    const types = ["A", "AAAA", "CNAME", "TXT"];
    return {
        Name: `eks-ingress-mesh record sync (${zoneName.replace(/\.$/, "")})`,
        IsCustom: true,
        Description: "Read one DNS zone and write/delete its A, AAAA, CNAME and TXT record sets.",
        Actions: [
            "Microsoft.Network/dnszones/read",
            "Microsoft.Network/dnszones/recordsets/read",
            "Microsoft.Network/dnszones/all/read",
            ...types.flatMap((t) => [`Microsoft.Network/dnszones/${t}/read`, `Microsoft.Network/dnszones/${t}/write`, `Microsoft.Network/dnszones/${t}/delete`]),
        ],
        NotActions: [],
        DataActions: [],
        NotDataActions: [],
        AssignableScopes: [azureZoneId(subscriptionId, resourceGroup, zoneName)],
    };
}
