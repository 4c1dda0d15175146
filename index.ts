// Membrane on AWS: stack config -> five components -> Membrane's environment variables as stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "./components/config";
import { readStackConfig } from "./components/config-source";
import { membraneEnvironment } from "./components/env";
import { Redis } from "./components/redis";
import { Storage } from "./components/storage";

const config = parseConfig(readStackConfig());
config.warnings.forEach((w) => pulumi.log.warn(w));

const storage = new Storage("storage", {
    environment: config.environment,
    production: config.production,
    ...config.storage,
});

const redis = new Redis("redis", {
    environment: config.environment,
    production: config.production,
    ...config.network,
    ...config.redis,
});

export = {
    ...membraneEnvironment({
        region: config.region,
        tmpBucket: storage.tmpBucketName,
        connectorsBucket: storage.connectorsBucketName,
        staticBucket: storage.staticBucketName,
        redis: { uri: redis.uri, clusterMode: config.redis.topology.clusterMode },
    }),
};
