// What every reader derives from: the stack's identity (region, environment, production, the name prefix and
// suffix) and its network. Read first; a refused value is reported once, here. Pure.
import { parseIpv4Cidr } from "../lib/cidr";
import { ConfigReader, duplicates, shown } from "../lib/config-reader";
import { ENVIRONMENT, NAME_PREFIX } from "../lib/naming";
import { SUBNET_ID, VPC_ID } from "../lib/patterns";
import { regionProblem } from "./regions";

export interface Stack {
    /** aws:region, where everything but what CloudFront needs in us-east-1 lives; "" when it is refused. */
    readonly region: string;
    readonly environment: string;
    readonly production: boolean;
    readonly namePrefix: string;
    /** `-<aws:region>` with membrane:regionInNames, appended to the names AWS scopes to the account or the world; "" otherwise. */
    readonly nameSuffix: string;
}

/** The VPC Membrane runs in: Redis and the Atlas endpoint go into its private subnets. */
export interface Network {
    readonly vpcId: string;
    readonly vpcCidr: string;
    readonly privateSubnetIds: readonly string[];
}

/** The stack's identity: region, environment, production, and the name prefix and suffix. */
export function readStack(r: ConfigReader, stack: string): Stack {
    const region = r.string("aws:region");
    if (!region) {
        r.problem("aws:region", "is required and has no value: pulumi config set aws:region <region> (for example us-east-1)");
    } else {
        const problem = regionProblem(region, r.string("aws:skipRegionValidation") === "true");
        if (problem) {
            r.problem("aws:region", problem);
        }
    }
    const environment = r.string("environment", { required: true });
    if (environment && !ENVIRONMENT.test(environment)) {
        const fix = lowercaseName(environment).replace(/^[^a-z]+|-+$/g, "");
        r.problem(
            "environment",
            `must be 2 or more lowercase letters, digits and hyphens, start with a letter and end with a letter or digit: it is part of S3 bucket and AWS resource names (got ${shown(environment)})${ENVIRONMENT.test(fix) ? `; write ${fix}` : ""}`,
        );
    }
    const regionInNames = r.boolean("regionInNames");
    if (environment && stack && environment !== stack) {
        r.warn(
            `membrane:environment is "${environment}" but the stack is "${stack}": resource names come from the environment, so two stacks with one environment collide on deploy (a copied Pulumi.${environment}.yaml?). Set membrane:environment: ${stack} unless this is intended` +
                (regionInNames
                    ? "."
                    : `; a copy of the environment in another region (disaster recovery) needs membrane:regionInNames: true.`),
        );
    }
    const production = r.boolean("production");
    const namePrefix = r.string("namePrefix");
    if (namePrefix && !NAME_PREFIX.test(namePrefix)) {
        const fix = lowercaseName(namePrefix).replace(/^-+/, "");
        r.problem(
            "namePrefix",
            `must be lowercase letters, digits and hyphens, starting with a letter or digit: it begins every bucket name (got ${shown(namePrefix)})${NAME_PREFIX.test(fix) ? `; write ${fix}` : ""}`,
        );
    }
    // A refused region is reported once, here: the readers that derive from it see none.
    const known = region && !regionProblem(region, r.string("aws:skipRegionValidation") === "true") ? region : "";
    return { region: known, environment, production, namePrefix, nameSuffix: regionInNames && known ? `-${known}` : "" };
}

export function readNetwork(r: ConfigReader): Network {
    const vpcId = r.string("vpcId", { required: true });
    if (vpcId && !VPC_ID.test(vpcId)) {
        r.problem("vpcId", `must be a VPC id: "vpc-" and 8 or 17 hex digits (got "${vpcId}")`);
    }
    const vpcCidr = r.string("vpcCidr", { required: true });
    if (vpcCidr) {
        const parsed = parseIpv4Cidr(vpcCidr);
        if (typeof parsed === "string") {
            r.problem("vpcCidr", parsed);
        } else if (parsed.prefix < 16 || parsed.prefix > 28) {
            // A VPC's IPv4 block is between /16 and /28.
            r.problem("vpcCidr", `a VPC's CIDR block is between /16 and /28 (got /${parsed.prefix})`);
        }
    }
    const privateSubnetIds = r.list("privateSubnetIds", { required: true });
    for (const id of privateSubnetIds.filter((s) => !SUBNET_ID.test(s))) {
        r.problem("privateSubnetIds", `"${id}" is not a subnet id: "subnet-" and 8 or 17 hex digits`);
    }
    for (const id of duplicates(privateSubnetIds)) {
        r.problem("privateSubnetIds", `lists "${id}" more than once: remove the repeat (one private subnet per availability zone)`);
    }
    return { vpcId, vpcCidr, privateSubnetIds };
}

/** The value a user most likely meant for a name prefix or an environment: lowercase, other characters as hyphens. */
function lowercaseName(value: string): string {
    return value
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-");
}
