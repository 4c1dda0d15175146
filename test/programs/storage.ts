// Storage alone, with fixed arguments; MEMBRANE_TEST_PRODUCTION switches production on.
import { Storage } from "../../components/storage/storage";

const storage = new Storage("files", {
    environment: "qa",
    bucketNames: { tmp: "t-qa-tmp", connectors: "t-qa-connectors", static: "t-qa-static" },
    tmpExpirationDays: 5,
    connectorsNoncurrentVersionDays: 30,
    corsAllowedOrigins: ["https://app.example.com", "https://admin.example.com"],
    production: process.env.MEMBRANE_TEST_PRODUCTION === "true",
});

export const tmpBucketName = storage.tmpBucketName;
export const staticBucketArn = storage.staticBucketArn;
