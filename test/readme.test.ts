// The README's configuration table is the user's reference: it must match Pulumi.yaml key for key.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../tools/engine";
import { loadProject } from "../tools/stack-config";

const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");

function configTable(): Map<string, { type: string; def: string }> {
    const rows = new Map<string, { type: string; def: string }>();
    for (const m of readme.matchAll(/^\| `([a-zA-Z0-9:]+)` \| (string|integer|boolean|array) \| ([^|]+) \|/gm)) {
        rows.set(m[1], { type: m[2], def: m[3].trim() });
    }
    return rows;
}

describe("README", () => {
    it("documents every config key with Pulumi.yaml's type and default, and no other", () => {
        const project = loadProject(PROJECT_DIR);
        const table = configTable();
        const expected = new Map<string, { type: string; def: string }>([["aws:region", { type: "string", def: "(required)" }]]);
        for (const [key, entry] of Object.entries(project.config)) {
            const def = entry.default === undefined ? "(required)" : `\`${typeof entry.default === "string" ? entry.default === "" ? '""' : entry.default : JSON.stringify(entry.default)}\``;
            expected.set(key.replace(/^membrane:/, ""), { type: String(entry.type), def });
        }
        expect(Object.fromEntries(table)).to.deep.equal(Object.fromEntries(expected));
    });

    it("gives the quick-start commands", () => {
        expect(readme).to.include("npm ci && npm start");
        expect(readme).to.include("npm test");
    });
});
