import { expect } from "chai";
import { bucketName, bucketNameProblems, childName, tags } from "../../lib/naming";

describe("naming", () => {
    it("composes the seed's bucket names behind the prefix", () => {
        expect(bucketName("", "prod", "tmp")).to.equal("prod-integration-app-tmp");
        expect(bucketName("acme-", "staging", "connectors")).to.equal("acme-staging-integration-app-connectors");
        expect(bucketName("acme-", "prod", "static")).to.equal("acme-prod-integration-app-static");
    });

    const names: Array<[string, RegExp | null]> = [
        ["acme-prod-integration-app-tmp", null],
        ["abc", null],
        ["a".repeat(63), null],
        ["ab", /3 to 63/],
        ["a".repeat(64), /64 characters long; S3 allows 3 to 63/],
        ["Acme-prod", /only lowercase letters, digits, hyphens and dots/],
        ["acme_prod", /only lowercase letters/],
        ["-acme", /begin and end with a letter or digit/],
        ["acme-", /begin and end with a letter or digit/],
        ["acme..prod", /two adjacent dots/],
        ["192.168.5.4", /IP address/],
        ["acme.prod", /should not contain dots/],
        ["xn--acme", /reserved prefix "xn--"/],
        ["sthree-acme", /reserved prefix "sthree-"/],
        ["amzn-s3-demo-acme", /reserved prefix "amzn-s3-demo-"/],
        ["acme-s3alias", /reserved suffix "-s3alias"/],
        ["acme--ol-s3", /reserved suffix "--ol-s3"/],
        ["acme.mrap", /reserved suffix ".mrap"/],
        ["acme--x-s3", /reserved suffix "--x-s3"/],
        ["acme--table-s3", /reserved suffix "--table-s3"/],
    ];
    for (const [name, problem] of names) {
        it(`${problem ? "refuses" : "accepts"} bucket name "${name.length > 20 ? name.slice(0, 20) + "…" : name}"`, () => {
            const problems = bucketNameProblems(name);
            if (problem) {
                expect(
                    problems.some((p) => problem.test(p)),
                    problems.join("; "),
                ).to.equal(true);
            } else {
                expect(problems).to.deep.equal([]);
            }
        });
    }

    it("tags every resource as the seed does, plus its own tags", () => {
        expect(tags("prod")).to.deep.equal({ Environment: "prod", Service: "membrane" });
        expect(tags("prod", { Purpose: "static-files" })).to.deep.equal({
            Environment: "prod",
            Service: "membrane",
            Purpose: "static-files",
        });
    });

    it("derives child names from the component's name", () => {
        expect(childName("storage", "tmp")).to.equal("storage-tmp");
    });
});
