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
 *   user       your own objects (userResources.ts); annotate them to get records
 *   dns        record sync (Route53, Azure DNS or Cloud DNS) for every annotated Service and Ingress (dnsSources) and dns.records
 */
import { readStackConfig } from "./config";
import { Cluster } from "./components/cluster";
import { Dns } from "./components/dns";
import { appRoute, Ingress, kubeOpsViewRoutes } from "./components/ingress";
import { Mesh } from "./components/mesh";
import { Monitoring } from "./components/monitoring";
import { Workloads } from "./components/workloads";
import { DnsSources } from "./components/dnsSources/collector";
import { withStackWeight } from "./components/dnsSources/stackWeight";
import { staticRecordInputs } from "./config/dnsRecords";
import { declareUserResources, UserResources } from "./userResources";

export = async (userResources: UserResources = declareUserResources) => {
    const config = readStackConfig();
    // Before any Service or Ingress is declared: it collects the annotated ones.
    const dnsSources = new DnsSources(config.domain);

    const cluster = new Cluster("cluster", { cluster: config.cluster });
    const onCluster = { providers: { kubernetes: cluster.provider } };

    const mesh = new Mesh(
        "mesh",
        { mesh: config.mesh, app: config.app, canary: config.canary, resilience: config.resilience, kubeconfig: cluster.kubeconfig },
        onCluster,
    );

    const workloads = new Workloads(
        "workloads",
        { app: config.app, kubeOpsView: config.kubeOpsView, appNamespace: mesh.appNamespace, loadBalancerScheme: config.ingress.scheme },
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

    userResources({ config, kubernetes: cluster.provider });

    const staticRecords = staticRecordInputs(config.dns.records);
    const dns = new Dns("dns", {
        domain: config.domain,
        zoneId: config.dns.zoneId,
        ownerId: config.dns.ownerId,
        policy: config.dns.policy,
        txtPrefix: config.dns.txtPrefix,
        txtSuffix: config.dns.txtSuffix,
        markerCompat: config.dns.markerCompat,
        txtEncryptionKey: config.dns.txtEncryptionKey,
        maxWeightStep: config.dns.maxWeightStep,
        assumeRole: config.dns.assumeRoleArn ? { roleArn: config.dns.assumeRoleArn, externalId: config.dns.externalId } : undefined,
        provider: config.dns.provider,
        azure: config.dns.azure,
        google: config.dns.google,
        records: [],
        passThrough: {
            records: dnsSources.records.apply((sourced) => [...staticRecords, ...withStackWeight(sourced, config.dns)]),
            names: dnsSources.hostnames.apply((names) => [...staticRecords.map((r) => r.name), ...names]),
        },
    });
    dnsSources.seal();

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
