import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "../config";
import { Network } from "./network";

export interface ClusterArgs {
    /** Size, version and networking of the cluster; `kubeconfig` selects an existing cluster instead. */
    readonly cluster: ClusterConfig;
}

const nodePolicies = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    // The VPC CNI runs on the nodes and assigns pod IPs from the VPC, which ALB IP targets need.
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
];

const ec2TrustPolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * The Kubernetes cluster every other layer runs on: either a new EKS cluster
 * (VPC, managed node group, VPC CNI add-on, OIDC provider for IRSA) or, when
 * `cluster.kubeconfig` is set, an existing cluster and no AWS resources at all.
 */
export class Cluster extends pulumi.ComponentResource {
    /**
     * Kubernetes provider for the other layers. On a new cluster it depends on
     * the managed node group, so nothing is installed before there are nodes
     * to schedule it on (Helm releases wait for their pods), and on destroy
     * every Kubernetes object, the load balancer controller included, goes
     * before the nodes do.
     */
    readonly provider: k8s.Provider;
    /** The managed node group; undefined for an existing cluster. */
    readonly nodeGroup?: eks.ManagedNodeGroup;
    /** Always a secret. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly vpcId: pulumi.Output<string | undefined>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly oidcProviderArn: pulumi.Output<string | undefined>;
    readonly oidcProviderUrl: pulumi.Output<string | undefined>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:Cluster", name, {}, opts);
        const cfg = args.cluster;

        if (cfg.kubeconfig) {
            this.kubeconfig = pulumi.secret(cfg.kubeconfig);
            this.clusterName = pulumi.output(cfg.name);
            this.vpcId = pulumi.output(undefined);
            this.publicSubnetIds = pulumi.output([]);
            this.privateSubnetIds = pulumi.output([]);
            this.oidcProviderArn = pulumi.output(undefined);
            this.oidcProviderUrl = pulumi.output(undefined);
        } else {
            const network = new Network(
                `${name}-network`,
                { clusterName: cfg.name, cidrBlock: cfg.vpcCidr, availabilityZoneCount: cfg.availabilityZoneCount },
                { parent: this },
            );

            const nodeRole = new aws.iam.Role(`${name}-node-role`, { assumeRolePolicy: ec2TrustPolicy }, { parent: this });
            const attachments = nodePolicies.map(
                (policyArn) =>
                    new aws.iam.RolePolicyAttachment(
                        `${name}-node-${policyArn.split("/").pop()}`,
                        { role: nodeRole.name, policyArn },
                        { parent: this },
                    ),
            );

            const eksCluster = new eks.Cluster(
                `${name}-eks`,
                {
                    name: cfg.name,
                    version: cfg.version,
                    vpcId: network.vpcId,
                    publicSubnetIds: network.publicSubnetIds,
                    privateSubnetIds: network.privateSubnetIds,
                    skipDefaultNodeGroup: true,
                    instanceRoles: [nodeRole],
                    createOidcProvider: true,
                    // The VPC CNI is managed below as an EKS add-on rather than by this component.
                    useDefaultVpcCni: true,
                    enabledClusterLogTypes: ["api", "audit", "authenticator"],
                },
                { parent: this },
            );

            new aws.eks.Addon(
                `${name}-vpc-cni`,
                {
                    clusterName: cfg.name,
                    addonName: "vpc-cni",
                    // Take over the self-managed aws-node DaemonSet EKS installs at creation.
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "PRESERVE",
                },
                { parent: this, dependsOn: [eksCluster] },
            );

            this.nodeGroup = new eks.ManagedNodeGroup(
                `${name}-nodes`,
                {
                    cluster: eksCluster,
                    nodeRole,
                    subnetIds: network.privateSubnetIds,
                    instanceTypes: [cfg.nodeInstanceType],
                    scalingConfig: { minSize: cfg.minNodes, desiredSize: cfg.desiredNodes, maxSize: cfg.maxNodes },
                    labels: { "eks-ingress-mesh/pool": "default" },
                },
                { parent: this, dependsOn: attachments },
            );

            this.kubeconfig = pulumi.secret(eksCluster.kubeconfigJson);
            this.clusterName = pulumi.output(cfg.name);
            this.vpcId = network.vpcId;
            this.publicSubnetIds = pulumi.all(network.publicSubnetIds);
            this.privateSubnetIds = pulumi.all(network.privateSubnetIds);
            this.oidcProviderArn = eksCluster.oidcProviderArn;
            this.oidcProviderUrl = eksCluster.oidcProviderUrl;
        }

        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this, dependsOn: this.nodeGroup ? [this.nodeGroup] : [] },
        );

        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            clusterName: this.clusterName,
            vpcId: this.vpcId,
            oidcProviderArn: this.oidcProviderArn,
            oidcProviderUrl: this.oidcProviderUrl,
        });
    }
}
