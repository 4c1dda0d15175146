// Where raw config comes from at run time: the config the CLI (or the offline engine) handed the program.
import * as pulumi from "@pulumi/pulumi";
import { RawConfig } from "./config-reader";

/** All of the stack's config, with the keys that are secret. */
export function readStackConfig(): RawConfig {
    const values = pulumi.runtime.allConfig();
    // isConfigSecret is the SDK's own record of PULUMI_CONFIG_SECRET_KEYS; it is not in its typings.
    const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    return { values, secretKeys: Object.keys(values).filter((k) => isConfigSecret(k)) };
}
