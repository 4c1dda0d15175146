// membraneEnvironment alone, fed plain strings: whatever the components hand it, credentials leave as secrets.
import { membraneEnvironment } from "../../components/outputs/env";

export = membraneEnvironment({
    region: "eu-west-1",
    tmpBucket: "t-tmp",
    connectorsBucket: "t-connectors",
    staticBucket: "t-static",
    baseStaticUri: "https://static.example.com",
    redis: { uri: "rediss://:token@redis.example:6379", clusterMode: process.env.MEMBRANE_TEST_CLUSTER === "true" },
    mongoUri: "mongodb+srv://u:p@db.example/membrane",
    secret: "s".repeat(40),
    encryptionSecret: "e".repeat(40),
});
