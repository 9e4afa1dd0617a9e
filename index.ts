/**
 * eks-ingress-mesh: an EKS cluster's edge and service mesh.
 *
 *   config  →  cluster  →  mesh (Istio, canary TrafficSplit)
 *                       →  workloads (demo app, kube-ops-view)
 *                       →  ingress (AWS Load Balancer Controller, ALB Ingresses)
 *                       →  dns (Route53RecordSync for the Ingress hosts)
 */
import { readStackConfig } from "./config";
import { Cluster } from "./components/cluster";

export = async () => {
    const config = readStackConfig();

    const cluster = new Cluster("cluster", { cluster: config.cluster });

    return {
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        vpcId: cluster.vpcId,
        oidcProviderArn: cluster.oidcProviderArn,
    };
};
