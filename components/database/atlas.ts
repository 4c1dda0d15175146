// What MongoDB Atlas offers on AWS, from its documentation: the regions it deploys dedicated clusters to,
// under its own names, and its dedicated tiers. Read by the database reader and the Atlas adoption review.

// Atlas's names for the AWS regions it deploys dedicated clusters to (Atlas docs, "Amazon Web Services (AWS)",
// Supported Regions; the same list as mongodb-js/mongodb-mcp-server's ATLAS_REGIONS). Atlas runs no
// commercial clusters in GovCloud or China: those need Atlas for Government or are not offered.
export const ATLAS_AWS_REGIONS: Readonly<Record<string, string>> = {
    "us-east-1": "US_EAST_1",
    "us-east-2": "US_EAST_2",
    "us-west-1": "US_WEST_1",
    "us-west-2": "US_WEST_2",
    "ca-central-1": "CA_CENTRAL_1",
    "ca-west-1": "CA_WEST_1",
    "mx-central-1": "MX_CENTRAL_1",
    "sa-east-1": "SA_EAST_1",
    "eu-west-1": "EU_WEST_1",
    "eu-west-2": "EU_WEST_2",
    "eu-west-3": "EU_WEST_3",
    "eu-central-1": "EU_CENTRAL_1",
    "eu-central-2": "EU_CENTRAL_2",
    "eu-north-1": "EU_NORTH_1",
    "eu-south-1": "EU_SOUTH_1",
    "eu-south-2": "EU_SOUTH_2",
    "ap-east-1": "AP_EAST_1",
    "ap-east-2": "AP_EAST_2",
    "ap-northeast-1": "AP_NORTHEAST_1",
    "ap-northeast-2": "AP_NORTHEAST_2",
    "ap-northeast-3": "AP_NORTHEAST_3",
    "ap-south-1": "AP_SOUTH_1",
    "ap-south-2": "AP_SOUTH_2",
    "ap-southeast-1": "AP_SOUTHEAST_1",
    "ap-southeast-2": "AP_SOUTHEAST_2",
    "ap-southeast-3": "AP_SOUTHEAST_3",
    "ap-southeast-4": "AP_SOUTHEAST_4",
    "ap-southeast-5": "AP_SOUTHEAST_5",
    "ap-southeast-6": "AP_SOUTHEAST_6",
    "ap-southeast-7": "AP_SOUTHEAST_7",
    "me-south-1": "ME_SOUTH_1",
    "me-central-1": "ME_CENTRAL_1",
    "il-central-1": "IL_CENTRAL_1",
    "af-south-1": "AF_SOUTH_1",
};

/** Atlas's region name for an AWS region (`us-east-1` -> `US_EAST_1`); undefined where Atlas has no clusters. */
export function atlasRegion(awsRegion: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(ATLAS_AWS_REGIONS, awsRegion) ? ATLAS_AWS_REGIONS[awsRegion] : undefined;
}

// Dedicated tiers Atlas offers on AWS (Atlas docs, "Amazon Web Services (AWS)", cluster tiers): general
// purpose and low-CPU. NVMe tiers need their own storage settings; Azure/GCP-only tiers (M90, M250, R600) do not exist on AWS.
export const ATLAS_AWS_TIERS: readonly string[] = [
    "M10",
    "M20",
    "M30",
    "M40",
    "M50",
    "M60",
    "M80",
    "M140",
    "M200",
    "M300",
    "M400",
    "M700",
    "R40",
    "R50",
    "R60",
    "R80",
    "R200",
    "R300",
    "R400",
    "R700",
];
