// The preview summary: pure rendering of `pulumi preview --json` documents, and the CLI's argument and failure
// handling. Fixtures are real output of the project's CLI, trimmed (source positions, the serialized dynamic
// provider): local-go-edit-and-max-replicas.json is the local stack after an up, a Go edit and maxReplicas 3 → 5;
// update-and-replace.json and failed.json come from a small program that renders YAML.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { PreviewFailedError, UsageError, checkPreview, main, parseArgs } from "../../scripts/preview-summary/cli";
import { UNKNOWN_VALUE, parseDigest, parsePropertyPath } from "../../scripts/preview-summary/preview-json";
import { renderPreviewSummary } from "../../scripts/preview-summary/render";

const FIXTURES = path.resolve(__dirname, "..", "fixtures", "preview");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const render = (name: string) => renderPreviewSummary(parseDigest(fixture(name)), { stack: "local" });
const tableRow = (markdown: string, resource: string) => markdown.split("\n").find((line) => line.includes(`| \`${resource}\` |`));

describe("preview summary: rendering", () => {
    it("counts resources per operation", () => {
        const markdown = render("update-and-replace.json");
        assert.ok(markdown.startsWith("### Pulumi preview: `local`\n\n**1 to update, 1 to replace**, 2 unchanged.\n"), markdown);
        assert.ok(markdown.includes("| operation | resources |\n|---|---:|\n| update | 1 |\n| replace | 1 |\n| same | 2 |\n"), markdown);
    });

    it("lists each changed resource with its changed fields, old → new", () => {
        const markdown = render("update-and-replace.json");
        assert.equal(
            tableRow(markdown, "d"),
            "| `~` update | `d` | `kubernetes:apps/v1:Deployment` | `spec.replicas`: 1 → 3<br>`spec.template.spec.containers[0].image`: " +
            "`r/app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…` → `r/app@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb…` |",
        );
        assert.equal(tableRow(markdown, "cm"), "| `+-` replace | `cm` | `kubernetes:core/v1:ConfigMap` | `metadata.name`: `cm1` → `cm2` (forces replacement) |");
        assert.equal(tableRow(markdown, "shapeprobe-s"), undefined, "unchanged resources are only counted");
    });

    it("calls out an image digest change with both digests", () => {
        assert.ok(render("update-and-replace.json").includes(
            "#### Image digests\n\n- Deployment `d`, container `app`: `r/app@sha256:aaaaaaaaaaaa…` → `r/app@sha256:bbbbbbbbbbbb…`\n",
        ));
    });

    it("the local stack after a Go edit and a new maximum: three updates, the image rebuild called out", () => {
        const markdown = render("local-go-edit-and-max-replicas.json");
        assert.ok(markdown.includes("**3 to update**, 11 unchanged."));
        assert.ok(markdown.includes(
            "- GoServiceImage `app`: `sha256:094ce4399260…` (tag `src-94347b0b716c879262ed`) → new digest, known once built " +
            "(tag `src-b31570ddd4da095ccc9f`): the Go build inputs changed\n" +
            "- Deployment `goship-deployment`, container `app`: `127.0.0.1:5000/goship-e2e/fixture-433@sha256:094ce4399260…` → new digest, known after the image build\n",
        ), markdown);
        assert.equal(tableRow(markdown, "goship-hpa"), "| `~` update | `goship-hpa` | `kubernetes:autoscaling/v2:HorizontalPodAutoscaler` | `spec.maxReplicas`: 3 → 5 |");
        assert.match(tableRow(markdown, "goship-deployment")!, /\| `spec\.template\.spec\.containers\[0\]\.image`: `127\.0\.0\.1:5000\/goship-e2e\/fixture-433@sha256:094ce4399260.*` → \(known after update\) \|$/);
    });

    it("shows the changed inputs of a provider that gives no detailed diff (the image's dynamic provider)", () => {
        assert.equal(
            tableRow(render("local-go-edit-and-max-replicas.json"), "app"),
            "| `~` update | `app` | `pulumi-nodejs:dynamic/goship:GoServiceImageBuild` | " +
            "`contentHash`: `94347b0b716c879262edcf3a281588bdb01c3f373f637182ee90dd28084d0ac4` → `b31570ddd4da095ccc9f5a6b1f42e4cab2862c3424cd3b3d7b156e03d443cf30` (inputs)<br>" +
            "`tag`: `src-94347b0b716c879262ed` → `src-b31570ddd4da095ccc9f` (inputs) |",
        );
    });

    it("lists the engine's warnings", () => {
        const markdown = renderPreviewSummary({
            steps: [],
            diagnostics: [
                { urn: "urn:pulumi:dev::goship::kubernetes:apps/v1:Deployment::web", message: "warning: a deprecated field\nsecond line\n", severity: "warning" },
                { message: "info only", severity: "info" },
            ],
        }, { stack: "dev" });
        assert.ok(markdown.includes("#### Warnings\n\n- web: a deprecated field\n    second line\n"), markdown);
        assert.ok(!markdown.includes("info only"));
    });

    it("says so when nothing changes, and lists no changes", () => {
        const markdown = renderPreviewSummary({ steps: [], changeSummary: { same: 14 } }, { stack: "dev" });
        assert.ok(markdown.includes("**No changes** (14 unchanged)."));
        assert.ok(!markdown.includes("#### Changes"));
    });

    it("marks added and removed fields, creates and deletes, secrets, and providers without a detailed diff", () => {
        const urn = (name: string) => `urn:pulumi:dev::goship::kubernetes:core/v1:Secret::${name}`;
        const markdown = renderPreviewSummary({
            steps: [
                { op: "create", urn: urn("new") },
                { op: "delete", urn: urn("old") },
                {
                    op: "update",
                    urn: urn("changed"),
                    oldState: { inputs: { stringData: "[secret]", metadata: { labels: { a: "1" } } } },
                    newState: { inputs: { stringData: "[secret]", metadata: { annotations: { "example.com/x.y": "z" } } } },
                    detailedDiff: {
                        "stringData": { kind: "update" },
                        "metadata.labels": { kind: "delete" },
                        "metadata.annotations[\"example.com/x.y\"]": { kind: "add" },
                    },
                },
                { op: "update", urn: urn("opaque"), diffReasons: ["data"] },
            ],
        }, { stack: "dev" });
        assert.ok(markdown.includes("**1 to create, 2 to update, 1 to delete**, 0 unchanged."), markdown);
        assert.equal(tableRow(markdown, "new"), "| `+` create | `new` | `kubernetes:core/v1:Secret` | (new resource) |");
        assert.equal(tableRow(markdown, "old"), "| `-` delete | `old` | `kubernetes:core/v1:Secret` | (removed) |");
        assert.equal(
            tableRow(markdown, "changed"),
            "| `~` update | `changed` | `kubernetes:core/v1:Secret` | `metadata.annotations[\"example.com/x.y\"]`: `z` (added)<br>" +
            "`metadata.labels`: {\"a\":\"1\"} (removed)<br>`stringData`: [secret] → [secret] |",
        );
        assert.equal(tableRow(markdown, "opaque"), "| `~` update | `opaque` | `kubernetes:core/v1:Secret` | `data` |");
    });

    it("escapes table-breaking characters in values", () => {
        const markdown = renderPreviewSummary({
            steps: [{
                op: "update",
                urn: "urn:pulumi:dev::goship::kubernetes:core/v1:ConfigMap::cm",
                oldState: { inputs: { data: { q: "a|b" } } },
                newState: { inputs: { data: { q: "a`b\nc" } } },
                detailedDiff: { "data.q": { kind: "update" } },
            }],
        }, { stack: "dev" });
        assert.equal(tableRow(markdown, "cm"), "| `~` update | `cm` | `kubernetes:core/v1:ConfigMap` | `data.q`: `a\\|b` → `a'b c` |");
    });
});

describe("preview summary: canary releases", () => {
    const urn = "urn:pulumi:local::goship::goship:index:WebService$pulumi-nodejs:dynamic/goship:CanaryVerdict::goship-canary-verdict";
    const verdict = (image: unknown, extra: Record<string, unknown> = {}) => ({
        namespace: "goship", name: "goship", revision: "r", timeoutSeconds: 900, image,
        summary: "steps 5→20→100 %, P99 ≤ 800 ms, errors ≤ 1 %, ≥ 20 requests/step", ...extra,
    });
    const oldImage = `127.0.0.1:5000/goship@sha256:${"a".repeat(64)}`;
    const newImage = `127.0.0.1:5000/goship@sha256:${"b".repeat(64)}`;

    it("says an update runs an analysis, between which digests, with which steps and gates", () => {
        const markdown = renderPreviewSummary({
            steps: [{ op: "update", urn, oldState: { inputs: verdict(oldImage, { revision: "r1" }) }, newState: { inputs: verdict(newImage, { revision: "r2" }) } }],
        }, { stack: "local" });
        assert.ok(markdown.includes("#### Canary releases\n\n- canary analysis will run for `goship/goship`: `127.0.0.1:5000/goship@sha256:aaaaaaaaaaaa…` → " +
            "`127.0.0.1:5000/goship@sha256:bbbbbbbbbbbb…` (steps 5→20→100 %, P99 ≤ 800 ms, errors ≤ 1 %, ≥ 20 requests/step)\n"), markdown);
    });

    it("says when the new digest is known only after the image build", () => {
        const markdown = renderPreviewSummary({
            steps: [{ op: "update", urn, oldState: { inputs: verdict(oldImage) }, newState: { inputs: verdict(UNKNOWN_VALUE, { revision: UNKNOWN_VALUE }) } }],
        }, { stack: "local" });
        assert.ok(markdown.includes("- canary analysis will run for `goship/goship`: `127.0.0.1:5000/goship@sha256:aaaaaaaaaaaa…` → new digest, known after the image build ("), markdown);
    });

    it("says a create is a first release, with no analysis", () => {
        const markdown = renderPreviewSummary({ steps: [{ op: "create", urn, newState: { inputs: verdict(newImage) } }] }, { stack: "local" });
        assert.ok(markdown.includes("- canary delivery starts for `goship/goship` with `127.0.0.1:5000/goship@sha256:bbbbbbbbbbbb…`; no analysis on the first release " +
            "(later releases: steps 5→20→100 %, P99 ≤ 800 ms, errors ≤ 1 %, ≥ 20 requests/step)\n"), markdown);
    });

    it("has no canary section when no verdict changes", () => {
        assert.ok(!render("local-go-edit-and-max-replicas.json").includes("Canary releases"));
        assert.ok(!renderPreviewSummary({ steps: [{ op: "same", urn, newState: { inputs: verdict(newImage) } }] }, { stack: "local" }).includes("Canary releases"));
    });
});

describe("preview summary: property paths", () => {
    it("splits dotted, indexed and quoted segments", () => {
        assert.deepEqual(parsePropertyPath("spec.template.spec.containers[0].image"), ["spec", "template", "spec", "containers", 0, "image"]);
        assert.deepEqual(parsePropertyPath("metadata.annotations[\"pulumi.com/waitFor\"]"), ["metadata", "annotations", "pulumi.com/waitFor"]);
        assert.deepEqual(parsePropertyPath("a[\"x]y\"].b"), ["a", "x]y", "b"]);
    });
});

describe("preview summary: CLI", () => {
    it("requires --stack and rejects unknown arguments", () => {
        assert.throws(() => parseArgs([]), UsageError);
        assert.throws(() => parseArgs(["--stack", "local", "--bogus"]), /unknown argument --bogus/);
        assert.throws(() => parseArgs(["--stack"]), /--stack needs a value/);
    });

    it("runs the project's toolchain by default, another CLI with --pulumi, and passes extra preview arguments", () => {
        const byDefault = parseArgs(["--stack", "local"]);
        assert.equal(byDefault.pulumi[0], "bash");
        assert.ok(byDefault.pulumi[1].endsWith(path.join("scripts", "toolchain", "pulumi-run.sh")));
        const ci = parseArgs(["--stack", "dev", "--pulumi", "pulumi", "--", "--policy-pack", "policy"]);
        assert.deepEqual([ci.pulumi, ci.previewArgs], [["pulumi"], ["--policy-pack", "policy"]]);
    });

    it("fails with the engine's diagnostics when the preview failed", () => {
        assert.throws(
            () => checkPreview(fixture("failed.json"), "", 255, "local"),
            (error: Error) => error instanceof PreviewFailedError &&
                error.message.startsWith("pulumi preview of stack local failed (exit 255).\nThe engine reported:\n  - Running program '/work/project/index.ts' failed") &&
                error.message.includes("error TS5110"),
        );
    });

    it("fails with stderr when the output is not a preview document (e.g. the toolchain is missing)", () => {
        assert.throws(
            () => checkPreview("", "error: the Pulumi toolchain ... is not built\n", 1, "local"),
            /failed \(exit 1\)\.\nstderr:\nerror: the Pulumi toolchain \.\.\. is not built\nstdout was not a preview document:\n\(empty\)/,
        );
    });

    it("fails on a non-zero exit even when the document has no error diagnostic", () => {
        assert.throws(() => checkPreview(JSON.stringify({ steps: [] }), "policy violations", 255, "local"), /failed \(exit 255\)\.\nstderr:\npolicy violations/);
    });

    it("renders a saved document to a file", () => {
        const out = path.join(fs.mkdtempSync(path.join(require("os").tmpdir(), "summary-")), "summary.md");
        assert.equal(main(["--stack", "local", "--from-json", path.join(FIXTURES, "update-and-replace.json"), "--out", out]), 0);
        assert.equal(fs.readFileSync(out, "utf8"), render("update-and-replace.json"));
    });
});
