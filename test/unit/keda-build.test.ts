// The local cluster's KEDA is built with only the scalers of the trigger types goship's components accept
// (scripts/cluster/build-addons.sh build_keda, scripts/cluster/keda/scalers_builder.go). These keep the three lists
// (the components', the trimmed builder's switch, the scaler files the build keeps) from drifting apart, and the
// install overlay's promises (our images, no pulls, KEDA's own certificates) from being edited away.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { KEDA_TRIGGER_TYPES } from "../../components/web-service/types";
import { PROJECT_DIR } from "../helpers/stack-config";

const CLUSTER = path.join(PROJECT_DIR, "scripts", "cluster");
const read = (file: string): string => fs.readFileSync(path.join(CLUSTER, file), "utf8");
const builder = read("keda/scalers_builder.go");
const buildScript = read("build-addons.sh");
const sorted = (values: readonly string[]): string[] => [...values].sort();

/** The `case "…":` labels of buildScaler's switch. */
function builtTypes(): string[] {
    const body = builder.slice(builder.indexOf("// TRIGGERS-START"), builder.indexOf("// TRIGGERS-END"));
    assert.ok(body.length > 0, "scalers_builder.go keeps upstream's TRIGGERS-START/END markers around the switch");
    return [...body.matchAll(/case "([^"]+)":/g)].map((m) => m[1]);
}

/** Scaler file of a trigger type, by KEDA's naming (cpu and memory share one). */
const scalerFile = (type: string): string => (type === "cpu" || type === "memory" ? "cpu_memory_scaler.go" : `${type}_scaler.go`);

describe("KEDA trimmed build", () => {
    it("builds a scaler for exactly the trigger types the components accept", () => {
        assert.deepEqual(sorted(builtTypes()), sorted(KEDA_TRIGGER_TYPES));
    });

    it("names the built types in its error for any other type", () => {
        const listed = /builtTriggerTypes = "([^"]+)"/.exec(builder)?.[1];
        assert.ok(listed, "builtTriggerTypes is declared");
        assert.deepEqual(listed.split(", "), sorted(KEDA_TRIGGER_TYPES));
        assert.match(builder, /default:\n\t\treturn nil, fmt\.Errorf\("no scaler found for type: %s \(this KEDA is goship's trimmed build.*builtTriggerTypes\)/);
    });

    it("keeps the scaler file of every built type, the Scaler interface, and nothing else", () => {
        const kept = /^KEDA_SCALER_FILES=\(([^)]*)\)$/m.exec(buildScript)?.[1].split(" ");
        assert.ok(kept, "build-addons.sh declares KEDA_SCALER_FILES=(...)");
        assert.deepEqual(sorted(kept), sorted([...new Set(["scaler.go", ...KEDA_TRIGGER_TYPES.map(scalerFile)])]));
    });
});

describe("KEDA install overlay", () => {
    const overlay = parse(read("manifests/keda/kustomization.yaml"));
    const patchOf = (kind: string, name: string): string => {
        const found = overlay.patches.filter((p: any) => p.target.kind === kind && p.target.name === name);
        assert.equal(found.length, 1, `one patch for ${kind} ${name}`);
        return found[0].patch;
    };

    it("leaves the CRDs out (addons.sh applies them server-side) and takes the rest of the module's config/", () => {
        assert.deepEqual(sorted(overlay.resources),
            sorted(["config/general", "config/service_account", "config/rbac", "config/manager", "config/metrics-server", "config/webhooks"]));
    });

    it("replaces every upstream image by ours, never pulled, with requests and a memory limit", () => {
        assert.deepEqual(sorted(overlay.images.map((i: any) => i.name)),
            ["ghcr.io/kedacore/keda", "ghcr.io/kedacore/keda-admission-webhooks", "ghcr.io/kedacore/keda-metrics-apiserver"]);
        for (const image of overlay.images) assert.match(image.newName, /^@KEDA_[A-Z]+_IMAGE_NAME@$/);
        for (const name of ["keda-operator", "keda-metrics-apiserver", "keda-admission"]) {
            const patch = parse(patchOf("Deployment", name));
            const pull = patch.find((op: any) => op.path === "/spec/template/spec/containers/0/imagePullPolicy");
            assert.deepEqual(pull, { op: "replace", path: "/spec/template/spec/containers/0/imagePullPolicy", value: "Never" }, name);
            const resources = patch.find((op: any) => op.path === "/spec/template/spec/containers/0/resources")?.value;
            assert.ok(resources?.requests?.cpu && resources?.requests?.memory && resources?.limits?.memory, `${name}: requests and a memory limit`);
        }
    });

    it("keeps KEDA's certificate rotation on, so nothing needs cert-manager", () => {
        const patch = parse(patchOf("Deployment", "keda-operator"));
        assert.ok(patch.some((op: any) => op.op === "test" && op.value === "--enable-cert-rotation=true"));
    });
});
