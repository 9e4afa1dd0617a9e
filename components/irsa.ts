import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface IrsaRoleArgs {
    /** ARN of the cluster's IAM OIDC provider. */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL of the cluster's OIDC provider, with or without `https://`. */
    readonly oidcProviderUrl: pulumi.Input<string>;
    /** Namespace of the Kubernetes service account allowed to assume the role. */
    readonly namespace: string;
    /** Name of that service account. */
    readonly serviceAccount: string;
    /** IAM policy document (JSON) granted to the role. */
    readonly policyJson: pulumi.Input<string>;
}

/**
 * The trust policy of an IAM role for a service account: only the given
 * namespace/service-account pair, and only tokens minted for STS.
 */
export function irsaTrustPolicy(oidcProviderArn: string, oidcProviderUrl: string, namespace: string, serviceAccount: string): string {
    const issuer = oidcProviderUrl.replace(/^https:\/\//, "");
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    });
}

/** An IAM role that exactly one Kubernetes service account can assume (IRSA). */
export class IrsaRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:IrsaRole", name, {}, opts);

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `IRSA role for ${args.namespace}/${args.serviceAccount}`,
                assumeRolePolicy: pulumi
                    .all([args.oidcProviderArn, args.oidcProviderUrl])
                    .apply(([arn, url]) => irsaTrustPolicy(arn, url, args.namespace, args.serviceAccount)),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.id, policy: args.policyJson }, { parent: this });
        this.roleArn = this.role.arn;

        this.registerOutputs({ roleArn: this.roleArn });
    }
}
