// Content hash of what the Go binary and its image are built from — and nothing else — so that editing a README or
// a _test.go file never rebuilds, and a re-run with unchanged sources builds nothing.
//
// Inputs: go.mod, go.sum, the non-test .go files (and //go:embed'ed files) of every package in the main package's
// import closure inside the module (plus vendor/ when present), the Dockerfile and .dockerignore, the build args,
// the platform, and (imageContentHash) the target repository. Imports are read from the source with a small
// scanner, so hashing needs no Go toolchain on the machine that runs Pulumi. Build constraints are not evaluated: a file excluded by a tag is
// still hashed (a needless rebuild at worst, never a missed one).
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

export interface BuildInputs {
    /** Absolute path of the build context, the Go module root. */
    context: string;
    /** Dockerfile path relative to the context. */
    dockerfile: string;
    /** Main package relative to the module root, e.g. ./cmd/server. */
    mainPackage: string;
    /** Build args that change the result (not proxy settings). */
    buildArgs: Record<string, string>;
    platform: string;
}

export interface SourceHash {
    /** sha256, hex. */
    hash: string;
    /** The hashed files, relative to the context, sorted. */
    files: string[];
}

const HASH_SCHEME = "goship-image-inputs/v1";

export function hashBuildInputs(inputs: BuildInputs): SourceHash {
    const files = goBuildFiles(inputs.context, inputs.mainPackage);
    for (const extra of [inputs.dockerfile, ".dockerignore"]) {
        if (fs.existsSync(path.join(inputs.context, extra)) && !files.includes(extra)) {
            files.push(extra);
        }
    }
    files.sort();

    const digest = crypto.createHash("sha256");
    digest.update(`${HASH_SCHEME}\n`);
    for (const file of files) {
        digest.update(`file ${file} ${sha256(fs.readFileSync(path.join(inputs.context, file)))}\n`);
    }
    for (const name of Object.keys(inputs.buildArgs).sort()) {
        digest.update(`arg ${name}=${inputs.buildArgs[name]}\n`);
    }
    digest.update(`dockerfile ${inputs.dockerfile}\nplatform ${inputs.platform}\n`);
    return { hash: digest.digest("hex"), files };
}

/**
 * The image's identity: the source hash and the repository it is pushed to (the same sources pushed elsewhere
 * are another image). The repository is often an Output unknown until the registry exists, hence a separate step.
 */
export function imageContentHash(sourceHash: string, repository: string): string {
    return crypto.createHash("sha256").update(`${HASH_SCHEME}\nsource ${sourceHash}\nrepository ${repository}\n`).digest("hex");
}

function sha256(data: Buffer): string {
    return crypto.createHash("sha256").update(data).digest("hex");
}

/** go.mod, go.sum and every source file the main package is built from, relative to the module root. */
export function goBuildFiles(moduleRoot: string, mainPackage: string): string[] {
    const goMod = path.join(moduleRoot, "go.mod");
    if (!fs.existsSync(goMod)) {
        throw new Error(`image build context ${moduleRoot} is not a Go module: go.mod not found`);
    }
    const modulePath = /^module\s+(\S+)/m.exec(fs.readFileSync(goMod, "utf8"))?.[1];
    if (!modulePath) {
        throw new Error(`${goMod} has no module directive`);
    }
    const files = new Set<string>(["go.mod"]);
    if (fs.existsSync(path.join(moduleRoot, "go.sum"))) {
        files.add("go.sum");
    }
    const vendored = fs.existsSync(path.join(moduleRoot, "vendor", "modules.txt"));
    if (vendored) {
        files.add("vendor/modules.txt");
    }

    const mainDir = path.normalize(mainPackage);
    if (!fs.existsSync(path.join(moduleRoot, mainDir))) {
        throw new Error(`main package ${mainPackage} not found in ${moduleRoot}`);
    }
    const seen = new Set<string>();
    const pending = [mainDir];
    while (pending.length > 0) {
        const dir = pending.pop()!;
        if (seen.has(dir)) {
            continue;
        }
        seen.add(dir);
        for (const file of packageFiles(moduleRoot, dir)) {
            files.add(file);
            if (!file.endsWith(".go")) {
                continue;
            }
            const source = fs.readFileSync(path.join(moduleRoot, file), "utf8");
            for (const embedded of embeddedFiles(moduleRoot, dir, source)) {
                files.add(embedded);
            }
            for (const importPath of goImports(source)) {
                const local = localPackageDir(moduleRoot, modulePath, importPath, vendored);
                if (local !== undefined) {
                    pending.push(local);
                }
            }
        }
    }
    return [...files];
}

/** The directory of an imported package when it is built from files in this context. */
function localPackageDir(moduleRoot: string, modulePath: string, importPath: string, vendored: boolean): string | undefined {
    if (importPath === modulePath) {
        return ".";
    }
    if (importPath.startsWith(`${modulePath}/`)) {
        return importPath.slice(modulePath.length + 1);
    }
    const vendorDir = path.join("vendor", importPath);
    if (vendored && fs.existsSync(path.join(moduleRoot, vendorDir))) {
        return vendorDir;
    }
    return undefined;
}

/** Non-test .go files of one package directory, relative to the module root. */
function packageFiles(moduleRoot: string, dir: string): string[] {
    return fs.readdirSync(path.join(moduleRoot, dir), { withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith(".go") && !entry.name.endsWith("_test.go"))
        .map((entry) => path.join(dir, entry.name));
}

/** Import paths of a Go source file: its import declarations, comments and all. */
export function goImports(source: string): string[] {
    const code = stripComments(source);
    const imports: string[] = [];
    const spec = /(?:[A-Za-z_.][\w]*\s+)?("(?:[^"\\\n]|\\.)*"|`[^`]*`)/y;
    const declaration = /\bimport\b\s*/g;
    // Import declarations precede every other declaration; stop at the first one.
    const firstDecl = /^(func|type|var|const)\b/m.exec(code);
    const header = firstDecl ? code.slice(0, firstDecl.index) : code;
    while (declaration.exec(header) !== null) {
        let at = declaration.lastIndex;
        const grouped = header[at] === "(";
        if (grouped) {
            at++;
        }
        for (;;) {
            while (at < header.length && /[\s;]/.test(header[at])) {
                at++;
            }
            spec.lastIndex = at;
            const found = spec.exec(header);
            if (!found) {
                break;
            }
            imports.push(found[1].slice(1, -1));
            at = spec.lastIndex;
            if (!grouped) {
                break;
            }
        }
        declaration.lastIndex = at;
    }
    return imports;
}

/** Removes // and /* comments, keeping string and rune literals intact. */
function stripComments(source: string): string {
    let out = "";
    let i = 0;
    while (i < source.length) {
        const c = source[i];
        const next = source[i + 1];
        if (c === "/" && next === "/") {
            while (i < source.length && source[i] !== "\n") {
                i++;
            }
        } else if (c === "/" && next === "*") {
            const end = source.indexOf("*/", i + 2);
            i = end < 0 ? source.length : end + 2;
            out += " ";
        } else if (c === '"' || c === "'" || c === "`") {
            const start = i++;
            while (i < source.length && source[i] !== c) {
                i += c !== "`" && source[i] === "\\" ? 2 : 1;
            }
            i++;
            out += source.slice(start, i);
        } else {
            out += c;
            i++;
        }
    }
    return out;
}

/** Files matched by the //go:embed directives of a source file, relative to the module root. */
function embeddedFiles(moduleRoot: string, dir: string, source: string): string[] {
    const matched: string[] = [];
    for (const line of source.split("\n")) {
        const directive = /^\/\/go:embed\s+(.+)$/.exec(line.trim());
        if (!directive) {
            continue;
        }
        for (const rawPattern of directive[1].match(/"[^"]*"|`[^`]*`|\S+/g) ?? []) {
            const includeHidden = rawPattern.replace(/^["`]|["`]$/g, "").startsWith("all:");
            const pattern = rawPattern.replace(/^["`]|["`]$/g, "").replace(/^all:/, "");
            for (const file of matchEmbedPattern(path.join(moduleRoot, dir), pattern, includeHidden)) {
                matched.push(path.join(dir, file));
            }
        }
    }
    return matched;
}

/** path.Match-style globbing per path segment; a matched directory embeds its files recursively. */
function matchEmbedPattern(base: string, pattern: string, includeHidden: boolean): string[] {
    const segments = pattern.split("/");
    const results: string[] = [];
    const walk = (relative: string, index: number) => {
        const absolute = path.join(base, relative);
        if (index === segments.length) {
            if (fs.statSync(absolute).isDirectory()) {
                results.push(...listTree(base, relative, includeHidden));
            } else {
                results.push(relative);
            }
            return;
        }
        if (!fs.existsSync(absolute) || !fs.statSync(absolute).isDirectory()) {
            return;
        }
        const segment = globToRegExp(segments[index]);
        for (const entry of fs.readdirSync(absolute)) {
            if (segment.test(entry)) {
                walk(path.join(relative, entry), index + 1);
            }
        }
    };
    walk("", 0);
    return results;
}

function listTree(base: string, relative: string, includeHidden: boolean): string[] {
    const files: string[] = [];
    for (const entry of fs.readdirSync(path.join(base, relative), { withFileTypes: true })) {
        if (!includeHidden && /^[._]/.test(entry.name)) {
            continue;
        }
        const child = path.join(relative, entry.name);
        if (entry.isDirectory()) {
            files.push(...listTree(base, child, includeHidden));
        } else {
            files.push(child);
        }
    }
    return files;
}

function globToRegExp(glob: string): RegExp {
    let source = "";
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === "*") {
            source += "[^/]*";
        } else if (c === "?") {
            source += "[^/]";
        } else if (c === "[") {
            const end = glob.indexOf("]", i);
            source += end < 0 ? "\\[" : glob.slice(i, end + 1).replace(/^\[\^?/, (open) => (open === "[^" ? "[^" : "["));
            i = end < 0 ? i : end;
        } else {
            source += c.replace(/[.+^${}()|\\]/g, "\\$&");
        }
    }
    return new RegExp(`^${source}$`);
}
