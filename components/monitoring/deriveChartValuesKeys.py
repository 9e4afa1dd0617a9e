#!/usr/bin/env python3
"""Derives components/monitoring/chartValuesKeys.json from the charts' own files
(needs git and PyYAML). Key paths use "/" between keys (keys such as grafana.ini
contain dots); "[]" stands for the items of a list whose item schema is known.

Usage: python3 components/monitoring/deriveChartValuesKeys.py GRAFANA_HELM_CHARTS_GIT KIALI_HELM_CHARTS_GIT KIALI_OPERATOR_GIT > components/monitoring/chartValuesKeys.json
(each argument a git directory of github.com/grafana/helm-charts, kiali/helm-charts, kiali/kiali-operator)."""
import json, subprocess, sys, yaml

def show(git, rev, path):
    blob = subprocess.check_output(["git", "--git-dir", git, "rev-parse", f"{rev}:{path}"], text=True).strip()
    text = subprocess.check_output(["git", "--git-dir", git, "show", f"{rev}:{path}"], text=True)
    return blob, text

def values_paths(node, prefix, keys, open_maps):
    """Every key path of a values file; an empty map ({}) is a map the chart documents as free-form."""
    for k, v in node.items():
        p = f"{prefix}{k}"
        keys.add(p)
        if isinstance(v, dict):
            if v:
                values_paths(v, p + "/", keys, open_maps)
            else:
                open_maps.add(p)

def schema_paths(schema, prefix, keys, open_maps):
    """Every property path of an OpenAPI v3 schema; objects that admit unknown fields are free-form."""
    props = schema.get("properties") or {}
    if schema.get("x-kubernetes-preserve-unknown-fields") or isinstance(schema.get("additionalProperties"), dict) or schema.get("additionalProperties") is True:
        if prefix:
            open_maps.add(prefix.rstrip("/"))
    for k, v in props.items():
        p = f"{prefix}{k}"
        keys.add(p)
        if v.get("type") == "object" or "properties" in v:
            schema_paths(v, p + "/", keys, open_maps)
        elif v.get("type") == "array" and "properties" in (v.get("items") or {}):
            # Keys of the objects in a list: "<list>/[]/<key>".
            schema_paths(v["items"], p + "/[]/", keys, open_maps)

grafana_git, kiali_git, operator_git = sys.argv[1:4]
out = {"charts": {}}

g_rev, g_path = "grafana-9.2.2", "charts/grafana/values.yaml"
blob, text = show(grafana_git, g_rev, g_path)
keys, open_maps = set(), set()
values_paths(yaml.safe_load(text), "", keys, open_maps)
out["charts"]["grafana"] = {
    "version": "9.2.2",
    "sources": [{"repo": "grafana/helm-charts", "ref": g_rev, "path": g_path, "blob": blob, "read": "every key path of the values file; empty maps are free-form"}],
    "keys": sorted(keys),
    "openMaps": sorted(open_maps),
    # Not an empty map in values.yaml, but free-form all the same: templates/_config.tpl renders
    # every section and key of it into grafana.ini, so its keys are Grafana's settings, not the chart's.
    "openByTemplate": [{"path": "grafana.ini", "template": "charts/grafana/templates/_config.tpl"}],
}

k_rev, k_path = "v2.12.0", "kiali-server/values.yaml"
blob, text = show(kiali_git, k_rev, k_path)
keys, open_maps = set(), set()
values_paths(yaml.safe_load(text), "", keys, open_maps)
o_path = "crd-docs/crd/kiali.io_kialis.yaml"
oblob, otext = show(operator_git, k_rev, o_path)
crd = yaml.safe_load(otext)
spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
schema_paths(spec, "", keys, open_maps)
out["charts"]["kiali-server"] = {
    "version": "2.12.0",
    "sources": [
        {"repo": "kiali/helm-charts", "ref": k_rev, "path": k_path, "blob": blob, "read": "every key path of the values file; empty maps are free-form"},
        {"repo": "kiali/kiali-operator", "ref": k_rev, "path": o_path, "blob": oblob,
         "read": "every property path of the Kiali CR's spec schema: kiali-server's templates/configmap.yaml writes the whole of .Values into Kiali's config.yaml, so keys the values file leaves out (external_services.prometheus...) are Kiali config keys"},
    ],
    "keys": sorted(keys),
    "openMaps": sorted(open_maps),
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
