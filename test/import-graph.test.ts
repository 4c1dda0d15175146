// The architecture, as the imports draw it: lib/ is what both programs share and imports nothing of them;
// the policy pack is published alone (`pulumi policy publish` packs policy/ with npm pack, and the CLI
// type-checks it there), so it imports nothing outside its folder; deployments/ imports lib/ and itself;
// the components never import a settings reader, the pack, the engine or the deployments program; and no
// files import each other in a loop, type-only imports included. Read from the source with TypeScript's own
// import scanner, not from a list of ours.
import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { iamGlobMatches } from "../lib/glob";
import { iamGlobMatches as packGlobMatches } from "../policy/lib/glob";
import { PROJECT_DIR } from "../tools/engine";

/** file -> the project files it imports (statically, dynamically, by require, or for types), "/"-separated paths from the root. */
type Graph = ReadonlyMap<string, readonly string[]>;

const SOURCES = ["index.ts", "lib", "components", "tools", "policy", "deployments"];

function sourceFiles(root: string, entry: string): string[] {
    const full = path.join(root, entry);
    if (fs.statSync(full).isFile()) {
        return [entry];
    }
    return fs
        .readdirSync(full, { recursive: true, encoding: "utf8" })
        .map((f) => path.posix.join(entry, f.split(path.sep).join("/")))
        .filter((f) => f.endsWith(".ts") && !f.split("/").includes("node_modules") && !f.includes("/test/"));
}

function resolve(root: string, from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) {
        return undefined;
    }
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    return [base, `${base}.ts`, `${base}/index.ts`].find(
        (f) => fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile(),
    );
}

function importGraph(root: string, entries: readonly string[]): Graph {
    const graph = new Map<string, string[]>();
    for (const file of entries.flatMap((e) => sourceFiles(root, e))) {
        const info = ts.preProcessFile(fs.readFileSync(path.join(root, file), "utf8"), true, true);
        const targets = info.importedFiles.map((i) => resolve(root, file, i.fileName)).filter((f): f is string => f !== undefined);
        graph.set(file, [...new Set(targets)]);
    }
    return graph;
}

/** Every loop of files that import each other (each once, from its first file in sorted order). */
function cyclesOf(graph: Graph): string[][] {
    const cycles: string[][] = [];
    const done = new Set<string>();
    const visit = (file: string, trail: string[]) => {
        const at = trail.indexOf(file);
        if (at >= 0) {
            cycles.push(trail.slice(at));
            return;
        }
        if (done.has(file)) {
            return;
        }
        for (const next of graph.get(file) ?? []) {
            visit(next, [...trail, file]);
        }
        done.add(file);
    };
    for (const file of [...graph.keys()].sort()) {
        visit(file, []);
    }
    return cycles;
}

/** The imports of files under `from` that go to files outside the folders `allowed`, as "a -> b". */
function importsOutside(graph: Graph, from: string, allowed: readonly string[]): string[] {
    const inside = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);
    return [...graph]
        .filter(([file]) => inside(file, from))
        .flatMap(([file, targets]) => targets.filter((t) => !allowed.some((a) => inside(t, a))).map((t) => `${file} -> ${t}`));
}

const isSettings = (file: string) => path.posix.basename(file).endsWith("settings.ts");

describe("the import graph", () => {
    const graph = importGraph(PROJECT_DIR, SOURCES);

    it("reads the whole program: every folder, and the imports that tie them", () => {
        expect(graph.get("index.ts")).to.include("components/settings.ts");
        expect(graph.get("deployments/config.ts")).to.include("lib/config-reader.ts");
        expect([...graph.keys()].filter((f) => f.startsWith("lib/")).length).to.be.greaterThan(5);
    });

    it("lib/ imports nothing of the programs, the engine or the pack", () => {
        expect(importsOutside(graph, "lib", ["lib"])).to.deep.equal([]);
    });

    it("the policy pack imports nothing outside policy/: a published pack holds only its folder", () => {
        expect(importsOutside(graph, "policy", ["policy"])).to.deep.equal([]);
    });

    it("deployments/ imports only lib/ and itself, never the program's components", () => {
        expect(importsOutside(graph, "deployments", ["deployments", "lib"])).to.deep.equal([]);
    });

    it("components/ imports lib/ and itself only: never the pack, the engine or the deployments program", () => {
        expect(importsOutside(graph, "components", ["components", "lib"])).to.deep.equal([]);
    });

    it("a component never imports a settings reader: its args are its own, the readers depend on it", () => {
        const components = [...graph].filter(([file]) => file.startsWith("components/") && !isSettings(file));
        expect(components.flatMap(([file, targets]) => targets.filter(isSettings).map((t) => `${file} -> ${t}`))).to.deep.equal([]);
    });

    it("no files import each other in a loop", () => {
        expect(cyclesOf(graph)).to.deep.equal([]);
    });

    it("the checks catch what they look for", () => {
        const made = new Map([
            ["lib/a.ts", ["components/b.ts"]],
            ["components/b.ts", ["components/c.ts"]],
            ["components/c.ts", ["components/b.ts", "components/b/settings.ts"]],
            ["components/b/settings.ts", []],
        ]);
        expect(importsOutside(made, "lib", ["lib"])).to.deep.equal(["lib/a.ts -> components/b.ts"]);
        expect(cyclesOf(made)).to.deep.equal([["components/b.ts", "components/c.ts"]]);
        expect([...made].filter(([f]) => !isSettings(f)).flatMap(([, t]) => t.filter(isSettings))).to.deep.equal([
            "components/b/settings.ts",
        ]);
    });

    it("the pack's copy of the IAM glob matcher answers as lib/glob.ts does", () => {
        const text = fc.string({ unit: fc.constantFrom("a", "b", ":", "/", ".", "*", "?", "A") });
        fc.assert(
            fc.property(text, text, fc.boolean(), (pattern, value, ignoreCase) => {
                expect(packGlobMatches(pattern, value, ignoreCase)).to.equal(iamGlobMatches(pattern, value, ignoreCase));
            }),
        );
    });
});
