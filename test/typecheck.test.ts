// `pulumi up` runs the program without type-checking (speed); `npm test` must still catch type errors.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../tools/engine";

const readJson = (f: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, f), "utf8"));

describe("type-checking", () => {
    it("Pulumi.yaml runs TypeScript through tsconfig.pulumi.json, which transpiles only", () => {
        const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
        expect(project.runtime.name).to.equal("nodejs");
        expect(project.runtime.options).to.include({ typescript: true, tsconfig: "tsconfig.pulumi.json" });
        const pulumiTsconfig = readJson("tsconfig.pulumi.json");
        expect(pulumiTsconfig.extends).to.equal("./tsconfig.json");
        expect(pulumiTsconfig.compilerOptions.noCheck).to.equal(true);
    });

    it("the tsconfig that npm test checks with is strict and does not skip checking", () => {
        const tsconfig = readJson("tsconfig.json");
        expect(tsconfig.compilerOptions.strict).to.equal(true);
        expect(tsconfig.compilerOptions).to.not.have.property("noCheck");
        expect(readJson("package.json").scripts.test).to.match(/^tsc --noEmit -p \. && /);
    });

    it("a deliberate type error fails the type-check npm test runs", function () {
        this.timeout(120000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "membrane-typecheck-"));
        try {
            fs.writeFileSync(path.join(dir, "broken.ts"), 'export const port: number = "6379";\n');
            fs.writeFileSync(
                path.join(dir, "tsconfig.json"),
                JSON.stringify({
                    extends: path.join(PROJECT_DIR, "tsconfig.json"),
                    include: ["broken.ts"],
                    compilerOptions: { types: [] },
                }),
            );
            const tsc = require.resolve("typescript/bin/tsc");
            const run = spawnSync(process.execPath, [tsc, "--noEmit", "-p", dir], { encoding: "utf8" });
            expect(run.status).to.not.equal(0);
            expect(run.stdout).to.match(/broken\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
