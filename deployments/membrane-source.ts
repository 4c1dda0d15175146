// Reads the Membrane project the deployments program deploys: its Pulumi.yaml (name, config defaults)
// and its Pulumi.<stack>.yaml files, from the repository this program lives in.
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../lib/config-reader";
import { loadProject, readStackFile } from "../lib/stack-files";
import { membraneDirs, MembraneSource, MembraneStackFile, PROJECT, RawConfig } from "./config";
import { pathGlobs, programFiles } from "./program-files";

/** The repository root: this program lives in `<root>/deployments`. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "..");

/** The Membrane project in `<root>/<projectDir>`, its stack files in `<root>/<stackDir>`. */
export function membraneSource(projectDir: string, stackDir: string, root: string = REPOSITORY_ROOT): MembraneSource {
    const projectPath = path.join(root, projectDir);
    const stackPath = path.join(root, stackDir);
    const project = loadProject(projectPath);
    const defaults = Object.fromEntries(
        Object.entries(project.config)
            .filter(([, entry]) => entry.default !== undefined)
            .map(([key, entry]) => [key, entry.default]),
    );
    const stackNames = fs.existsSync(stackPath)
        ? fs
              .readdirSync(stackPath)
              .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(f)?.[1])
              .filter((s): s is string => s !== undefined)
              .sort()
        : [];
    return {
        projectName: project.name,
        defaults,
        stackNames,
        programPaths: pathGlobs(programFiles(root, projectDir), projectDir),
        readStack(stack: string): MembraneStackFile {
            const { config, environments } = readStackFile(stackPath, stack);
            return { config, environments };
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
