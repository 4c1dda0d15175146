import { expect } from "chai";
import { readSettings } from "../../../components/settings";
import { dnsNameProblems } from "../../../components/cdn/settings";
import { VALID, problemsOf, raw } from "../../harness";
import { itRefuses, Refusal } from "../../support/settings";

describe("config: cdn", () => {
    it("takes Pulumi.yaml's defaults: the seed's price class and TLS policy, static.<environment>.<zone>", () => {
        const c = readSettings(raw(VALID));
        expect(c.cdn).to.deep.equal({
            environment: "prod",
            namePrefix: "acme-",
            customDomain: { hostedZoneName: "acme.example.com", domainName: "static.prod.acme.example.com" },
            priceClass: "PriceClass_100",
            minimumTlsVersion: "TLSv1.2_2021",
            nameSuffix: "",
            existing: { distributionId: undefined, originAccessControlId: undefined },
        });
        expect(c.warnings).to.deep.equal([]);
    });

    it("accepts a static name inside the zone, at its apex, and every allowed price class and TLS policy", () => {
        for (const staticDomainName of ["assets.acme.example.com", "a.b.acme.example.com", "acme.example.com", "x-1.acme.example.com"]) {
            expect(readSettings(raw({ ...VALID, staticDomainName })).cdn.customDomain, staticDomainName).to.deep.equal({
                hostedZoneName: "acme.example.com",
                domainName: staticDomainName,
            });
        }
        for (const cdnPriceClass of ["PriceClass_100", "PriceClass_200", "PriceClass_All"]) {
            expect(readSettings(raw({ ...VALID, cdnPriceClass })).cdn.priceClass).to.equal(cdnPriceClass);
        }
        for (const cdnMinimumTlsVersion of ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]) {
            expect(readSettings(raw({ ...VALID, cdnMinimumTlsVersion })).cdn.minimumTlsVersion).to.equal(cdnMinimumTlsVersion);
        }
    });

    it("without hostedZoneName: no custom domain, and a warning that says what that means", () => {
        const c = readSettings(raw({ ...VALID, hostedZoneName: "" }));
        expect(c.cdn.customDomain).to.equal(undefined);
        expect(c.warnings).to.have.lengthOf(1);
        expect(c.warnings[0]).to.match(/^membrane:hostedZoneName is empty: .*\*\.cloudfront\.net.*TLSv1/);
    });

    const long63 = "a".repeat(63);
    const bad: Refusal[] = [
        [
            "a zone with one label",
            { hostedZoneName: "localhost" },
            /^membrane:hostedZoneName: must have at least two labels, such as example.com \(got "localhost"\)$/,
        ],
        [
            "a zone with a trailing dot",
            { hostedZoneName: "acme.example.com." },
            /^membrane:hostedZoneName: must not end with a dot .*\(got "acme.example.com."\)$/,
        ],
        [
            "a zone in uppercase",
            { hostedZoneName: "Acme.Example.com" },
            /^membrane:hostedZoneName: must be lowercase \(got "Acme.Example.com"\)$/,
        ],
        [
            "a zone with an underscore",
            { hostedZoneName: "acme_corp.com" },
            /^membrane:hostedZoneName: has "acme_corp" as a label; each label is 1 to 63 letters, digits and hyphens/,
        ],
        ["a zone with an empty label", { hostedZoneName: "acme..com" }, /^membrane:hostedZoneName: has "" as a label/],
        ["a zone starting with a dot", { hostedZoneName: ".acme.com" }, /^membrane:hostedZoneName: has "" as a label/],
        ["a label starting with a hyphen", { hostedZoneName: "-acme.com" }, /^membrane:hostedZoneName: has "-acme" as a label/],
        ["a label ending with a hyphen", { hostedZoneName: "acme-.com" }, /^membrane:hostedZoneName: has "acme-" as a label/],
        ["a label of 64 characters", { hostedZoneName: `${"a".repeat(64)}.com` }, /^membrane:hostedZoneName: has "a{64}" as a label/],
        ["a wildcard zone", { hostedZoneName: "*.acme.com" }, /^membrane:hostedZoneName: has "\*" as a label/],
        ["a zone with a space", { hostedZoneName: "acme .com" }, /^membrane:hostedZoneName: has "acme " as a label/],
        ["an IP address as the zone", { hostedZoneName: "10.0.0.1" }, /^membrane:hostedZoneName: must not end with an all-numeric label/],
        [
            "a zone longer than 253 characters",
            { hostedZoneName: [long63, long63, long63, long63].join(".") },
            /^membrane:hostedZoneName: is 255 characters long; a DNS name has at most 253/,
        ],
        [
            "a zone that makes the default static name longer than ACM's 64",
            { hostedZoneName: `${"z".repeat(41)}.example.com` },
            /^membrane:hostedZoneName: makes the static domain name "static\.prod\.z{41}\.example\.com", which is 65 characters long; ACM allows 64 for a certificate's domain name \(RFC 5280\); set a shorter membrane:staticDomainName$/,
        ],
        [
            "a static name outside the zone",
            { staticDomainName: "static.other.org" },
            /^membrane:staticDomainName: must be inside membrane:hostedZoneName "acme.example.com": .*DNS records in that zone.*\(got "static.other.org"\)$/,
        ],
        [
            "a static name that only ends with the zone's text",
            { staticDomainName: "notacme.example.com" },
            /^membrane:staticDomainName: must be inside membrane:hostedZoneName/,
        ],
        [
            "a static name that is the zone's parent",
            { staticDomainName: "example.com" },
            /^membrane:staticDomainName: must be inside membrane:hostedZoneName/,
        ],
        [
            "a static name with an underscore",
            { staticDomainName: "my_static.acme.example.com" },
            /^membrane:staticDomainName: has "my_static" as a label/,
        ],
        ["a static name in uppercase", { staticDomainName: "Static.acme.example.com" }, /^membrane:staticDomainName: must be lowercase/],
        [
            "a static name longer than ACM's 64 characters",
            { staticDomainName: `${"s".repeat(50)}.acme.example.com` },
            /^membrane:staticDomainName: is 67 characters long; ACM allows 64 for a certificate's domain name \(RFC 5280\)/,
        ],
        [
            "a static name without a zone",
            { hostedZoneName: "", staticDomainName: "static.acme.example.com" },
            /^membrane:staticDomainName: needs membrane:hostedZoneName: the certificate's DNS validation records and the alias records go in that zone \(got "static.acme.example.com"\)$/,
        ],
        [
            "an unknown price class",
            { cdnPriceClass: "PriceClass_300" },
            /^membrane:cdnPriceClass: must be one of PriceClass_100, PriceClass_200, PriceClass_All \(got "PriceClass_300"\)$/,
        ],
        ["a price class in lowercase", { cdnPriceClass: "priceclass_all" }, /^membrane:cdnPriceClass: must be one of/],
        [
            "TLS policy TLSv1",
            { cdnMinimumTlsVersion: "TLSv1" },
            /^membrane:cdnMinimumTlsVersion: must be one of TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025 \(got "TLSv1"\)$/,
        ],
        [
            "TLS policy TLSv1.2_2019",
            { cdnMinimumTlsVersion: "TLSv1.2_2019" },
            /^membrane:cdnMinimumTlsVersion: must be one of .*\(got "TLSv1.2_2019"\)$/,
        ],
        ["TLS policy written as a version", { cdnMinimumTlsVersion: "1.3" }, /^membrane:cdnMinimumTlsVersion: must be one of/],
        [
            "a price class missing from Pulumi.yaml",
            { cdnPriceClass: undefined },
            /^membrane:cdnPriceClass: has no value \(its default belongs in Pulumi.yaml\)$/,
        ],
    ];
    itRefuses(bad);

    it("a bad environment is reported once, on its own key, not again through the static name", () => {
        const problems = problemsOf({ environment: "Prod_Env" });
        expect(problems.filter((p) => p.startsWith("membrane:hostedZoneName"))).to.deep.equal([]);
    });

    it("reports every CDN problem at once", () => {
        const problems = problemsOf({ hostedZoneName: "bad_zone", cdnPriceClass: "x", cdnMinimumTlsVersion: "y" });
        expect(problems.map((p) => p.split(":")[1]).sort()).to.deep.equal([
            "cdnMinimumTlsVersion",
            "cdnPriceClass",
            "hostedZoneName",
            "hostedZoneName",
        ]);
    });
});

describe("config: DNS names", () => {
    const valid = [
        "example.com",
        "a.co",
        "static.prod.acme.example.com",
        "xn--bcher-kva.example",
        "1password.com",
        `${"a".repeat(63)}.com`,
        "a-b.c-d.e1",
    ];
    for (const name of valid) {
        it(`accepts ${name.length > 40 ? `${name.slice(0, 12)}…` : name}`, () => {
            expect(dnsNameProblems(name)).to.deep.equal([]);
        });
    }
    const invalid: Array<[string, RegExp]> = [
        ["", /at least two labels/],
        ["com", /at least two labels/],
        ["example.com.", /must not end with a dot/],
        ["EXAMPLE.com", /must be lowercase/],
        ["ex ample.com", /"ex ample" as a label/],
        ["example.123", /all-numeric/],
        ["a..b", /"" as a label/],
        ["-a.b", /"-a" as a label/],
    ];
    for (const [name, rule] of invalid) {
        it(`refuses "${name}"`, () => {
            expect(dnsNameProblems(name).join("; ")).to.match(rule);
        });
    }
});
