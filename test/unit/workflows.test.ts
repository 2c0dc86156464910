// What the GitHub workflows promise, beyond what actionlint checks (syntax, action inputs, expressions, shell):
// previews on pull requests for dev and prod with the policy pack and a PR comment, a backend URL from a secret,
// deploys on merge with prod behind an approval, and tests that run the same npm scripts as `npm test`.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { PROJECT_DIR } from "../helpers/stack-config";

const WORKFLOWS = path.join(PROJECT_DIR, ".github", "workflows");
const workflow = (name: string): any => parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8"));
const stepsUsing = (job: any, action: string): any[] => job.steps.filter((step: any) => typeof step.uses === "string" && step.uses.startsWith(`${action}@`));
const runs = (job: any): string => job.steps.map((step: any) => step.run ?? "").join("\n");

describe("GitHub workflows", () => {
    it("preview: pull requests to main, a dev/prod matrix, pulumi/actions preview with the policy pack and a PR comment", () => {
        const preview = workflow("preview.yml");
        assert.deepEqual(preview.on, { pull_request: { branches: ["main"] } });
        assert.equal(preview.permissions["pull-requests"], "write");
        const job = preview.jobs.preview;
        assert.deepEqual(job.strategy.matrix.stack, ["dev", "prod"]);
        assert.equal(job.strategy["fail-fast"], false, "one stack's failure does not hide the other's preview");
        const [pulumi] = stepsUsing(job, "pulumi/actions");
        assert.deepEqual(
            [pulumi.with.command, pulumi.with["stack-name"], pulumi.with["comment-on-pr"], pulumi.with.policyPacks, pulumi.with["cloud-url"]],
            ["preview", "${{ matrix.stack }}", true, "policy", "${{ secrets.PULUMI_BACKEND_URL }}"],
        );
        assert.equal(String(pulumi.with["pulumi-version"]), JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).dependencies["@pulumi/pulumi"],
            "the CLI matches the SDK");
        assert.match(runs(job), /npm run --silent preview:summary -- --stack "\$STACK" --pulumi pulumi --out preview-summary\.md/);
        assert.match(runs(job), />> "\$GITHUB_STEP_SUMMARY"/);
        assert.equal(stepsUsing(job, "actions/github-script").length, 1, "the summary is commented on the pull request");
    });

    it("preview and deploy take every credential from secrets", () => {
        for (const name of ["preview.yml", "deploy-stack.yml"]) {
            const text = fs.readFileSync(path.join(WORKFLOWS, name), "utf8");
            for (const variable of ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "AWS_SECRET_ACCESS_KEY", "ALICLOUD_SECRET_KEY"]) {
                assert.match(text, new RegExp(`${variable}: \\$\\{\\{ secrets\\.${variable} \\}\\}`), `${name}: ${variable} from a secret`);
            }
            const code = text.split("\n").filter((line) => !line.trimStart().startsWith("#")).join("\n");
            assert.doesNotMatch(code, /(s3|azblob|gs|file):\/\/[a-z]/, `${name}: no backend URL written into the workflow`);
        }
    });

    it("deploy: on merge to main, tests first, then dev, then prod in the approval-gated production environment", () => {
        const deploy = workflow("deploy.yml");
        assert.deepEqual(deploy.on, { push: { branches: ["main"] } });
        assert.equal(deploy.concurrency["cancel-in-progress"], false, "an update is never cancelled halfway");
        assert.equal(deploy.jobs.test.uses, "./.github/workflows/test.yml");
        assert.deepEqual([deploy.jobs.dev.needs, deploy.jobs.dev.with], ["test", { stack: "dev", environment: "dev" }]);
        assert.deepEqual([deploy.jobs.prod.needs, deploy.jobs.prod.with], ["dev", { stack: "prod", environment: "production" }]);

        const stack = workflow("deploy-stack.yml");
        assert.equal(stack.jobs.up.environment, "${{ inputs.environment }}");
        const [pulumi] = stepsUsing(stack.jobs.up, "pulumi/actions");
        assert.deepEqual([pulumi.with.command, pulumi.with["stack-name"], pulumi.with.policyPacks], ["up", "${{ inputs.stack }}", "policy"]);
    });

    it("test: type-check, lint (code and workflows), unit tests and Go tests, the same scripts npm test runs", () => {
        const test = workflow("test.yml");
        assert.ok("pull_request" in test.on && "workflow_call" in test.on);
        const commands = runs(test.jobs.test);
        const npmTest = fs.readFileSync(path.join(PROJECT_DIR, "scripts", "test.sh"), "utf8");
        for (const script of ["typecheck", "lint", "lint:workflows", "test:unit", "test:go"]) {
            assert.match(commands, new RegExp(`^npm run ${script}$`, "m"), `test.yml runs ${script}`);
            assert.match(npmTest, new RegExp(`npm run --silent ${script}( |$)`, "m"), `npm test runs ${script}`);
        }
    });
});
