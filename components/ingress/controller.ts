/**
 * What the AWS Load Balancer Controller is installed from and with: chart
 * coordinates, the service account IRSA trusts, the reviewed IAM policy, and
 * the chart values (pure, so tests check them without a cluster).
 */
import policyDocument from "../policies/aws-load-balancer-controller-iam-policy.json";

export const controllerChart = {
    repo: "https://aws.github.io/eks-charts",
    chart: "aws-load-balancer-controller",
    /** Helm release name: fixes the Deployment, webhook Service and service account names. */
    releaseName: "aws-load-balancer-controller",
    namespace: "kube-system",
    serviceAccount: "aws-load-balancer-controller",
} as const;

/** The controller's own name for itself in IngressClass.spec.controller. */
export const albController = "ingress.k8s.aws/alb";
export const albIngressClassName = "alb";

/**
 * The controller's documented IAM policy (docs/install/iam_policy.json of
 * controller v2.13.4, which chart 1.13.4 installs), kept as a reviewed file.
 * Compact JSON: 5.2k characters, below both the 6,144 managed-policy and the
 * 10,240 inline-role-policy limits.
 */
export const controllerPolicyJson: string = JSON.stringify(policyDocument);

export interface ControllerValuesArgs {
    readonly clusterName: string;
    readonly region: string;
    /** Unset only for an existing cluster; the controller then asks EC2 instance metadata. */
    readonly vpcId?: string;
    /** IRSA role; unset when the cluster has no OIDC provider (node role or EKS Pod Identity must grant the policy). */
    readonly roleArn?: string;
    readonly replicaCount?: number;
}

/** Helm values of the aws-load-balancer-controller chart. */
export function controllerValues(args: ControllerValuesArgs): Record<string, unknown> {
    return {
        // Set explicitly rather than discovered from instance metadata, which
        // pods cannot reach when nodes enforce IMDSv2 with a hop limit of 1.
        clusterName: args.clusterName,
        region: args.region,
        ...(args.vpcId ? { vpcId: args.vpcId } : {}),
        replicaCount: args.replicaCount ?? 2,
        podDisruptionBudget: { maxUnavailable: 1 },
        serviceAccount: {
            create: true,
            name: controllerChart.serviceAccount,
            annotations: args.roleArn ? { "eks.amazonaws.com/role-arn": args.roleArn } : {},
        },
        // The IngressClass is this program's own resource, not the chart's;
        // group and scheme come from each Ingress's annotations, not from
        // IngressClassParams.
        createIngressClassResource: false,
        ingressClassParams: { create: false },
        ingressClass: albIngressClassName,
        defaultTargetType: "ip",
        // This webhook would make the controller the default for every new
        // Service of type LoadBalancer in the cluster (it injects an NLB
        // loadBalancerClass) and, with failurePolicy Fail, block creating such
        // Services whenever the controller is down. This program only uses
        // Ingress, so it must not take over other Services.
        enableServiceMutatorWebhook: false,
        resources: {
            requests: { cpu: "100m", memory: "128Mi" },
            limits: { memory: "256Mi" },
        },
    };
}
