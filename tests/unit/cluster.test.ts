import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../../config";
import { Cluster } from "../../components/cluster";
import { irsaTrustPolicy, IrsaRole } from "../../components/irsa";
import { cidrSubnet, subnetLayout } from "../../components/subnets";
import { runUnderMocks, settle } from "../../synth/mockCloud";

const config = (raw: Record<string, unknown> = {}) => loadStackConfig({ domain: "example.com", ...raw }, { stack: "dev" });

describe("cluster layer", () => {
    describe("subnet layout", () => {
        it("carves /20 subnets out of a /16 like cidrsubnet()", () => {
            assert.strictEqual(cidrSubnet("10.20.0.0/16", 4, 0), "10.20.0.0/20");
            assert.strictEqual(cidrSubnet("10.20.0.0/16", 4, 9), "10.20.144.0/20");
            assert.deepStrictEqual(subnetLayout("10.0.0.0/16", 2), { public: ["10.0.0.0/20", "10.0.16.0/20"], private: ["10.0.128.0/20", "10.0.144.0/20"] });
        });
        it("refuses an index that does not fit", () => assert.throws(() => cidrSubnet("10.0.0.0/16", 4, 16), /does not fit/));
    });

    describe("new EKS cluster", () => {
        let run: Awaited<ReturnType<typeof runUnderMocks>>;
        let cluster: Cluster;
        before(async () => {
            run = await runUnderMocks(
                () => {
                    cluster = new Cluster("cluster", { cluster: config({ cluster: { minNodes: 1, desiredNodes: 3, maxNodes: 6, availabilityZoneCount: 3 } }).cluster });
                    return { oidcProviderArn: cluster.oidcProviderArn, kubeconfig: cluster.kubeconfig };
                },
                { config: {} },
            );
        });

        it("spreads public and private subnets over the configured AZs, tagged for ALB discovery", () => {
            const subnets = run.byType("aws:ec2/subnet:Subnet");
            const publicSubnets = subnets.filter((s) => s.inputs.tags["kubernetes.io/role/elb"] === "1");
            const privateSubnets = subnets.filter((s) => s.inputs.tags["kubernetes.io/role/internal-elb"] === "1");
            assert.strictEqual(publicSubnets.length, 3);
            assert.strictEqual(privateSubnets.length, 3);
            assert.strictEqual(new Set(subnets.map((s) => s.inputs.availabilityZone)).size, 3);
            for (const s of subnets) {
                assert.strictEqual(s.inputs.tags["kubernetes.io/cluster/eim-dev"], "shared", `${s.name} is tagged for the cluster`);
            }
            assert.ok(publicSubnets.every((s) => s.inputs.mapPublicIpOnLaunch === true));
        });

        it("routes the public tier through an internet gateway and the private tier through NAT", () => {
            const tables = run.byType("aws:ec2/routeTable:RouteTable");
            const pub = tables.find((t) => t.name.endsWith("public-rt"))!;
            const priv = tables.find((t) => t.name.endsWith("private-rt"))!;
            assert.match(pub.inputs.routes[0].gatewayId, /^igw-/);
            assert.match(priv.inputs.routes[0].natGatewayId, /^nat-/);
            assert.strictEqual(run.byType("aws:ec2/routeTableAssociation:RouteTableAssociation").length, 6);
        });

        it("creates the EKS cluster with an OIDC provider, in the VPC, without a default node group", () => {
            const eks = run.one("eks:index:Cluster");
            assert.strictEqual(eks.inputs.name, "eim-dev");
            assert.strictEqual(eks.inputs.createOidcProvider, true);
            assert.strictEqual(eks.inputs.skipDefaultNodeGroup, true);
            assert.match(eks.inputs.vpcId, /^vpc-/);
            assert.strictEqual(eks.inputs.privateSubnetIds.length, 3);
            assert.match(String(run.outputs.oidcProviderArn), /^arn:aws:iam::\d{12}:oidc-provider\/oidc\.eks\./);
        });

        it("sizes the managed node group from config and places it in private subnets", () => {
            const nodes = run.one("eks:index:ManagedNodeGroup");
            assert.deepStrictEqual(nodes.inputs.scalingConfig, { minSize: 1, desiredSize: 3, maxSize: 6 });
            assert.deepStrictEqual(nodes.inputs.instanceTypes, ["t3.large"]);
            const privateIds = run.byType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("private")).map((s) => s.id).sort();
            assert.deepStrictEqual([...nodes.inputs.subnetIds].sort(), privateIds);
        });

        it("installs the VPC CNI as a managed add-on and gives nodes the CNI policy", () => {
            const addon = run.one("aws:eks/addon:Addon");
            assert.strictEqual(addon.inputs.addonName, "vpc-cni");
            assert.strictEqual(addon.inputs.clusterName, "eim-dev");
            const policies = run.byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn);
            assert.ok(policies.includes("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"));
        });

        it("hands out the kubeconfig only as a secret", async () => {
            assert.strictEqual(await pulumi.isSecret(cluster.kubeconfig), true);
            const provider = run.one("pulumi:providers:kubernetes");
            assert.match(provider.inputs.kubeconfig, /"get-token","--cluster-name","eim-dev"/, "the provider gets the cluster's kubeconfig");
            assert.ok(run.secretValues.has(provider.inputs.kubeconfig), "and it reaches the provider as a secret");
        });
    });

    describe("existing cluster from cluster.kubeconfig", () => {
        it("creates no AWS resources at all, only the Kubernetes provider", async () => {
            const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://10.0.0.1'}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {}}]\n";
            let cluster: Cluster | undefined;
            const run = await runUnderMocks(() => {
                cluster = new Cluster("cluster", { cluster: config({ cluster: { kubeconfig } }).cluster });
            }, { config: {} });
            assert.deepStrictEqual(run.resources.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("eks:")), []);
            assert.strictEqual(run.one("pulumi:providers:kubernetes").inputs.kubeconfig, kubeconfig);
            assert.ok(run.secretValues.has(kubeconfig));
            assert.strictEqual(await pulumi.isSecret(cluster!.kubeconfig), true);
            assert.strictEqual(await settle(cluster!.oidcProviderArn), undefined);
        });
    });

    describe("IRSA role", () => {
        it("trusts exactly one service account, for STS only", async () => {
            const run = await runUnderMocks(() => {
                new IrsaRole("lbc", {
                    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/ABC",
                    oidcProviderUrl: "https://oidc.eks.ap-northeast-2.amazonaws.com/id/ABC",
                    namespace: "kube-system",
                    serviceAccount: "aws-load-balancer-controller",
                    policyJson: "{}",
                });
            }, { config: {} });
            const trust = JSON.parse(run.one("aws:iam/role:Role").inputs.assumeRolePolicy);
            const statement = trust.Statement[0];
            assert.strictEqual(statement.Action, "sts:AssumeRoleWithWebIdentity");
            assert.strictEqual(statement.Principal.Federated, "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/ABC");
            assert.deepStrictEqual(statement.Condition.StringEquals, {
                "oidc.eks.ap-northeast-2.amazonaws.com/id/ABC:sub": "system:serviceaccount:kube-system:aws-load-balancer-controller",
                "oidc.eks.ap-northeast-2.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
            });
            assert.strictEqual(run.one("aws:iam/rolePolicy:RolePolicy").inputs.policy, "{}");
        });
        it("accepts the issuer with or without https://", () => {
            assert.strictEqual(irsaTrustPolicy("a", "https://x/id/1", "ns", "sa"), irsaTrustPolicy("a", "x/id/1", "ns", "sa"));
        });
    });
});
