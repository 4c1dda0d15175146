import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { clearCaches } from "../../tools/bench";
import { CACHE, CHECKS } from "../../tools/test-runner";
import { tempDir } from "../support/tmp";

describe("npm run bench", () => {
    it("measures a fresh clone with none of the caches npm test keeps: the transpiled files and every check's", () => {
        const dir = tempDir("membrane-bench-");
        const caches = path.join(dir, "node_modules", ".cache");
        // Every cache the runner's checks name, the transpile cache, and one of another tool's, which stays.
        const named = CHECKS.flatMap((c) =>
            c.argv.filter((a) => a.startsWith(CACHE)).map((a) => a.slice(CACHE.length + 1).split(path.sep)[0]),
        );
        expect(named).to.have.length.greaterThan(1);
        for (const name of [...named, "membrane-ts", "other-tool"]) {
            fs.mkdirSync(path.join(caches, name), { recursive: true });
            fs.writeFileSync(path.join(caches, name, "x"), "cached");
        }
        expect(clearCaches(dir)).to.deep.equal([...new Set([...named, "membrane-ts"])].sort());
        expect(fs.readdirSync(caches)).to.deep.equal(["other-tool"]);
    });
});
