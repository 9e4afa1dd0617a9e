import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subnetLayout } from "./subnets";

export interface NetworkArgs {
    /** Name of the EKS cluster that will use the VPC; tags subnets for its load balancers. */
    readonly clusterName: string;
    /** IPv4 CIDR of the VPC, e.g. `10.0.0.0/16`. */
    readonly cidrBlock: string;
    /** How many availability zones get a public and a private subnet (at least two for EKS). */
    readonly availabilityZoneCount: number;
}

/**
 * The cluster VPC: a public and a private subnet per availability zone, an
 * internet gateway for the public tier and a NAT gateway for the private one.
 * Subnets carry the tags the AWS Load Balancer Controller uses to discover
 * where internet-facing and internal ALBs go.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:Network", name, {}, opts);
        const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
        const layout = subnetLayout(args.cidrBlock, args.availabilityZoneCount);
        const zones = aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names;

        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            { cidrBlock: args.cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc`, ...clusterTag } },
            { parent: this },
        );
        const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, { parent: this });

        /** One subnet per AZ for a tier, all sharing the tier's route table. */
        const tier = (kind: "public" | "private", cidrs: string[], route: aws.types.input.ec2.RouteTableRoute, tags: Record<string, string>) => {
            const routes = new aws.ec2.RouteTable(`${name}-${kind}-rt`, { vpcId: vpc.id, routes: [route], tags: { Name: `${name}-${kind}` } }, { parent: this });
            return cidrs.map((cidrBlock, i) => {
                const subnet = new aws.ec2.Subnet(
                    `${name}-${kind}-${i}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock,
                        availabilityZone: zones[i],
                        mapPublicIpOnLaunch: kind === "public",
                        tags: { Name: `${name}-${kind}-${i}`, ...tags, ...clusterTag },
                    },
                    { parent: this },
                );
                new aws.ec2.RouteTableAssociation(`${name}-${kind}-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, { parent: this });
                return subnet;
            });
        };

        const publicSubnets = tier("public", layout.public, { cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }, { "kubernetes.io/role/elb": "1" });
        // One NAT gateway keeps a dev stack cheap; private subnets lose egress (not ingress) if its AZ fails.
        const natAddress = new aws.ec2.Eip(`${name}-nat-eip`, { domain: "vpc", tags: { Name: `${name}-nat` } }, { parent: this });
        const natGateway = new aws.ec2.NatGateway(
            `${name}-nat`,
            { subnetId: publicSubnets[0].id, allocationId: natAddress.id, tags: { Name: `${name}-nat` } },
            { parent: this, dependsOn: [internetGateway] },
        );
        const privateSubnets = tier("private", layout.private, { cidrBlock: "0.0.0.0/0", natGatewayId: natGateway.id }, { "kubernetes.io/role/internal-elb": "1" });

        this.vpcId = vpc.id;
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
    }
}
