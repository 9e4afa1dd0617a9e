import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppConfig, KubeOpsViewConfig } from "../config";
import { appPort, appVersions, configMapArgs, deploymentArgs, serviceArgs } from "./workloads/demoApp";
import { kubeOpsViewChart, kubeOpsViewServiceArgs, kubeOpsViewValues } from "./workloads/kubeOpsView";
import { HELM_TIMEOUT_SECONDS } from "./mesh/istio";

export interface WorkloadsArgs {
    /** Images, replicas and hostname of the demo app. */
    readonly app: AppConfig;
    /** Whether and how kube-ops-view is installed. */
    readonly kubeOpsView: KubeOpsViewConfig;
    /** Namespace of the demo app; the mesh layer creates it and labels it for sidecar injection. */
    readonly appNamespace: pulumi.Input<string>;
    /** Scheme of kube-ops-view's NLB when `kubeOpsView.expose` is "service"; default "internet-facing". */
    readonly loadBalancerScheme?: pulumi.Input<string>;
}

/** A Service other layers route to. */
export interface ServiceRef {
    readonly namespace: pulumi.Input<string>;
    readonly name: pulumi.Input<string>;
    readonly port: number;
    /** What creates the Service: route to it only after these exist. */
    readonly dependsOn: pulumi.Resource[];
}

/**
 * What runs behind the edge: the demo app (stable and canary nginx
 * Deployments behind one Service) and, optionally, kube-ops-view.
 */
export class Workloads extends pulumi.ComponentResource {
    readonly appService: ServiceRef;
    /** Undefined when kube-ops-view is disabled. */
    readonly kubeOpsViewService?: ServiceRef;
    readonly deployments: Record<string, k8s.apps.v1.Deployment>;
    /** The app's Deployments and Service: the canary split waits for these, so both subsets have endpoints. */
    readonly app: pulumi.Resource[];
    readonly kubeOpsView?: k8s.helm.v3.Release;
    /** kube-ops-view's own NLB Service (`kubeOpsView.expose: service`). */
    readonly kubeOpsViewLoadBalancer?: k8s.core.v1.Service;

    constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-ingress-mesh:index:Workloads", name, {}, opts);

        this.deployments = {};
        for (const version of appVersions) {
            const config = new k8s.core.v1.ConfigMap(`${name}-app-${version}-config`, configMapArgs(version, args.appNamespace), { parent: this });
            const image = version === "stable" ? args.app.stableImage : args.app.canaryImage;
            this.deployments[version] = new k8s.apps.v1.Deployment(
                `${name}-app-${version}`,
                deploymentArgs(version, image, args.app.replicas, args.appNamespace),
                { parent: this, dependsOn: [config] },
            );
        }
        const service = new k8s.core.v1.Service(`${name}-app`, serviceArgs(args.appNamespace), { parent: this });
        this.app = [...Object.values(this.deployments), service];
        this.appService = {
            namespace: service.metadata.namespace,
            name: service.metadata.name,
            port: appPort,
            dependsOn: [service],
        };

        if (args.kubeOpsView.enabled) {
            this.kubeOpsView = new k8s.helm.v3.Release(
                `${name}-kube-ops-view`,
                {
                    name: kubeOpsViewChart.releaseName,
                    chart: kubeOpsViewChart.chart,
                    version: kubeOpsViewChart.version,
                    repositoryOpts: { repo: kubeOpsViewChart.repo },
                    namespace: kubeOpsViewChart.namespace,
                    values: kubeOpsViewValues(args.kubeOpsView),
                    skipAwait: false,
                    timeout: HELM_TIMEOUT_SECONDS,
                },
                { parent: this },
            );
            if (args.kubeOpsView.expose === "service") {
                this.kubeOpsViewLoadBalancer = new k8s.core.v1.Service(
                    `${name}-kube-ops-view-nlb`,
                    kubeOpsViewServiceArgs(args.kubeOpsView, args.loadBalancerScheme ?? "internet-facing"),
                    { parent: this, dependsOn: [this.kubeOpsView] },
                );
            }
            this.kubeOpsViewService = {
                namespace: kubeOpsViewChart.namespace,
                name: kubeOpsViewChart.serviceName,
                port: kubeOpsViewChart.servicePort,
                dependsOn: [this.kubeOpsView],
            };
        }

        this.registerOutputs({
            appService: { namespace: this.appService.namespace, name: this.appService.name, port: this.appService.port },
            kubeOpsViewService: this.kubeOpsViewService && {
                namespace: this.kubeOpsViewService.namespace,
                name: this.kubeOpsViewService.name,
                port: this.kubeOpsViewService.port,
            },
        });
    }
}
