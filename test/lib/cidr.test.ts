import { expect } from "chai";
import { parseIpv4Cidr } from "../../lib/cidr";

describe("config: IPv4 CIDR parsing", () => {
    const cases: Array<[string, number | RegExp]> = [
        ["10.0.0.0/16", 16],
        ["192.168.10.0/24", 24],
        ["203.0.113.24/32", 32],
        ["0.0.0.0/0", 0],
        ["10.0.0.1/24", /host bits/],
        ["256.0.0.0/8", /not a valid/],
        ["10.0.0.0/33", /not a valid/],
        ["10.0.0/16", /must be an IPv4 CIDR/],
        ["fd00::/8", /must be an IPv4 CIDR/],
    ];
    for (const [cidr, expected] of cases) {
        it(`${cidr} -> ${expected}`, () => {
            const parsed = parseIpv4Cidr(cidr);
            if (typeof expected === "number") {
                expect(parsed).to.have.property("prefix", expected);
            } else {
                expect(parsed).to.be.a("string").and.match(expected);
            }
        });
    }
});
