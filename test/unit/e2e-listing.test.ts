// test:e2e lists the end-to-end files in order (down-up must run last), so a new file could be left out and
// never run: this keeps the list complete.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { it } from "node:test";
import { PROJECT_DIR } from "../helpers/stack-config";

it("package.json test:e2e runs every test/e2e file, down-up last", () => {
    const script: string = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts["test:e2e"];
    const listed = script.split(/\s+/).filter((word) => word.startsWith("test/e2e/"));
    const present = fs.readdirSync(path.join(PROJECT_DIR, "test", "e2e")).filter((name) => name.endsWith(".test.ts")).map((name) => `test/e2e/${name}`);
    assert.deepEqual([...listed].sort(), present.sort());
    assert.equal(listed[listed.length - 1], "test/e2e/down-up.test.ts");
});
