import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IngressConfig } from "../config";
import { IrsaRole } from "./irsa";
import { albAnnotations } from "./ingress/annotations";
import { albController, albIngressClassName, controllerChart, controllerPolicyJson, controllerValues } from "./ingress/controller";
import { HOSTNAME_ANNOTATION } from "./dnsSources/annotations";
import { checkRoutes, IngressRoute } from "./ingress/routes";

export { appRoute, type BackendService, type GatewayBackend, type IngressRoute, kubeOpsViewRoutes } from "./ingress/routes";

export interface IngressArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly region: pulumi.Input<string>;
    /** Set explicitly in the controller's values; undefined for an existing cluster (the controller then asks instance metadata). */
    readonly vpcId: pulumi.Input<string | undefined>;
    /**
     * The cluster's IAM OIDC provider, for the controller's IRSA role. Pass a
     * plain `undefined` (existing-cluster mode) to install the controller
     * without IRSA: the node role or an EKS Pod Identity association must then
     * grant components/policies/aws-load-balancer-controller-iam-policy.json.
     */
    readonly oidcProviderArn: pulumi.Input<string | undefined>;
    readonly oidcProviderUrl: pulumi.Input<string | undefined>;
    readonly ingress: IngressConfig;
    /** Hostnames on the shared ALB; see appRoute and kubeOpsViewRoutes. */
    readonly routes: IngressRoute[];
}

function required(value: pulumi.Input<string | undefined>, field: string): pulumi.Output<string> {
    return pulumi.output(value).apply((v) => {
        if (!v) {
            throw new Error(
                `ingress: ${field} resolved to nothing, so the load balancer controller's IRSA role has no identity provider to trust; ` +
                    "pass a plain undefined for oidcProviderArn and oidcProviderUrl when the cluster has no IAM OIDC provider",
            );
        }
        return v;
    });
}

/**
 * The edge: the AWS Load Balancer Controller (Helm, IRSA), the `alb`
 * IngressClass, and one Ingress per route, all in one ALB group so every
 * hostname shares a single ALB that sends traffic straight to pod IPs.
 */
export class Ingress extends pulumi.ComponentResource {
    readonly controller: k8s.helm.v3.Release;
    /** Undefined when the controller runs without IRSA. */
    readonly controllerRole?: IrsaRole;
    readonly ingressClass: k8s.networking.v1.IngressClass;
    readonly ingresses: Record<string, k8s.networking.v1.Ingress>;
    /** Route name → public URL. */
    readonly urls: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:Ingress", name, {}, opts);
        checkRoutes(args.routes);
        const cfg = args.ingress;

        const withIrsa = args.oidcProviderArn !== undefined && args.oidcProviderUrl !== undefined;
        if (withIrsa) {
            this.controllerRole = new IrsaRole(
                `${name}-controller-irsa`,
                {
                    oidcProviderArn: required(args.oidcProviderArn, "oidcProviderArn"),
                    oidcProviderUrl: required(args.oidcProviderUrl, "oidcProviderUrl"),
                    namespace: controllerChart.namespace,
                    serviceAccount: controllerChart.serviceAccount,
                    policyJson: controllerPolicyJson,
                },
                { parent: this },
            );
        } else {
            pulumi.log.warn(
                "ingress: no OIDC provider, so the AWS Load Balancer Controller gets no IRSA role; grant its IAM policy " +
                    "(components/policies/aws-load-balancer-controller-iam-policy.json) to the node role or through EKS Pod Identity",
                this,
            );
        }

        this.controller = new k8s.helm.v3.Release(
            `${name}-controller`,
            {
                name: controllerChart.releaseName,
                chart: controllerChart.chart,
                version: cfg.controllerChartVersion,
                repositoryOpts: { repo: controllerChart.repo },
                namespace: controllerChart.namespace,
                values: pulumi
                    .all([args.clusterName, args.region, args.vpcId, this.controllerRole?.roleArn])
                    .apply(([clusterName, region, vpcId, roleArn]) => controllerValues({ clusterName, region, vpcId, roleArn })),
                // Wait for the pods: the controller's admission webhooks must
                // serve before the API server admits any Ingress.
                skipAwait: false,
                timeout: 600,
            },
            { parent: this, dependsOn: this.controllerRole ? [this.controllerRole] : [] },
        );

        // No IngressClassParams: the group and scheme are set per Ingress, and
        // a custom resource would need the chart's CRD and have no schema to
        // validate against offline.
        this.ingressClass = new k8s.networking.v1.IngressClass(
            `${name}-class`,
            { metadata: { name: albIngressClassName }, spec: { controller: albController } },
            { parent: this, dependsOn: [this.controller] },
        );

        this.ingresses = {};
        for (const route of args.routes) {
            const ingress = new k8s.networking.v1.Ingress(
                `${name}-${route.name}`,
                {
                    metadata: {
                        name: route.name,
                        namespace: route.namespace,
                        labels: { "app.kubernetes.io/part-of": "eks-ingress-mesh", "app.kubernetes.io/managed-by": "pulumi" },
                        // The hostname annotation makes the DNS sources (components/dnsSources) alias it to the ALB.
                        annotations: { ...albAnnotations(cfg, { path: route.healthCheckPath, port: route.healthCheckPort }), [HOSTNAME_ANNOTATION]: route.host },
                    },
                    spec: {
                        ingressClassName: albIngressClassName,
                        rules: [
                            {
                                host: route.host,
                                http: {
                                    paths: [
                                        {
                                            path: "/",
                                            pathType: "Prefix",
                                            backend: { service: { name: route.serviceName, port: { number: route.servicePort } } },
                                        },
                                    ],
                                },
                            },
                        ],
                    },
                },
                {
                    parent: this,
                    // After the controller on create (its webhook admits Ingresses) and
                    // before it on destroy: the controller's finalizer deletes the ALB,
                    // target groups and security groups only while it runs.
                    dependsOn: [this.controller, this.ingressClass, ...(route.dependsOn ?? [])],
                    // The name is fixed (DNS ownership markers and the ALB rules refer to it).
                    deleteBeforeReplace: true,
                },
            );
            this.ingresses[route.name] = ingress;
        }

        const scheme = cfg.certificateArn ? "https" : "http";
        this.urls = pulumi.output(Object.fromEntries(args.routes.map((r) => [r.name, `${scheme}://${r.host}/`])));

        this.registerOutputs({ urls: this.urls, controllerRoleArn: this.controllerRole?.roleArn });
    }
}
