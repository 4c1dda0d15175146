// Reads the Membrane project the deployments program deploys: its Pulumi.yaml (name, config defaults)
// and its Pulumi.<stack>.yaml files, from the repository this program lives in.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, membraneDirs, MembraneSource, MembraneStackFile, PROJECT, RawConfig } from "./config";
import { pathGlobs, programFiles } from "./program-files";

/** The repository root: this program lives in `<root>/deployments`. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "..");

function readYaml(file: string): Record<string, any> {
    const doc = parse(fs.readFileSync(file, "utf8")) ?? {};
    if (typeof doc !== "object" || Array.isArray(doc)) {
        throw new Error(`${file}: expected a YAML mapping`);
    }
    return doc;
}

/** The stack file's `environment:` imports, in either of the forms the CLI accepts. */
function environmentsOf(doc: Record<string, any>): string[] {
    const env = doc.environment;
    const list = Array.isArray(env) ? env : Array.isArray(env?.imports) ? env.imports : [];
    return list.filter((e: unknown): e is string => typeof e === "string");
}

/** The Membrane project in `<root>/<projectDir>`, its stack files in `<root>/<stackDir>`. */
export function membraneSource(projectDir: string, stackDir: string, root: string = REPOSITORY_ROOT): MembraneSource {
    const projectPath = path.join(root, projectDir);
    const stackPath = path.join(root, stackDir);
    const project = readYaml(path.join(projectPath, "Pulumi.yaml"));
    const name = String(project.name ?? "");
    const defaults: Record<string, unknown> = {};
    for (const [k, entry] of Object.entries<any>(project.config ?? {})) {
        const full = k.includes(":") ? k : `${name}:${k}`;
        const isEntry = entry !== null && typeof entry === "object" && !Array.isArray(entry);
        const value = isEntry ? entry.default : entry;
        if (value !== undefined) {
            defaults[full] = value;
        }
    }
    const stackNames = fs.existsSync(stackPath)
        ? fs
              .readdirSync(stackPath)
              .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(f)?.[1])
              .filter((s): s is string => s !== undefined)
              .sort()
        : [];
    return {
        projectName: name,
        defaults,
        stackNames,
        programPaths: pathGlobs(programFiles(root, projectDir), projectDir),
        readStack(stack: string): MembraneStackFile {
            const doc = readYaml(path.join(stackPath, `Pulumi.${stack}.yaml`));
            return { config: { ...(doc.config ?? {}) }, environments: environmentsOf(doc) };
        },
    };
}

/**
 * The Membrane project that `membrane-deployments:repoDir` and `:stackConfigDir` point at. Refuses, naming
 * the key, a folder outside the repository or one without the files.
 */
export function loadMembraneSource(raw: RawConfig, root: string = REPOSITORY_ROOT): MembraneSource {
    const dirs = membraneDirs(raw);
    const problems: string[] = [];
    for (const [k, dir] of Object.entries(dirs)) {
        if (path.isAbsolute(dir) || dir.split("/").includes("..")) {
            problems.push(`${PROJECT}:${k}: must be a folder inside the repository, relative to its root (got "${dir}")`);
        }
    }
    if (problems.length === 0 && !fs.existsSync(path.join(root, dirs.repoDir, "Pulumi.yaml"))) {
        problems.push(
            `${PROJECT}:repoDir: there is no Pulumi.yaml in "${dirs.repoDir || "."}" (the Membrane project's folder, relative to the repository root)`,
        );
    }
    if (problems.length === 0 && !fs.existsSync(path.join(root, dirs.stackConfigDir))) {
        problems.push(`${PROJECT}:stackConfigDir: there is no folder "${dirs.stackConfigDir}" in the repository`);
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return membraneSource(dirs.repoDir, dirs.stackConfigDir, root);
}
