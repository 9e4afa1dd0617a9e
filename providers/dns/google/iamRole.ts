/**
 * The least-privilege Google Cloud IAM custom role for the record sync, to be granted on the
 * managed zone only (Cloud DNS supports IAM policies on a managed zone): list record sets,
 * create and read changes, and the record-set permissions a change needs. No zone admin.
 */
export interface GoogleCustomRole {
    readonly roleId: string;
    readonly title: string;
    readonly description: string;
    readonly stage: "GA";
    readonly includedPermissions: string[];
}

export interface GoogleRoleBinding {
    /** The managed zone's resource name, where the role is granted. */
    readonly resource: string;
    /** The role's full name once created in the project. */
    readonly role: string;
    readonly customRole: GoogleCustomRole;
}

export function googleDnsCustomRole(project: string, managedZone: string): GoogleRoleBinding {
    const roleId = "eksIngressMeshRecordSync";
    return {
        resource: `projects/${project}/managedZones/${managedZone}`,
        role: `projects/${project}/roles/${roleId}`,
        customRole: {
            roleId,
            title: "eks-ingress-mesh record sync",
            description: "List record sets and apply changes to the managed zones it is granted on.",
            stage: "GA",
            includedPermissions: [
                "dns.changes.create",
                "dns.changes.get",
                "dns.resourceRecordSets.create",
                "dns.resourceRecordSets.delete",
                "dns.resourceRecordSets.list",
                "dns.resourceRecordSets.update",
            ],
        },
    };
}
