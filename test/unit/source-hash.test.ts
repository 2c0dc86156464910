import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { BuildInputs, goImports, hashBuildInputs, imageContentHash } from "../../components/image/source-hash";
import { writeGoFixture } from "../helpers/go-fixture";
import { PROJECT_DIR } from "../helpers/stack-config";

const inputs = (context: string, overrides: Partial<BuildInputs> = {}): BuildInputs => ({
    context, dockerfile: "Dockerfile", mainPackage: "./cmd/server", buildArgs: { BUILDER_IMAGE: "golang:1.26" }, platform: "linux/amd64", ...overrides,
});

describe("goImports", () => {
    it("reads single, grouped, aliased, blank and raw-string imports and ignores comments and later code", () => {
        const source = [
            "// Package x imports \"not/this\"", "package x", "", 'import "a/one"', "import (", '\tb "a/two"', "\t_ `a/three`",
            '\t. "a/four" // "not/this/either"', "\t/* \"nor/this\" */", ")", 'import "C"', "", 'var s = "import \\"x/y\\""', "func f() {}",
        ].join("\n");
        assert.deepEqual(goImports(source), ["a/one", "a/two", "a/three", "a/four", "C"]);
    });
});

describe("hashBuildInputs", () => {
    it("hashes exactly the Go build inputs of the main package's closure", () => {
        const root = writeGoFixture();
        assert.deepEqual(hashBuildInputs(inputs(root)).files, [
            ".dockerignore", "Dockerfile", "cmd/server/main.go", "go.mod", "go.sum",
            "internal/api/api.go", "internal/api/static/index.html", "internal/store/store.go",
        ]);
    });

    it("is stable across runs", () => {
        const root = writeGoFixture();
        assert.equal(hashBuildInputs(inputs(root)).hash, hashBuildInputs(inputs(root)).hash);
        assert.equal(hashBuildInputs(inputs(writeGoFixture())).hash, hashBuildInputs(inputs(root)).hash, "independent of the checkout path");
    });

    const unchanged: [string, (root: string) => void][] = [
        ["README edited", (root) => fs.appendFileSync(path.join(root, "README.md"), "more docs\n")],
        ["a _test.go file edited", (root) => fs.appendFileSync(path.join(root, "internal/api/api_test.go"), "// more\n")],
        ["a new _test.go file", (root) => fs.writeFileSync(path.join(root, "cmd/server/main_test.go"), "package main\n")],
        ["a package outside the closure edited", (root) => fs.appendFileSync(path.join(root, "internal/unused/unused.go"), "// more\n")],
        ["a file timestamp touched", (root) => fs.utimesSync(path.join(root, "internal/store/store.go"), new Date(0), new Date(0))],
    ];
    for (const [what, change] of unchanged) {
        it(`keeps the hash when ${what}`, () => {
            const root = writeGoFixture();
            const before = hashBuildInputs(inputs(root)).hash;
            change(root);
            assert.equal(hashBuildInputs(inputs(root)).hash, before);
        });
    }

    const changed: [string, (root: string) => void, Partial<BuildInputs>?][] = [
        ["the main package edited", (root) => fs.appendFileSync(path.join(root, "cmd/server/main.go"), "// more\n")],
        ["an imported package edited", (root) => fs.appendFileSync(path.join(root, "internal/api/api.go"), "// more\n")],
        ["a transitively imported package edited", (root) => fs.appendFileSync(path.join(root, "internal/store/store.go"), "// more\n")],
        ["a file added to a package in the closure", (root) => fs.writeFileSync(path.join(root, "internal/store/extra.go"), "package store\n")],
        ["an embedded file edited", (root) => fs.appendFileSync(path.join(root, "internal/api/static/index.html"), "<p>more</p>\n")],
        ["go.sum changed", (root) => fs.appendFileSync(path.join(root, "go.sum"), "golang.org/x/text v0.1.0 h1:x=\n")],
        ["go.mod changed", (root) => fs.appendFileSync(path.join(root, "go.mod"), "require golang.org/x/text v0.1.0\n")],
        ["the Dockerfile changed", (root) => fs.appendFileSync(path.join(root, "Dockerfile"), "USER 65532\n")],
        ["a build arg changed", () => undefined, { buildArgs: { BUILDER_IMAGE: "golang:1.27" } }],
        ["a build arg added", () => undefined, { buildArgs: { BUILDER_IMAGE: "golang:1.26", VERSION: "2" } }],
        ["the platform changed", () => undefined, { platform: "linux/arm64" }],
    ];
    for (const [what, change, overrides] of changed) {
        it(`changes the hash when ${what}`, () => {
            const root = writeGoFixture();
            const before = hashBuildInputs(inputs(root)).hash;
            change(root);
            assert.notEqual(hashBuildInputs(inputs(root, overrides)).hash, before);
        });
    }

    it("makes the target repository part of the image's identity", () => {
        const source = hashBuildInputs(inputs(writeGoFixture())).hash;
        assert.notEqual(imageContentHash(source, "registry.a/svc"), imageContentHash(source, "registry.b/svc"));
        assert.equal(imageContentHash(source, "registry.a/svc"), imageContentHash(source, "registry.a/svc"));
    });

    it("fails clearly when the context is not a Go module or lacks the main package", () => {
        const root = writeGoFixture();
        assert.throws(() => hashBuildInputs(inputs(path.join(root, "internal"))), /not a Go module: go.mod not found/);
        assert.throws(() => hashBuildInputs(inputs(root, { mainPackage: "./cmd/missing" })), /main package \.\/cmd\/missing not found/);
    });

    it("hashes app/ (the real service) without its tests, and fast", (t) => {
        const app = path.join(PROJECT_DIR, "app");
        const runs = 20;
        const started = process.hrtime.bigint();
        let result = hashBuildInputs(inputs(app));
        for (let i = 1; i < runs; i++) {
            result = hashBuildInputs(inputs(app));
        }
        const perRunMs = Number(process.hrtime.bigint() - started) / 1e6 / runs;
        t.diagnostic(`hashing app/: ${result.files.length} files, ${perRunMs.toFixed(2)} ms per hash (mean of ${runs})`);
        assert.ok(result.files.includes("cmd/server/main.go"));
        assert.ok(result.files.includes("go.sum"));
        assert.ok(result.files.every((file) => !file.endsWith("_test.go")), "no test files hashed");
        assert.ok(result.files.some((file) => file.startsWith("internal/")), "internal packages followed");
    });
});
