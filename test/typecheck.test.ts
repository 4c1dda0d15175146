// `pulumi up` runs the program without type-checking (speed); `npm test` must still catch type errors. Both
// are checked by what the compiler makes of the configuration, not by its text: the options as
// TypeScript resolves them (extends and all), the files the type-check covers, and a type error caught.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";
import { parse } from "yaml";
import { PROJECT_DIR } from "../tools/engine";
import { TYPE_CHECK, typeScriptFiles } from "../tools/test-runner";
import { tempDir } from "./support/tmp";

const ts = require("typescript") as typeof TS;

/** A tsconfig as tsc reads it: its `extends` followed, its files listed. */
function parsed(tsconfig: string): TS.ParsedCommandLine {
    const config = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    expect(config, tsconfig).to.not.equal(undefined);
    expect(
        config!.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
        tsconfig,
    ).to.deep.equal([]);
    return config!;
}

describe("type-checking", () => {
    it("Pulumi.yaml runs the program through a tsconfig that skips the check (the SDK's transpileOnly), as CommonJS, and is otherwise the checked one", () => {
        const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
        expect(project.runtime.name).to.equal("nodejs");
        expect(project.runtime.options.typescript).to.equal(true);
        // @pulumi/pulumi's cmd/run hands ts-node `transpileOnly: compilerOptions.noCheck` of that file.
        const run = parsed(path.join(PROJECT_DIR, project.runtime.options.tsconfig)).options;
        const checked = parsed(path.join(PROJECT_DIR, "tsconfig.json")).options;
        expect(run.noCheck).to.equal(true);
        // The program runs as CommonJS (require), which the check models with node20 (Node 22's require of ES modules).
        expect([run.module, run.moduleResolution]).to.deep.equal([ts.ModuleKind.CommonJS, ts.ModuleResolutionKind.Node10]);
        expect([checked.module, checked.moduleResolution]).to.deep.equal([ts.ModuleKind.Node20, ts.ModuleResolutionKind.Node16]);
        const { noCheck: _, configFilePath: _run, module: _m, moduleResolution: _r, ...rest } = run;
        const { configFilePath: _checked, module: _cm, moduleResolution: _cr, ...checkedRest } = checked;
        expect(rest).to.deep.equal(checkedRest);
    });

    it("npm test type-checks every TypeScript file of the project, strictly", () => {
        const dir = path.resolve(PROJECT_DIR, TYPE_CHECK.argv[TYPE_CHECK.argv.indexOf("-p") + 1]);
        expect(TYPE_CHECK.argv).to.include("--noEmit");
        const config = parsed(path.join(dir, "tsconfig.json"));
        expect(config.options.strict).to.equal(true);
        expect(config.options.noCheck).to.not.equal(true);
        const covered = new Set(config.fileNames.map((f) => path.resolve(f)));
        expect(typeScriptFiles().filter((f) => !covered.has(f))).to.deep.equal([]);
    });

    it("the type-check npm test runs fails on a type error and on an implicit any, with the project's options", function () {
        this.timeout(30000);
        const dir = tempDir("membrane-typecheck-");
        try {
            fs.writeFileSync(path.join(dir, "broken.ts"), 'export const n: number = "text";\nexport function f(x) {\n    return x;\n}\n');
            // The project's options; only the compiler's own library, since the project's @types are not found from here.
            fs.writeFileSync(
                path.join(dir, "tsconfig.json"),
                JSON.stringify({
                    extends: path.join(PROJECT_DIR, "tsconfig.json"),
                    compilerOptions: { types: [] },
                    include: [],
                    files: ["broken.ts"],
                }),
            );
            const [compiler] = TYPE_CHECK.argv;
            const run = spawnSync(process.execPath, [compiler, "--noEmit", "--pretty", "false", "-p", dir], { encoding: "utf8" });
            expect(run.status, run.stdout + run.stderr).to.not.equal(0);
            expect(run.stdout).to.include("error TS2322").and.include("error TS7006");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
