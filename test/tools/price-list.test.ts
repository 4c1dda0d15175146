// The estimate priced from AWS's Price List (npm start -- --price-list), on recorded GetProducts responses:
// which product prices a line, the cache and its refresh rules, what happens without credentials, and the
// fixture stacks in several regions, every AWS line of which the Price List prices.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Readable } from "stream";
import { cloudInRegion, evaluate } from "../harness";
import { memoryCache, recordedPriceList, recordings } from "../support/price-list";
import type { Evaluation } from "../../tools/engine";
import { CostEstimate, estimateCost, PRICE_LIST, PRICES, priceListQueries, stackPriceList } from "../../tools/estimate";
import { main, parseArgs } from "../../tools/plan";
import {
    askPriceList,
    fileCache,
    MAX_AGE_DAYS,
    PriceListAnswers,
    priceListEndpoint,
    PriceQuery,
    PriceSelector,
    queryKey,
    selectPrice,
} from "../../tools/price-list";
import { tempDir } from "../support/tmp";

const NOW = new Date("2026-12-07T09:30:00Z");
const DAY = 24 * 3600 * 1000;

/** The on-demand first-tier price of the one recorded product whose attributes are all these: read without the code under test. */
function recorded(service: string, attrs: Record<string, string>): number {
    const found = (recordings().get(service) ?? [])
        .map((e) => JSON.parse(e))
        .filter((p) => Object.entries(attrs).every(([k, v]) => p.product.attributes[k] === v));
    expect(found, `${service} ${JSON.stringify(attrs)}`).to.have.lengthOf(1);
    const dims = Object.values(found[0].terms.OnDemand).flatMap((t: any) => Object.values(t.priceDimensions)) as any[];
    return Number(dims.find((d) => d.beginRange === "0").pricePerUnit.USD);
}

async function answers(queries: readonly PriceQuery[], client = recordedPriceList()): Promise<PriceListAnswers> {
    return askPriceList(queries, { client, endpoint: "us-east-1", cache: memoryCache(), now: NOW });
}

const price = (a: PriceListAnswers, sel: PriceSelector) => {
    const found = selectPrice(a, sel);
    if (!("price" in found)) {
        throw new Error(found.reason);
    }
    return found.price;
};

describe("the Price List: which product prices a line", () => {
    it("an ElastiCache node: the on-demand NodeUsage product of its engine, not Extended Support, Memcached or a reserved term", async () => {
        const sydney = PRICE_LIST.elastiCacheNode("ap-southeast-2", "cache.t4g.medium", "redis");
        const ireland = PRICE_LIST.elastiCacheNode("eu-west-1", "cache.t3.medium", "valkey");
        const virginia = PRICE_LIST.elastiCacheNode("us-east-1", "cache.t3.medium", "redis");
        const a = await answers([sydney.query, ireland.query, virginia.query]);
        expect(price(a, sydney)).to.deep.include({
            usd: recorded("AmazonElastiCache", { usagetype: "APS2-NodeUsage:cache.t4g.medium", cacheEngine: "Redis" }),
            unit: "Hrs",
            usageType: "APS2-NodeUsage:cache.t4g.medium",
            fetched: NOW.toISOString(),
            cached: false,
        });
        // Valkey has its own products: not the Redis OSS price times a factor.
        expect(price(a, ireland)).to.deep.include({
            usd: recorded("AmazonElastiCache", { usagetype: "EU-NodeUsage:cache.t3.medium", cacheEngine: "Valkey" }),
            usageType: "EU-NodeUsage:cache.t3.medium",
        });
        // us-east-1's usage types have no region prefix here; the reserved term of the recording is ignored.
        expect(price(a, virginia).usageType).to.equal("NodeUsage:cache.t3.medium");
        expect(a.answers.get(queryKey(sydney.query))!.priceList, "the neighbours are in the answer").to.have.lengthOf(2);
    });

    it("the same answer prices two products: an endpoint's hours and its data's first tier", async () => {
        const hours = PRICE_LIST.vpcEndpointHours("ap-southeast-2");
        const bytes = PRICE_LIST.vpcEndpointBytes("ap-southeast-2");
        expect(queryKey(hours.query)).to.equal(queryKey(bytes.query));
        const client = recordedPriceList();
        const a = await answers([hours.query, bytes.query], client);
        expect(client.requests).to.have.lengthOf(1);
        expect(price(a, hours)).to.deep.include({ usd: recorded("AmazonVPC", { usagetype: "APS2-VpcEndpoint-Hours" }), unit: "Hrs" });
        expect(price(a, bytes)).to.deep.include({ usd: 0.01, unit: "GB", usageType: "APS2-VpcEndpoint-Bytes" });
    });

    it("never borrows another region's price: a region the Price List does not answer for has none", async () => {
        const saoPaulo = PRICE_LIST.elastiCacheNode("sa-east-1", "cache.t3.medium", "redis");
        const a = await answers([saoPaulo.query]);
        expect(selectPrice(a, saoPaulo)).to.deep.equal({ reason: "the Price List has no cache.t3.medium node-hours (Redis) in sa-east-1" });
        // A product of another region in the answer is not taken either.
        const tampered: PriceListAnswers = {
            ...a,
            answers: new Map([
                [
                    queryKey(saoPaulo.query),
                    { ...a.answers.get(queryKey(saoPaulo.query))!, priceList: recordings().get("AmazonElastiCache")! },
                ],
            ]),
        };
        expect(selectPrice(tampered, saoPaulo)).to.have.property("reason");
    });

    it("refuses to choose between two products, and a price per the wrong unit", async () => {
        const alarm = PRICE_LIST.alarm("eu-west-1");
        const a = await answers([alarm.query]);
        const entry = a.answers.get(queryKey(alarm.query))!;
        const twice = entry.priceList.find((e) => e.includes('"EU-CW:AlarmMonitorUsage"'))!;
        const other = twice.replace(/"sku":"([A-Z0-9]+)"/g, '"sku":"ZZZZZZZZZZZZZZZZ"');
        const doubled: PriceListAnswers = { ...a, answers: new Map([[queryKey(alarm.query), { ...entry, priceList: [twice, other] }]]) };
        expect((selectPrice(doubled, alarm) as { reason: string }).reason).to.match(/has 2 products for standard CloudWatch alarm-months/);
        expect((selectPrice(a, { ...alarm, per: "hour" }) as { reason: string }).reason).to.equal(
            "the Price List prices standard CloudWatch alarm-months in eu-west-1 per Alarms, not per hour",
        );
    });

    it("reads every page of an answer", async () => {
        const client = recordedPriceList({ pageSize: 1 });
        const sel = PRICE_LIST.alarm("us-east-2");
        const a = await answers([sel.query], client);
        expect(client.requests.map((r) => r.NextToken === undefined)).to.deep.equal([true, false, false]);
        expect(price(a, sel)).to.deep.include({ usd: recorded("AmazonCloudWatch", { usagetype: "USE2-CW:AlarmMonitorUsage" }) });
    });

    it("asks the endpoint nearest the stack: us-east-1, eu-central-1 or ap-south-1", () => {
        expect(["us-east-2", "eu-west-1", "ap-southeast-2", "sa-east-1", "me-central-1"].map(priceListEndpoint)).to.deep.equal([
            "us-east-1",
            "eu-central-1",
            "ap-south-1",
            "us-east-1",
            "ap-south-1",
        ]);
    });
});

describe("the Price List: the cache and its refresh rules", () => {
    const sel = PRICE_LIST.kmsKey("us-east-2");
    let dir: string;
    beforeEach(() => {
        dir = tempDir("membrane-prices-");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keeps each answer on disk with its date and reuses it for a week, then asks again", async () => {
        const ask = (client = recordedPriceList(), now = NOW) =>
            askPriceList([sel.query], { client, endpoint: "us-east-1", cache: fileCache(dir), now });
        const first = recordedPriceList();
        await ask(first);
        expect(first.requests).to.have.lengthOf(1);
        const [file] = fs.readdirSync(dir);
        expect(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"))).to.deep.include({ fetched: NOW.toISOString(), query: sel.query });

        const within = recordedPriceList();
        const cached = await ask(within, new Date(NOW.getTime() + (MAX_AGE_DAYS * DAY - 60_000)));
        expect(within.requests, "a fresh answer is not asked again").to.have.lengthOf(0);
        expect(price(cached, sel)).to.deep.include({ cached: true, fetched: NOW.toISOString() });

        const after = recordedPriceList();
        const later = new Date(NOW.getTime() + MAX_AGE_DAYS * DAY + 60_000);
        const refreshed = await ask(after, later);
        expect(after.requests).to.have.lengthOf(1);
        expect(price(refreshed, sel)).to.deep.include({ cached: false, fetched: later.toISOString() });
    });

    it("falls back to an old answer, said to be stale, when the Price List cannot be asked", async () => {
        await askPriceList([sel.query], { client: recordedPriceList(), endpoint: "us-east-1", cache: fileCache(dir), now: NOW });
        const offline = recordedPriceList({
            fail: Object.assign(new Error("getaddrinfo ENOTFOUND api.pricing.us-east-1.amazonaws.com"), { code: "ENOTFOUND" }),
        });
        const a = await askPriceList([sel.query], {
            client: offline,
            endpoint: "us-east-1",
            cache: fileCache(dir),
            now: new Date(NOW.getTime() + 30 * DAY),
        });
        expect(price(a, sel)).to.deep.include({ cached: true, fetched: NOW.toISOString() });
        expect(price(a, sel).stale).to.match(/ENOTFOUND/);
    });

    it("without credentials, asks once, names the reason, and every line keeps the shipped table's price or none", async () => {
        const ev = await evaluate({ stack: "staging" });
        const denied = recordedPriceList({
            fail: Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
        });
        const live = await stackPriceList(ev, "eu-west-1", { client: denied, cache: memoryCache(), now: NOW });
        expect(denied.requests, "the first failure stops the others").to.have.lengthOf(1);
        const cost = estimateCost(ev, "eu-west-1", PRICES, live);
        const offline = estimateCost(ev, "eu-west-1");
        expect(cost.totalMonthlyUsd).to.equal(offline.totalMonthlyUsd);
        expect(cost.lines.map((l) => l.source.kind)).to.deep.equal(offline.lines.map((l) => l.source.kind));
        expect(cost.priceList).to.deep.include({
            answered: 0,
            failures: ["CredentialsProviderError: Could not load credentials from any providers"],
        });
        expect(cost.unpriced.find((u) => u.startsWith("credentials-secret"))).to.match(
            /the Price List could not be asked \(CredentialsProviderError: .*\); shipped table: no shipped price/,
        );
    });
});

describe("the fixture stacks priced from the Price List in several regions", () => {
    const REGIONS = ["us-east-1", "us-east-2", "eu-west-1", "ap-southeast-2"] as const;
    const PREFIX: Record<string, string> = { "us-east-2": "USE2-", "eu-west-1": "EU-", "ap-southeast-2": "APS2-" };
    const evals: Record<string, Evaluation> = {};
    const costs: Record<string, CostEstimate> = {};
    const clients: Record<string, ReturnType<typeof recordedPriceList>> = {};
    before(async () => {
        await Promise.all(
            REGIONS.map(async (region) => {
                evals[region] = await evaluate({
                    stack: "prod",
                    cloud: cloudInRegion("prod", region),
                    overrides: {
                        "aws:region": region,
                        ...(region === "ap-southeast-2" && { "membrane:s3ReplicaRegion": "ap-southeast-1" }),
                    },
                });
                clients[region] = recordedPriceList();
                const live = await stackPriceList(evals[region], region, { client: clients[region], cache: memoryCache(), now: NOW });
                costs[region] = estimateCost(evals[region], region, PRICES, live);
            }),
        );
    });

    for (const region of REGIONS) {
        it(`prod in ${region}: every priced AWS line from the Price List, Atlas from its documented rates`, () => {
            const cost = costs[region];
            const aws = cost.lines.filter((l) => l.type.startsWith("aws:") && l.monthlyUsd !== "usage-based");
            expect(aws.length).to.be.greaterThan(15);
            for (const l of aws) {
                expect(l.source.kind, `${l.resource} ${l.billed}`).to.equal("price-list");
                expect(l.monthlyUsd, l.resource).to.be.a("number");
            }
            for (const l of cost.lines.filter((x) => x.type.startsWith("mongodbatlas:") && x.monthlyUsd !== "usage-based")) {
                expect(l.source.kind, l.resource).to.equal(l.monthlyUsd === "no price" ? "none" : "table");
            }
            // The Atlas cluster has documented rates in us-east-1 only: elsewhere it is the one line missing.
            expect(cost.unpriced.map((u) => u.split(" ")[0])).to.deep.equal(region === "us-east-1" ? [] : ["database-cluster"]);
            expect(cost.lowerBound).to.equal(region !== "us-east-1");
            expect(cost.priceList).to.deep.include({ failures: [], dates: ["2026-12-07"] });
        });
    }

    it("prices each line at the recorded price of its own region: nodes, the endpoint's AZs, alarms, the key and the secret", () => {
        for (const region of REGIONS) {
            const p = PREFIX[region] ?? "";
            const cost = costs[region];
            const line = (resource: string) => cost.lines.find((l) => l.resource === resource && l.monthlyUsd !== "usage-based")!;
            const node = recorded("AmazonElastiCache", { usagetype: `${p}NodeUsage:cache.t3.medium`, cacheEngine: "Redis" });
            const az = recorded("AmazonVPC", { usagetype: `${region === "us-east-1" ? "USE1-" : p}VpcEndpoint-Hours` });
            const alarm = recorded("AmazonCloudWatch", { usagetype: `${p}CW:AlarmMonitorUsage` });
            const key = recorded("awskms", { usagetype: `${p}KMS-Keys` });
            const secret = recorded("AWSSecretsManager", { usagetype: `${region === "us-east-1" ? "USE1-" : p}AWSSecretsManager-Secrets` });
            const round = (n: number) => Math.round(n * 100) / 100;
            expect(line("redis-cache").monthlyUsd, region).to.equal(round(2 * node * 730));
            expect(line("database-vpc-endpoint").monthlyUsd, region).to.equal(round(3 * az * 730));
            expect(line("monitoring-redis-001-cpu").monthlyUsd, region).to.equal(alarm);
            expect(line("monitoring-alarm-key").monthlyUsd, region).to.equal(key);
            expect(line("credentials-secret").monthlyUsd, region).to.equal(secret);
            // CloudFront's alarm is billed in us-east-1 whatever the stack's region.
            expect(line("monitoring-cdn-5xx-error-rate").source).to.have.nested.property("prices[0].usageType", "CW:AlarmMonitorUsage");
        }
        expect(costs["ap-southeast-2"].totalMonthlyUsd).to.be.greaterThan(costs["us-east-1"].totalMonthlyUsd - 58.4);
    });

    it("gives the usage-based S3 and CloudFront lines their rates from the Price List, the replica bucket its own region's", () => {
        const cost = costs["ap-southeast-2"];
        const rates = (resource: string) => {
            const l = cost.lines.find((x) => x.resource === resource)!;
            return l.source.kind === "price-list" ? l.source.prices.map((p) => [p.usageType, p.usd]) : l.source.kind;
        };
        expect(rates("storage-connectors")).to.deep.equal([["APS2-TimedStorage-ByteHrs", 0.025]]);
        expect(rates("replication-connectors-replica")).to.deep.equal([["APS1-TimedStorage-ByteHrs", 0.025]]);
        expect(rates("cdn-distribution")).to.deep.equal([
            ["US-DataTransfer-Out-Bytes", 0.085],
            ["EU-DataTransfer-Out-Bytes", 0.085],
        ]);
    });

    it("asks each distinct question once: S3 and the keys in the stack's and the replica's or CloudFront's region", () => {
        const asked = clients["eu-west-1"].requests.map((r) => JSON.stringify([r.ServiceCode, r.Filters]));
        expect(new Set(asked).size).to.equal(asked.length);
        expect(priceListQueries(evals["eu-west-1"], "eu-west-1").map((q) => q.serviceCode)).to.have.members([
            "AmazonS3",
            "AmazonS3",
            "AmazonCloudFront",
            "AmazonCloudFront",
            "AmazonCloudWatch",
            "AmazonCloudWatch",
            "AmazonElastiCache",
            "AmazonVPC",
            "awskms",
            "awskms",
            "AWSSecretsManager",
        ]);
    });
});

describe("npm start -- --price-list", () => {
    const FIXTURE_DIR = path.join(__dirname, "..", "fixtures");

    it("takes the flag; the plan stays offline without it", async () => {
        expect(parseArgs(["--price-list"])).to.deep.include({ priceList: true });
        expect(parseArgs([])).to.not.have.property("priceList");
        const client = recordedPriceList();
        let out = "";
        expect(
            await main(
                ["--stack", "staging"],
                (s) => (out += s),
                () => undefined,
                FIXTURE_DIR,
                { client, cache: memoryCache() },
            ),
        ).to.equal(0);
        expect(client.requests, "no question without the flag").to.deep.equal([]);
        expect(out).to.include("AWS Price List not asked (offline)");
        expect(out).to.match(/a lower bound: it leaves out 8 line\(s\) that have no price/);
    });

    it("prints the Price List's date and usage type beside each AWS line, and its questions below", async () => {
        const client = recordedPriceList();
        let out = "";
        const code = await main(
            ["--stack", "staging", "--price-list"],
            (s) => (out += s),
            () => undefined,
            FIXTURE_DIR,
            {
                client,
                cache: memoryCache(),
                now: NOW,
            },
        );
        expect(code).to.equal(0);
        expect(client.requests.length).to.be.greaterThan(0);
        expect(out).to.match(
            /redis-cache +1 × cache\.t3\.medium node-hours \(redis\) +\$\d+\.\d\d +\[Price List 2026-12-07: \$0\.072\/Hrs EU-NodeUsage:cache\.t3\.medium\]/,
        );
        expect(out).to.match(/database-cluster +Atlas M10 .* no price +\[none: see below\]/);
        expect(out).to.match(/AWS Price List \(pricing:GetProducts at eu-central-1\): 10 of 10 question\(s\) answered, 0 from the cache/);
        expect(out).to.match(/a lower bound: it leaves out 1 line\(s\) that have no price:\n {4}- database-cluster \(Atlas M10/);
    });
});

describe("the SDK's Price List client", () => {
    it("sends GetProducts to the endpoint's region as the API documents it, and reads its PriceList strings", async () => {
        const { sdkPriceListClient } = require("../../tools/price-list") as typeof import("../../tools/price-list");
        const sent: any[] = [];
        const entry = recordings().get("awskms")![0];
        const client = await sdkPriceListClient("eu-central-1", {
            credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "example" },
            requestHandler: {
                async handle(request: any) {
                    sent.push(request);
                    const body = JSON.stringify({ FormatVersion: "aws_v1", PriceList: [entry], NextToken: "next" });
                    return {
                        response: {
                            statusCode: 200,
                            headers: { "content-type": "application/x-amz-json-1.1" },
                            body: Readable.from([Buffer.from(body)]),
                        },
                    };
                },
            } as any,
        });
        const out = await client.getProducts({
            ServiceCode: "awskms",
            Filters: [{ Type: "TERM_MATCH", Field: "regionCode", Value: "us-east-1" }],
            FormatVersion: "aws_v1",
            MaxResults: 100,
        });
        expect(out).to.deep.equal({ FormatVersion: "aws_v1", NextToken: "next", PriceList: [entry] });
        expect(sent[0].hostname).to.equal("api.pricing.eu-central-1.amazonaws.com");
        expect(sent[0].headers["x-amz-target"]).to.equal("AWSPriceListService.GetProducts");
        expect(sent[0].headers.authorization).to.match(
            /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\/\d{8}\/eu-central-1\/pricing\/aws4_request/,
        );
        // The body is bytes (a Uint8Array that also answers string methods, with a warning from the SDK's
        // JsonCodec2): read them as the SDK's Node.js handler sends them, never as a string.
        expect(sent[0].body).to.be.instanceOf(Uint8Array);
        expect(JSON.parse(new TextDecoder().decode(sent[0].body))).to.deep.equal({
            ServiceCode: "awskms",
            Filters: [{ Type: "TERM_MATCH", Field: "regionCode", Value: "us-east-1" }],
            FormatVersion: "aws_v1",
            MaxResults: 100,
        });
    });
});
