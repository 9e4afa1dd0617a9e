/**
 * eks-ingress-mesh: an EKS cluster's edge and service mesh, as code.
 *
 *   config     the stack's validated settings (config.ts)
 *   cluster    EKS + VPC + node group + VPC CNI + OIDC, or an existing cluster
 *   mesh       Istio, mTLS, resilience policies
 *   workloads  the demo app (stable + canary) and kube-ops-view
 *   monitoring Kiali and Grafana on the mesh's Prometheus (optional; hostnames become routes, so urls and DNS records)
 *   ingress    AWS Load Balancer Controller and ALB Ingresses in IP mode (the app's waits for the gateway)
 *   canary     the TrafficSplit, once the app and its Ingress exist (its gate needs their traffic)
 *   dns        Route53RecordSync: alias records for every Ingress host
 */
import { readStackConfig } from "./config";
import { Cluster } from "./components/cluster";
import { Dns } from "./components/dns";
import { appRoute, Ingress, kubeOpsViewRoutes } from "./components/ingress";
import { Mesh } from "./components/mesh";
import { Monitoring } from "./components/monitoring";
import { Workloads } from "./components/workloads";

export = async () => {
    const config = readStackConfig();

    const cluster = new Cluster("cluster", { cluster: config.cluster });
    const onCluster = { providers: { kubernetes: cluster.provider } };

    const mesh = new Mesh(
        "mesh",
        { mesh: config.mesh, app: config.app, canary: config.canary, resilience: config.resilience, kubeconfig: cluster.kubeconfig },
        onCluster,
    );

    const workloads = new Workloads(
        "workloads",
        { app: config.app, kubeOpsView: config.kubeOpsView, appNamespace: mesh.appNamespace },
        onCluster,
    );

    const monitoring = new Monitoring(
        "monitoring",
        { monitoring: config.monitoring, prometheus: mesh.prometheus, ingress: config.ingress, dependsOn: mesh.addonNeeds },
        onCluster,
    );

    const ingress = new Ingress(
        "ingress",
        {
            clusterName: cluster.clusterName,
            region: config.region,
            vpcId: cluster.vpcId,
            oidcProviderArn: config.cluster.kubeconfig ? undefined : cluster.oidcProviderArn,
            oidcProviderUrl: config.cluster.kubeconfig ? undefined : cluster.oidcProviderUrl,
            ingress: config.ingress,
            routes: [appRoute(config.app, mesh.gateway), ...kubeOpsViewRoutes(config.kubeOpsView, workloads.kubeOpsViewService), ...monitoring.routes],
        },
        onCluster,
    );

    const canary = mesh.splitTraffic({ after: [...workloads.app, ingress.ingresses.app] });

    const dns = new Dns("dns", {
        domain: config.domain,
        zoneId: config.dns.zoneId,
        ownerId: config.dns.ownerId,
        policy: config.dns.policy,
        txtPrefix: config.dns.txtPrefix,
        txtSuffix: config.dns.txtSuffix,
        markerCompat: config.dns.markerCompat,
        txtEncryptionKey: config.dns.txtEncryptionKey,
        records: ingress.records,
    });

    return {
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        vpcId: cluster.vpcId,
        oidcProviderArn: cluster.oidcProviderArn,
        urls: ingress.urls,
        fqdns: dns.fqdns,
        dnsSyncPolicy: dns.syncPolicyJson,
        canaryWeight: canary.canaryWeight,
        stableWeight: canary.stableWeight,
        ...monitoring.outputs,
    };
};
