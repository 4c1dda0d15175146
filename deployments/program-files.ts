// What a push must change to deploy a Membrane stack: the files its program loads, found by following the
// imports from the project's main module (wherever they lead, lib/ included), and the files the CLI
// reads to run it (Pulumi.yaml, package.json, the lockfile, the tsconfig chain). Derived from the
// repository itself, so a file that moves or a new folder the program imports is never left unfiltered;
// test/deployments/program-files.test.ts checks the result against the modules Node actually loads.
import * as fs from "fs";
import * as path from "path";
import { loadProject } from "../lib/stack-files";

// Static and dynamic imports, re-exports and require() calls; only relative specifiers are followed
// (packages come from the lockfile, which is a filter of its own).
const IMPORT = /\b(?:from|import)\s*["'](\.{1,2}\/[^"']*)["']|\b(?:require|import)\s*\(\s*["'](\.{1,2}\/[^"']*)["']\s*\)/g;
// How Node (with ts-node, as the Pulumi CLI runs the program) resolves a relative specifier.
const RESOLUTIONS = ["", ".ts", ".tsx", ".js", ".json", "/index.ts", "/index.js"];

const isFile = (f: string) => fs.existsSync(f) && fs.statSync(f).isFile();

function resolveImport(from: string, specifier: string): string | undefined {
    const base = path.resolve(path.dirname(from), specifier);
    return RESOLUTIONS.map((suffix) => base + suffix).find(isFile);
}

/** `entry` and every file it imports, transitively (absolute paths, sorted). */
export function importedFiles(entry: string): string[] {
    const seen = new Set<string>();
    const pending = [path.resolve(entry)];
    while (pending.length > 0) {
        const file = pending.pop()!;
        if (seen.has(file)) {
            continue;
        }
        seen.add(file);
        if (file.endsWith(".json")) {
            continue;
        }
        for (const m of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
            const target = resolveImport(file, m[1] ?? m[2]);
            if (target && !target.split(path.sep).includes("node_modules")) {
                pending.push(target);
            }
        }
    }
    return [...seen].sort();
}

/** A tsconfig file (JSON with comments) and the files it extends. */
function tsconfigChain(file: string): string[] {
    const chain: string[] = [];
    for (let current: string | undefined = file; current && isFile(current) && !chain.includes(current);) {
        chain.push(current);
        const text: string = fs.readFileSync(current, "utf8").replace(/^\s*\/\/.*$/gm, "");
        const extended: unknown = (JSON.parse(text) as { extends?: unknown }).extends;
        current = typeof extended === "string" && extended.startsWith(".") ? path.resolve(path.dirname(current), extended) : undefined;
    }
    return chain;
}

/** The nearest `name` in `dir` or a folder above it, up to `root`. */
function nearest(dir: string, name: string, root: string): string | undefined {
    for (let d = dir; ; d = path.dirname(d)) {
        if (isFile(path.join(d, name))) {
            return path.join(d, name);
        }
        if (d === root || path.dirname(d) === d) {
            return undefined;
        }
    }
}

/** Every file the Membrane project in `<root>/<repoDir>` runs from, relative to `root` (sorted, "/"-separated). */
export function programFiles(root: string, repoDir: string): string[] {
    const dir = path.join(root, repoDir);
    const project = loadProject(dir);
    const mainPath = path.resolve(dir, project.main);
    const main = isFile(mainPath) ? mainPath : path.join(mainPath, "index.ts");
    const files = [
        path.join(dir, "Pulumi.yaml"),
        path.join(dir, "package.json"),
        nearest(dir, "package-lock.json", root),
        ...tsconfigChain(path.join(dir, String(project.runtime.options.tsconfig ?? "tsconfig.json"))),
        ...importedFiles(main),
    ].filter((f): f is string => f !== undefined && isFile(f));
    return [...new Set(files.map((f) => path.relative(root, f).split(path.sep).join("/")))].sort();
}

/**
 * Path filters that cover `files`: a file in the project's own folder by its name, a file in a sub-folder by
 * the folder (`components/**`), so that a file added to a folder the program already loads from is covered
 * before the filters are next derived.
 */
export function pathGlobs(files: readonly string[], repoDir: string): string[] {
    const globs = new Set<string>();
    for (const file of files) {
        const dir = path.posix.dirname(file);
        globs.add(dir === (repoDir || ".") || dir === "." ? file : `${dir}/**`);
    }
    const folders = [...globs].filter((g) => g.endsWith("/**")).map((g) => g.slice(0, -2));
    // components/** already covers components/sub/**.
    return [...globs].filter((g) => !folders.some((f) => g !== `${f}**` && g.startsWith(f))).sort(byDepthThenName);
}

function byDepthThenName(a: string, b: string): number {
    return a.split("/").length - b.split("/").length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Whether a path filter (`*` within a folder, `**` across folders, as GitHub and Pulumi Deployments match them) covers `file`. */
export function filterCovers(filter: string, file: string): boolean {
    const pattern = filter
        .split("**")
        .map((part) =>
            part
                .split("*")
                .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
                .join("[^/]*"),
        )
        .join(".*");
    return new RegExp(`^${pattern}$`).test(file);
}
