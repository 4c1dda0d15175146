// Cdn alone, on a Storage of its own, with fixed arguments; MEMBRANE_TEST_DOMAIN=none drops the custom domain.
import { Cdn } from "../../components/cdn/cdn";
import { Storage } from "../../components/storage/storage";

const storage = new Storage("files", {
    environment: "qa",
    bucketNames: { tmp: "t-qa-tmp", connectors: "t-qa-connectors", static: "t-qa-static" },
    tmpExpirationDays: 5,
    connectorsNoncurrentVersionDays: 30,
    corsAllowedOrigins: ["https://app.example.com", "https://admin.example.com"],
    production: false,
});

const cdn = new Cdn("web", {
    environment: "qa",
    namePrefix: "t-",
    origin: storage.static,
    customDomain:
        process.env.MEMBRANE_TEST_DOMAIN === "none" ? undefined : { hostedZoneName: "example.org", domainName: "cdn.qa.example.org" },
    priceClass: "PriceClass_200",
    minimumTlsVersion: "TLSv1.2_2025",
});

export const baseStaticUri = cdn.baseStaticUri;
export const customDomainUrl = cdn.customDomainUrl;
