// The path filters of the deployments (Pulumi Deployments' vcs.paths and the workflow's on.paths) against
// what the Membrane program really loads: Node's own module graph, recorded while the offline engine runs
// index.ts. A file the program loads that no filter covers would let a push change production without
// deploying it; the filters are derived from the imports, so a moved file or a new folder follows.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { filterCovers, importedFiles, pathGlobs, programFiles } from "../../deployments/program-files";
import { Evaluation, PROJECT_DIR } from "../../tools/engine";
import { deploymentsStack, named } from "./harness";
import { evaluate } from "../harness";
import { tempDir } from "../support/tmp";

const uncovered = (files: readonly string[], filters: readonly string[]) => files.filter((f) => !filters.some((g) => filterCovers(g, f)));

describe("deployments path filters: every file the program loads", () => {
    const loaded = new Map<string, string[]>();
    let settingsPaths: Record<string, string[]>;
    let workflow: any;
    before(async function () {
        this.timeout(120000);
        for (const stack of ["staging", "prod"]) {
            const ev: Evaluation = await evaluate({ stack, program: "test/programs/loaded-files.ts" });
            loaded.set(stack, ev.outputs.loadedFiles.value as string[]);
        }
        const deployments = await deploymentsStack("acme");
        settingsPaths = Object.fromEntries(
            ["staging", "prod"].map((s) => [s, (named(deployments, `stack-${s}-settings`).inputs.vcs as any).paths as string[]]),
        );
        workflow = parse(String(deployments.outputs.githubWorkflow.value));
    });

    it("the program loads project files outside components/ (lib/), so the check is not vacuous", () => {
        for (const files of loaded.values()) {
            expect(files).to.include("index.ts");
            expect(files.filter((f) => f.startsWith("lib/")).length).to.be.greaterThan(0);
            expect(files.every((f) => fs.existsSync(path.join(PROJECT_DIR, f)))).to.equal(true);
        }
        // What the hand-written list of before missed: a push changing only these deployed nothing.
        const handWritten = ["index.ts", "components/**", "Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json"];
        expect(uncovered(loaded.get("staging")!, handWritten)).to.include("lib/naming.ts");
    });

    it("Pulumi Deployments' path filters of each stack cover every module Node loaded to run the program", () => {
        for (const [stack, files] of loaded) {
            expect(uncovered(files, settingsPaths[stack]), stack).to.deep.equal([]);
        }
    });

    it("so do the GitHub workflow's push and pull-request filters", () => {
        const files = [...new Set([...loaded.values()].flat())];
        expect(uncovered(files, workflow.on.push.paths)).to.deep.equal([]);
        expect(uncovered(files, workflow.on.pull_request.paths)).to.deep.equal([]);
    });

    it("the static walk of the imports finds every module Node loaded (it may find more: type-only imports)", () => {
        const found = programFiles(PROJECT_DIR, "");
        for (const files of loaded.values()) {
            expect(files.filter((f) => !found.includes(f))).to.deep.equal([]);
        }
        expect(found).to.include.members(["Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json", "tsconfig.pulumi.json"]);
    });

    it("each filter is a file at the project's root that the CLI reads or the program loads, a folder the program loads from, or the stack's own file: nothing broader", () => {
        const rootFiles = programFiles(PROJECT_DIR, "").filter((f) => !f.includes("/"));
        for (const [stack, filters] of Object.entries(settingsPaths)) {
            const folders = new Set(loaded.get(stack)!.map((f) => path.posix.dirname(f)));
            const stackFiles = filters.filter((f) => /(^|\/)Pulumi\.[^/]+\.yaml$/.test(f));
            expect(
                stackFiles.map((f) => path.posix.basename(f)),
                stack,
            ).to.deep.equal([`Pulumi.${stack}.yaml`]);
            for (const filter of filters.filter((f) => !stackFiles.includes(f))) {
                if (filter.endsWith("/**")) {
                    // A folder of a loaded file: `**` alone, or a parent such as policy/**, would deploy on edits the program never sees.
                    expect(folders.has(filter.slice(0, -3)), `${stack}: ${filter}`).to.equal(true);
                } else {
                    expect(rootFiles, `${stack}: ${filter}`).to.include(filter);
                }
            }
            expect(
                rootFiles.filter((f) => !filters.includes(f)),
                `${stack}: root files not filtered`,
            ).to.deep.equal([]);
        }
    });
});

describe("deployments path filters: derived again when the code moves", () => {
    let root: string;
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
    };
    beforeEach(() => {
        root = tempDir("membrane-paths-");
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("follows a main module, re-exports, require(), dynamic imports and JSON, and ignores packages", () => {
        write(
            "infra/Pulumi.yaml",
            "name: membrane\nmain: src/main.ts\nruntime:\n  name: nodejs\n  options:\n    tsconfig: tsconfig.pulumi.json\n",
        );
        write("infra/package.json", "{}");
        write("package-lock.json", "{}");
        write("infra/tsconfig.pulumi.json", '{ "extends": "./tsconfig.json" }');
        write("infra/tsconfig.json", "// comments are allowed\n{}");
        write(
            "infra/src/main.ts",
            'import * as aws from "@pulumi/aws";\nexport * from "./parts";\nconst data = require("../data/regions.json");\n',
        );
        write("infra/src/parts/index.ts", 'export { a } from "../../../shared/lib/a";\nexport const later = () => import("./late");\n');
        write("infra/src/parts/late.ts", "export const late = 1;\n");
        write("infra/data/regions.json", "[]");
        write("shared/lib/a.ts", "export const a = 1;\n");
        write("shared/lib/unused.ts", "export const unused = 1;\n");
        const files = programFiles(root, "infra");
        expect(files).to.deep.equal([
            "infra/Pulumi.yaml",
            "infra/data/regions.json",
            "infra/package.json",
            "infra/src/main.ts",
            "infra/src/parts/index.ts",
            "infra/src/parts/late.ts",
            "infra/tsconfig.json",
            "infra/tsconfig.pulumi.json",
            "package-lock.json",
            "shared/lib/a.ts",
        ]);
        expect(pathGlobs(files, "infra")).to.deep.equal([
            "package-lock.json",
            "infra/Pulumi.yaml",
            "infra/package.json",
            "infra/tsconfig.json",
            "infra/tsconfig.pulumi.json",
            "infra/data/**",
            "infra/src/**",
            "shared/lib/**",
        ]);
    });

    it("a component moved into a new folder is covered by the next derivation, not by the old filters", () => {
        write("index.ts", 'import "./components/a";\n');
        write("components/a.ts", 'import "../policy/lib/glob";\n');
        write("policy/lib/glob.ts", "export {};\n");
        const before = pathGlobs(
            importedFiles(path.join(root, "index.ts")).map((f) => path.relative(root, f)),
            "",
        );
        expect(before).to.deep.equal(["index.ts", "components/**", "policy/lib/**"]);
        fs.rmSync(path.join(root, "policy"), { recursive: true });
        write("shared/glob.ts", "export {};\n");
        write("components/a.ts", 'import "../shared/glob";\n');
        const files = importedFiles(path.join(root, "index.ts")).map((f) => path.relative(root, f));
        expect(uncovered(files, before)).to.deep.equal(["shared/glob.ts"]);
        expect(uncovered(files, pathGlobs(files, ""))).to.deep.equal([]);
    });

    it("matches filters as GitHub and Deployments do: * within a folder, ** across folders", () => {
        expect(filterCovers("components/**", "components/sub/x.ts")).to.equal(true);
        expect(filterCovers("components/*", "components/sub/x.ts")).to.equal(false);
        expect(filterCovers("index.ts", "index.tsx")).to.equal(false);
        expect(filterCovers("tsconfig*.json", "tsconfig.pulumi.json")).to.equal(true);
        expect(pathGlobs(["components/a.ts", "components/sub/b.ts"], "")).to.deep.equal(["components/**"]);
    });
});
