// A fake `docker` executable for the image provider's tests: it records every invocation (arguments, stdin, the
// DOCKER_CONFIG it saw) as JSON lines and answers like the real CLI would, steered by environment variables.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const FAKE_PUSH_DIGEST = "sha256:" + "1f".repeat(32);
export const FAKE_REMOTE_DIGEST = "sha256:" + "2e".repeat(32);

const SCRIPT = `#!/usr/bin/env node
const fs = require("fs");
const args = process.argv.slice(2);
let stdin = "";
try { stdin = fs.readFileSync(0, "utf8"); } catch {}
const configDir = process.env.DOCKER_CONFIG;
fs.appendFileSync(process.env.FAKE_DOCKER_LOG, JSON.stringify({ args, stdin, configDir, configDirExists: !!configDir && fs.existsSync(configDir) }) + "\\n");
const fail = (process.env.FAKE_DOCKER_FAIL || "").split(",");
const command = args[0] === "manifest" ? "manifest" : args[0];
if (fail.includes(command)) { console.error("fake docker: " + command + " failed on purpose\\nline two of the error"); process.exit(1); }
switch (command) {
  case "login":
    if (configDir) fs.writeFileSync(configDir + "/config.json", JSON.stringify({ auths: { [args[1]]: { auth: Buffer.from("u:" + stdin).toString("base64") } } }));
    console.log("Login Succeeded"); break;
  case "manifest":
    if (process.env.FAKE_DOCKER_REMOTE === "present") {
      console.log(JSON.stringify({ Ref: args[args.length - 1], Descriptor: { mediaType: "application/vnd.docker.distribution.manifest.v2+json", digest: "${FAKE_REMOTE_DIGEST}", size: 1 } }));
    } else { console.error("no such manifest"); process.exit(1); }
    break;
  case "build": console.log("Successfully built 0123456789ab"); break;
  case "push": console.log("src-x: digest: ${FAKE_PUSH_DIGEST} size: 740"); break;
  default: console.error("unexpected docker " + args.join(" ")); process.exit(2);
}
`;

export interface FakeDocker {
    binDir: string;
    logFile: string;
    calls(): { args: string[]; stdin: string; configDir?: string; configDirExists: boolean }[];
}

/** Every directory installFakeDocker made, removed when the test process exits. */
const madeDirs: string[] = [];
process.once("exit", () => madeDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

export function installFakeDocker(): FakeDocker {
    const binDir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-fake-docker-"));
    madeDirs.push(binDir);
    const logFile = path.join(binDir, "calls.jsonl");
    fs.writeFileSync(path.join(binDir, "docker"), SCRIPT, { mode: 0o755 });
    fs.writeFileSync(logFile, "");
    return {
        binDir,
        logFile,
        calls: () => fs.readFileSync(logFile, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line)),
    };
}
