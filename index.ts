// Membrane on AWS: stack config -> five components -> Membrane's environment variables as stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "./components/config";
import { readStackConfig } from "./components/config-source";
import { Database, databaseArgs } from "./components/database";
import { membraneEnvironment } from "./components/env";
import { Storage } from "./components/storage";

const config = parseConfig(readStackConfig());
config.warnings.forEach((w) => pulumi.log.warn(w));

const storage = new Storage("storage", {
    environment: config.environment,
    production: config.production,
    ...config.storage,
});

const database = new Database("database", databaseArgs(config));

export = {
    ...membraneEnvironment({
        region: config.region,
        tmpBucket: storage.tmpBucketName,
        connectorsBucket: storage.connectorsBucketName,
        staticBucket: storage.staticBucketName,
        mongoUri: database.mongoUri,
    }),
};
