// `pulumi up` runs the program without type-checking (speed); `npm test` must still catch type errors:
// the configuration that makes both so.
import { expect } from "chai";
import * as fs from "fs";
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
});
