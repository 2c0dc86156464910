// Resolves a package name to a file while a test runs, the way a tsconfig `paths` entry resolves it for the
// type-check: a program written against the published package runs under mocks against the sources.
import * as fs from "fs";
import * as path from "path";
import Module = require("module");

type Resolver = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolver };

/** The target of `paths[name]` in a tsconfig.json (relative to its baseUrl), as an absolute path. */
export function tsconfigPath(tsconfigFile: string, name: string): string {
    const tsconfig = JSON.parse(fs.readFileSync(tsconfigFile, "utf8")) as { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
    const target = tsconfig.compilerOptions?.paths?.[name]?.[0];
    if (!target) {
        throw new Error(`${tsconfigFile} maps no path for ${name}`);
    }
    return path.resolve(path.dirname(tsconfigFile), tsconfig.compilerOptions?.baseUrl ?? ".", target);
}

/** Makes `require(name)` load `target`; returns the function that undoes it. */
export function aliasPackage(name: string, target: string): () => void {
    const original = moduleInternals._resolveFilename;
    moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
        return original.call(this, request === name ? target : request, ...rest);
    };
    return () => {
        moduleInternals._resolveFilename = original;
    };
}
