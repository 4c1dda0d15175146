// Database alone, with fixed arguments. MEMBRANE_TEST_DB selects the case: "access-list" (default),
// "private-link", "existing-project", "external" or "external-plain" (the URI handed over as a plain
// value: the component alone must make it secret); MEMBRANE_TEST_PRODUCTION switches production on;
// MEMBRANE_TEST_PE_WAIT ("<attempts>,<seconds>") sets how long PrivateLink waits for Atlas's private string.
import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs } from "../../components/database/database";

const which = process.env.MEMBRANE_TEST_DB ?? "access-list";
const production = process.env.MEMBRANE_TEST_PRODUCTION === "true";
const [attempts, intervalSeconds] = (process.env.MEMBRANE_TEST_PE_WAIT ?? "").split(",").map(Number);

const EXTERNAL_URI = "mongodb://app:s3cret@mongo.internal.example:27017/membrane?replicaSet=rs0";

const args: DatabaseArgs =
    which === "external" || which === "external-plain"
        ? { mode: "external", mongoUri: which === "external" ? pulumi.secret(EXTERNAL_URI) : EXTERNAL_URI }
        : {
              mode: "atlas",
              environment: "qa",
              production,
              project:
                  which === "existing-project"
                      ? { id: "fedcba9876543210fedcba98" }
                      : { name: "membrane-qa", orgId: "0123456789abcdef01234567" },
              clusterName: "membrane-qa",
              regionName: "EU_WEST_1",
              instanceSize: "M30",
              mongoVersion: "7.0",
              databaseName: "membrane-qa",
              username: "qa-app",
              accessCidrs: which === "private-link" ? [] : ["203.0.113.24/32", "198.51.100.0/28"],
              // The VPC as an awsx VPC or another stack would give it: outputs.
              privateLink:
                  which === "private-link"
                      ? {
                            vpcId: pulumi.output("vpc-0a1b2c3d"),
                            vpcCidr: pulumi.output("10.40.0.0/16"),
                            subnetIds: pulumi.output(["subnet-0a1b2c3d", "subnet-0e1f2a3b"]),
                            region: "eu-west-1",
                            ...(attempts ? { wait: { attempts, intervalSeconds } } : {}),
                        }
                      : undefined,
          };

const database = new Database("db", args);

export const mongoUri = database.mongoUri;
