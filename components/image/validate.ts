// GoServiceImage's arguments checked before anything is registered: the build context is a Go module, the
// Dockerfile and the main package are in it, the platform is one nodes run, and every build arg is one the
// Dockerfile declares (docker ignores any other silently). Without this they fail inside the build, later.
import * as fs from "fs";
import * as path from "path";
import { Problem } from "../validation/problems";
import { BOOLEAN, Checks, NON_EMPTY, STRING, fieldsOf, isRecord, key, matching, oneOf, rule } from "../validation/rules";
import { GoServiceImageArgs, IMAGE_PLATFORMS, resolveImageArgs } from "./build-plan";

const FIELDS = fieldsOf<GoServiceImageArgs>({
    registry: true, context: true, dockerfile: true, mainPackage: true, platform: true, buildArgs: true, passGoProxy: true, network: true, logFile: true,
});
export const IMAGE_RULES = {
    platform: oneOf(IMAGE_PLATFORMS),
    mainPackage: matching(/^\.(\/[A-Za-z0-9_.-]+)*\/?$/, "a package path inside the module such as ./cmd/server"),
    buildArgName: matching(/^[A-Za-z_][A-Za-z0-9_]*$/, "a build-arg name"),
    network: matching(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "a docker network name such as host"),
};

const isDirectory = (file: string) => fs.existsSync(file) && fs.statSync(file).isDirectory();

/** The ARG names a Dockerfile declares, in any stage. */
export function declaredArgs(dockerfile: string): string[] {
    return [...fs.readFileSync(dockerfile, "utf8").matchAll(/^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)/gim)].map((match) => match[1]);
}

/** `args` without `registry` are checked as the stack config hands them over, before the registry exists. */
export function imageProblems(args: GoServiceImageArgs | Omit<GoServiceImageArgs, "registry">): Problem[] {
    const checks = new Checks();
    checks.fields("", args, FIELDS, "a GoServiceImage argument");
    if ("registry" in args && !isRecord(args.registry)) {
        checks.add("registry", "a ContainerRegistry (GenericRegistry, createRegistry(…))", "nothing");
    }
    const resolved = resolveImageArgs(args);
    checks.check("platform", args.platform, IMAGE_RULES.platform);
    checks.check("passGoProxy", args.passGoProxy, BOOLEAN);
    checks.check("network", args.network, IMAGE_RULES.network);
    checks.check("logFile", args.logFile, NON_EMPTY);
    const buildArgs = checks.map("buildArgs", args.buildArgs, IMAGE_RULES.buildArgName, STRING);

    const context = resolved.context;
    const goModule = rule("an absolute path of a Go module directory (go.mod at its root)", (value) =>
        typeof value === "string" && path.isAbsolute(value) && fs.existsSync(path.join(value, "go.mod")));
    if (!checks.check("context", context, goModule, { required: true })) {
        return checks.problems;
    }
    const dockerfile = path.join(context, resolved.dockerfile);
    const inContext = rule(`a file inside the build context ${context}`, () => fs.existsSync(dockerfile) && fs.statSync(dockerfile).isFile());
    if (checks.check("dockerfile", args.dockerfile ?? resolved.dockerfile, inContext)) {
        const declared = declaredArgs(dockerfile);
        for (const name of Object.keys(buildArgs)) {
            if (IMAGE_RULES.buildArgName.accepts(name) && !declared.includes(name)) {
                checks.add(key("buildArgs", name), `a build arg the Dockerfile declares (${declared.join(", ") || "it declares none"}); docker ignores others`, JSON.stringify(name));
            }
        }
    }
    const mainPackage = resolved.mainPackage;
    if (checks.check("mainPackage", args.mainPackage, IMAGE_RULES.mainPackage)) {
        const dir = path.join(context, mainPackage);
        const isMain = isDirectory(dir) && fs.readdirSync(dir).some((file) =>
            file.endsWith(".go") && !file.endsWith("_test.go") && /^\s*package\s+main\b/m.test(fs.readFileSync(path.join(dir, file), "utf8")));
        if (!isMain) {
            checks.add("mainPackage", `a directory of the module holding package main (${IMAGE_RULES.mainPackage.expected})`,
                `${JSON.stringify(mainPackage)} (${isDirectory(dir) ? "no package main there" : "no such directory"})`);
        }
    }
    return checks.problems;
}
